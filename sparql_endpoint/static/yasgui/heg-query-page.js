/* The query page of the Health Equity Guide SPARQL endpoint: YASGUI, wired to this endpoint only.
 *
 * Ours, not vendored (see README.md in this directory). What it changes in YASGUI's defaults:
 * - the endpoint is fixed to this server (a function in requestConfig wins over anything stored or typed),
 *   the endpoint catalogue is empty and its field hidden, URLs cannot set another endpoint;
 * - the prefix, property and class autocompleters use our own prefixes and the release's terms (embedded in
 *   the page by the server), so nothing is fetched from prefix.cc or Linked Open Vocabularies;
 * - errors of the endpoint (timeout, refusal, syntax) are shown with a plain headline and the server's text;
 * - the example queries of the release open in tabs, and /sparql?example=<slug> opens one;
 * - the results can be downloaded as CSV/JSON (SELECT, ASK) or Turtle/JSON-LD/N-Triples (CONSTRUCT, DESCRIBE).
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("heg-page-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var Yasgui = window.Yasgui;
  var Yasqe = Yasgui.Yasqe;
  var Yasr = Yasgui.Yasr;
  var examples = {};
  config.examples.forEach(function (example) { examples[example.slug] = example; });

  // --- autocompletion from our own terms (no outside service) ---------------------------------------
  var prefixLines = Object.keys(config.prefixes).sort().map(function (name) {
    return name + ": <" + config.prefixes[name] + ">";
  });
  Yasqe.forkAutocompleter("prefixes", { name: "prefixes", bulk: true, get: prefixLines, persistenceId: null });
  Yasqe.forkAutocompleter("property", { name: "property", bulk: true, get: config.properties, persistenceId: null });
  Yasqe.forkAutocompleter("class", { name: "class", bulk: true, get: config.classes, persistenceId: null });
  Yasqe.defaults.prefixCcApi = null;

  // --- errors of the endpoint, in plain words -------------------------------------------------------
  var HEADLINES = {
    400: "The query was refused: it has a syntax error or asks for something this endpoint does not allow.",
    403: "Refused: this endpoint is read-only (updates, LOAD and similar requests are not allowed).",
    404: "Not found.",
    406: "The endpoint cannot answer in the requested format.",
    413: "The query is too long for this endpoint.",
    415: "The request was not sent as a SPARQL query.",
    429: "Too many requests from this address: wait the time given, then run the query again.",
    500: "The server failed while answering this query.",
    503: "The endpoint is busy: too many queries are running or waiting. Try again in a few seconds.",
    504: "The query took longer than the time limit and was stopped."
  };

  function parseError(error) {
    var text = (error && (error.text || error.message)) || "";
    var status = error && error.status;
    var title = error && error.statusText;
    try {  // a JSON error body: {"error": {"status", "title", "message", "hint"}}
      var body = JSON.parse(text);
      if (body && body.error) {
        var parts = [body.error.message, body.error.hint ? "How to fix it: " + body.error.hint : ""];
        return { status: body.error.status, title: body.error.title, text: parts.filter(Boolean).join("\n\n") };
      }
    } catch (ignored) { /* plain text */ }
    var first = /^(\d{3}) ([^\n]*)\n/.exec(text);  // our plain text bodies start with "504 Gateway Timeout"
    if (first) {
      status = parseInt(first[1], 10);
      title = first[2];
      text = text.slice(first[0].length).trim();
    }
    return { status: status, title: title, text: text };
  }

  function renderError(error) {
    var parsed = parseError(error);
    var box = document.createElement("div");
    box.className = "heg-error";
    box.setAttribute("role", "alert");
    if (parsed.status) box.setAttribute("data-status", String(parsed.status));
    var headline = document.createElement("p");
    headline.className = "heg-error-headline";
    if (parsed.status) {
      headline.textContent = (HEADLINES[parsed.status] || "The endpoint answered with an error.") +
        " (HTTP " + parsed.status + (parsed.title ? " " + parsed.title : "") + ")";
    } else if (!parsed.text || /fetch|network|load failed/i.test(parsed.text)) {
      headline.textContent = "The endpoint could not be reached: is the server still running?";
    } else {
      headline.textContent = "The query failed.";
    }
    box.appendChild(headline);
    if (parsed.text) {
      var detail = document.createElement("pre");
      detail.className = "heg-error-detail";
      detail.textContent = parsed.text;
      box.appendChild(detail);
    }
    return Promise.resolve(box);
  }
  Yasr.defaults.errorRenderers = [renderError];

  // --- YASGUI, fixed to this endpoint --------------------------------------------------------------
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {
      endpoint: function () { return endpoint; },
      method: "POST"
    },
    endpointCatalogueOptions: { getData: function () { return []; }, keys: [] },
    copyEndpointOnNewTab: false,
    populateFromUrl: false,
    corsProxy: undefined,
    persistenceId: "heg_sparql",
    tabName: "Query",
    yasqe: { value: config.defaultQuery, prefixCcApi: null },
    yasr: { prefixes: config.prefixes }
  });

  // --- examples: tabs, list, and ?example=<slug> -----------------------------------------------------
  // a tab showing this example unchanged (one the user edited is left alone: a new tab opens instead)
  function findTab(name, query) {
    var ids = yasgui.persistentConfig.getTabs();
    for (var i = 0; i < ids.length; i++) {
      var tab = yasgui.getTab(ids[i]);
      if (!tab || tab.getName() !== name) continue;
      var editor = tab.getYasqe();  // hidden tabs have no editor yet: compare what is stored
      if ((editor ? editor.getValue() : tab.getPersistedJson().yasqe.value) === query) return tab;
    }
    return undefined;
  }

  function showInfo(example) {
    var info = document.getElementById("heg-example-info");
    if (!example) { info.hidden = true; return; }
    document.getElementById("heg-example-title").textContent = example.label;
    document.getElementById("heg-example-comment").textContent = example.comment;
    var link = document.getElementById("heg-example-link");
    var url = new URL(window.location.href);
    url.search = "?example=" + encodeURIComponent(example.slug);
    url.hash = "";
    link.href = url.href;
    link.textContent = url.href;
    info.hidden = false;
    document.querySelectorAll("#heg-example-list a[data-example]").forEach(function (a) {
      if (a.getAttribute("data-example") === example.slug) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    });
  }

  function openExample(slug) {
    var example = examples[slug];
    if (!example) return undefined;
    var tab = findTab(example.label, example.query);
    if (tab) {
      yasgui.selectTabId(tab.getId());
    } else {
      tab = yasgui.addTab(true, { name: example.label, yasqe: { value: example.query } });
    }
    showInfo(example);
    return tab;
  }

  document.querySelectorAll("#heg-example-list a[data-example]").forEach(function (a) {
    a.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;  // new window: let it be
      event.preventDefault();
      var slug = a.getAttribute("data-example");
      openExample(slug);
      window.history.pushState({ example: slug }, "", "?example=" + encodeURIComponent(slug));
    });
  });
  window.addEventListener("popstate", function (event) {
    if (event.state && event.state.example) openExample(event.state.example);
  });
  if (config.selected) openExample(config.selected);
  // a query a link brought (/sparql?query=... followed in a browser): a tab of its own, not run yet
  if (config.linkedQuery) {
    yasgui.addTab(true, { name: "Query from a link", yasqe: { value: config.linkedQuery } });
  }

  // --- downloads of the current results -------------------------------------------------------------
  var DOWNLOADS = {
    select: [["csv", "CSV", "csv"], ["json", "JSON", "json"], ["tsv", "TSV", "tsv"]],
    graph: [["turtle", "Turtle", "ttl"], ["jsonld", "JSON-LD", "jsonld"], ["ntriples", "N-Triples", "nt"]]
  };

  function updateDownloads(tab) {
    var box = document.getElementById("heg-downloads");
    var yasqe = tab && tab.getYasqe();
    if (!yasqe) { box.hidden = true; return; }
    var kind = (yasqe.getQueryType() || "").toUpperCase();
    var formats = kind === "CONSTRUCT" || kind === "DESCRIBE" ? DOWNLOADS.graph
      : kind === "SELECT" || kind === "ASK" ? DOWNLOADS.select : null;
    if (!formats) { box.hidden = true; return; }
    var base = (tab.getName() || "results").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    formats.forEach(function (format, i) {
      var a = document.getElementById("heg-download-" + (i + 1));
      a.href = endpoint + "?query=" + encodeURIComponent(yasqe.getValue()) + "&format=" + format[0];
      a.textContent = format[1];
      a.setAttribute("download", (base || "results") + "." + format[2]);
    });
    box.hidden = false;
  }

  yasgui.on("queryResponse", function (instance, tab) { updateDownloads(tab); });

  // --- graphs the query named that this dataset does not hold (answered as empty graphs) -----------
  function showMissingGraphs(response) {
    var notice = document.getElementById("heg-graph-notice");
    var headers = response && response.headers;
    var missing = headers && typeof headers.get === "function" ? headers.get("X-Graphs-Not-In-Dataset") : null;
    notice.hidden = !missing;
    if (missing) {
      notice.textContent = "Not graphs of this dataset, so read as empty graphs (nothing was fetched): " + missing +
        ". The dataset's graphs are listed in the service description and on the home page; leave FROM " +
        "and the graph parameters out to query them all.";
    }
  }
  function watch(tab) {
    var yasqe = tab && tab.getYasqe();
    if (!yasqe || yasqe.hegWatched) return;
    yasqe.hegWatched = true;
    yasqe.on("queryResponse", function (editor, response) { showMissingGraphs(response); });
  }
  yasgui.on("query", function (instance, tab) { watch(tab); });
  yasgui.on("tabSelect", function () { document.getElementById("heg-downloads").hidden = true; });
})();
