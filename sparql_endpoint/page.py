"""The HTML query page shown to browsers on a bare GET of /sparql (a plain form; the query UI issue
replaces it)."""

from __future__ import annotations

QUERY_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>SPARQL endpoint: Health Equity Guide knowledge graph</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
textarea { width: 100%; font-family: monospace; font-size: 0.95rem; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
</style>
</head>
<body>
<h1>SPARQL endpoint</h1>
<p>Health Equity Guide knowledge graph, release <strong>{{ release.version }}</strong>
({{ release.triples.get("total", 0) }} triples). Read-only SPARQL 1.1 queries; the default graph is the union
of the named graphs.</p>
<form method="get" action="{{ url_for('sparql.sparql') }}">
<p><label for="query">Query</label><br>
<textarea id="query" name="query" rows="14">{{ example }}</textarea></p>
<p><label for="format">Results as</label>
<select id="format" name="format">
{% for fmt in formats %}<option value="{{ fmt.key }}">{{ fmt.media_type }}</option>
{% endfor %}</select>
<button type="submit">Run query</button></p>
</form>
<h2>Limits</h2>
<dl>
<dt>Query timeout</dt><dd>{{ config.QUERY_TIMEOUT }} s</dd>
<dt>Rows returned at most</dt><dd>{{ config.MAX_ROWS }}</dd>
<dt>Request size at most</dt><dd>{{ config.MAX_REQUEST_BYTES }} bytes</dd>
<dt>SERVICE allowed to</dt><dd>{{ config.SERVICE_ALLOWLIST|join(", ") or "none" }}</dd>
</dl>
<h2>Named graphs</h2>
<ul>{% for key, iri in release.graphs|dictsort %}<li><code>{{ iri }}</code>
({{ release.triples.get(key, 0) }} triples)</li>{% endfor %}</ul>
<p>Machine-readable service description: request this URL with <code>Accept: text/turtle</code>.</p>
</body>
</html>
"""

EXAMPLE_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX heg: <{base}ontology#>

SELECT ?practice ?label WHERE {{
  ?practice a heg:StrategicPractice ;
            skos:prefLabel ?label .
}}
ORDER BY ?label
LIMIT 50
"""
