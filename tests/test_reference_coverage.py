"""Prove that the curated sources in data/ cover every fact of the shared reference.

The reference (../shared/reference/, next to the repository) holds the facts gathered from archived copies
of HealthEquityGuide.org. Each reference record is its own test case, so a record missing from data/ fails
by name. These tests read the files directly (yaml, csv, json, and the tables of further-facts-NOTES.md)
and do not use the graph builder.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REFERENCE = ROOT.parent / "shared" / "reference"

if not (REFERENCE / "practices.json").is_file():
    pytest.skip(f"reference facts not found at {REFERENCE} (they live outside the repository)",
                allow_module_level=True)

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TRUNCATED = " (action text truncated in archived public copy)"
CONFIDENCE = {"high": "high", "medium": "medium", "low": "low", "medium-high": "medium", "low-medium": "low"}


def _json(name: str):
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", " ").replace("'", "")).strip("-")


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --- the reference -------------------------------------------------------------------------------------
REF_PRACTICES = _json("practices.json")
REF_CASES = _json("case_studies.json")
REF_RESOURCES = _json("resources.json")
REF_PLACES = _json("places.json")

ED2017 = next(e for e in REF_PRACTICES["editions"] if e["edition"] == "2017")
EDNEW = next(e for e in REF_PRACTICES["editions"] if e["edition"] != "2017")
REF_P2017 = [(cat["name"], p) for cat in ED2017["categories"] for p in cat["practices"]]
REF_PNEW = [(st["name"], p) for st in EDNEW["stages"] for p in st["practices"]]
REF_KEY_ACTIONS = (
    [("2017", p["name"], ka) for _, p in REF_P2017 for ka in p["key_actions"]]
    + [("relaunch", p["name"], ka) for _, p in REF_PNEW for ka in p["key_actions"]]
)
REF_CROSSWALK = [(row["old"], new.strip() if new else None, row)
                 for row in REF_PRACTICES["crosswalk"]
                 for new in (row["new"].split(";") if row["new"] else [None])]


def _pub_name(name: str) -> str:
    """Resource publishers may carry a state suffix, e.g. 'Boston Public Health Commission (MA)'."""
    return re.sub(r"\s*\((CA|MA)\)$", "", name)


ORG_ALIASES = {"Bay Area Regional Health Inequities Initiative (BARHII)": "Bay Area Regional Health Inequities Initiative"}
NAMED_ORGS = sorted({ORG_ALIASES.get(n, n) for cs in REF_CASES["case_studies"]
                     for n in cs["health_departments"] + (cs["partners"] or [])}
                    | {_pub_name(p) for r in REF_RESOURCES["resources"] for p in r["publishers"]})

# --- further-facts-NOTES.md: one table row per fact, each with its URLs and a confidence ----------------
URL_RE = re.compile(r"https?://[^\s;|)`]+")
ROW_RE = re.compile(r"^\| (?P<row>\d+\.\d+) \| (?P<body>.*) \|$")


def _further_rows() -> dict[str, dict]:
    rows = {}
    for line in (REFERENCE / "further-facts-NOTES.md").read_text(encoding="utf-8").splitlines():
        if m := ROW_RE.match(line):
            cells = [c.strip() for c in m["body"].split(" | ")]
            bold = re.findall(r"\*\*(.+?)\*\*", line)
            rows[m["row"]] = {"row": m["row"], "text": line, "confidence": cells[-1].replace("*", ""),
                              "urls": [u.rstrip(":.,") for u in URL_RE.findall(line)],
                              "bold": bold[0] if bold else ""}
    return rows


FURTHER = _further_rows()

CAMPAIGN_TIP_1 = "https://us2.campaign-archive.com/?u=72f79fddff7ad7db65acf0591&id=caf9de3db6"
ALAMEDA = "alameda-county-advances-equitable-housing-policies"
KANSAS_CITY = "kansas-city-develops-mou-and-shares-space-with-community-organizers"
MADISON = "madison-dane-county-embeds-health-and-racial-equity-capacity"

#: What became of every row of further-facts-NOTES.md (a row missing here fails test_every_further_fact_is_handled):
#: ("record", resource slug, expectations): a new resource record, or an evidence upgrade of one;
#: ("action", practice, label start): a key action; ("evidence", case study, practice): outside evidence of an
#: inferred practice link; ("link-note", case study, practice, phrase): a low hint kept as a note on a link;
#: ("note", kind, key, phrase[, check URLs]): secondary context kept as a note on an entity, with the row's
#: URLs among its sources; ("out", text): a low row left out, the text must appear nowhere in data/.
FURTHER_USES: dict[str, list[tuple]] = {
    "1.1": [("note", "practice", "2017/mobilize-data-research-evaluation",
             "Mobilize Data, Research, & Evaluation Case Studies from HealthEquityGuide.org")],
    "1.2": [("evidence", "rhode-island-braids-funding-to-create-health-equity-zones", "2017/allocate-resources")],
    "1.3": [("note", "case-study", ALAMEDA, "'Strong Resources'")],
    "1.4": [("evidence", ALAMEDA, "2017/build-community-alliances"),
            ("link-note", KANSAS_CITY, "2017/build-community-alliances", "Part 3: Fostering Community Partnerships")],
    "1.5": [("note", "edition", "2017", "4-part webinar series")],
    "1.6": [("note", "edition", "2017", "Advancing Health Equity in Health Departments")],
    "2.1": [("note", "case-study", KANSAS_CITY, "without the trailing slash")],
    "2.2": [("note", "case-study", "maricopa-county-builds-health-equity-cloud", "Working in the Clouds")],
    "2.3": [("note", "case-study", KANSAS_CITY, "Cultivating a Culture of Health Equity by Strengthening a "
                                                "Partnership between Public Health and Community Organizers")],
    "3.1": [("action", "relaunch/build-your-container", "Deepen your understanding of power")],
    "3.2": [("note", "group", "cultivate", "'nutrients'")],
    "3.3": [("note", "group", "champion-transformative-change", "Championing Transformative Change to Advance Health Equity")],
    "3.4": [("note", "edition", "relaunch", "2024 or later")],
    "4.1": [("record", "building-containers-for-health-equity-work",
             {"new": True, "practices": ["relaunch/build-your-container"], "confidence": "medium",
              "inferred": ["practices"], "publishers": ["Human Impact Partners"], "year": 2024,
              "url": "https://humanimpact.org/hipprojects/building-containers-for-health-equity-work/"})],
    "4.2": [("record", "activities-to-deepen-your-power-building-analysis",
             {"upgraded_from": "cited-by-hip", "practices": ["relaunch/develop-a-shared-analysis"]})],
    "4.3": [("record", "resources-for-collaboration-and-power-sharing",
             {"upgraded_from": "cited-by-hip", "practices": ["relaunch/support-community-power-building"]}),
            ("note", "practice", "relaunch/support-community-power-building", "HIP's Power Building Resources")],
    "4.4": [("record", "narratives-for-health",
             {"new": True, "practices": ["relaunch/build-narrative-power"], "year": 2021,
              "publishers": ["Human Impact Partners", "County Health Rankings & Roadmaps"]})],
    "4.5": [("record", "equity-lens-tool-for-health-departments",
             {"new": True, "practices": ["relaunch/change-internal-policies-and-practices"], "year": 2021,
              "publishers": ["Big Cities Health Coalition", "Human Impact Partners"],
              "url": "https://bigcitieshealth.org/health-equity-tool"})],
    "4.6": [("record", "recommendations-for-strengthening-partnerships",
             {"new": True, "practices": ["relaunch/build-strategic-partnerships"], "confidence": "medium",
              "inferred": ["practices"], "publishers": ["CDC Foundation", "Human Impact Partners"]})],
    "4.7": [("record", "local-health-department-organizational-self-assessment",
             {"upgraded_from": "related", "practices": [], "confidence": "medium"})],
    "4.8": [("record", "health-equity-tip-1",
             {"new": True, "practices": [], "confidence": "medium", "year": 2019, "url": CAMPAIGN_TIP_1,
              "publishers": ["Human Impact Partners"], "inferred": ["publishers"]})],
    "4.9": [("note", "resource", "health-equity-tip-12", "Tip #11 existed"),
            ("note", "dataset", "dataset", "Tip #11", False)],
    "4.10": [("note", "case-study", "san-francisco-leverages-health-permits-to-combat-wage-theft",
              "Protecting Labor Rights: Roles for Public Health")],
    "4.11": [("out", "Budget Equity Assessment Tool")],
    "5.1": [("note", "case-study", MADISON, "Alia Stevenson, Jordan Bingham, Janel Heinrich"),
            ("note", "case-study", MADISON, "Professional Development Curriculum")],
    "5.2": [("note", "case-study", ALAMEDA, "'6 Pro-Tips from Health Equity Champions'"),
            ("note", "case-study", KANSAS_CITY, "'6 Pro-Tips from Health Equity Champions'"),
            ("note", "case-study", MADISON, "'6 Pro-Tips from Health Equity Champions'")],
    "5.3": [("note", "case-study", ALAMEDA, "tenant protections")],
    "5.4": [("note", "case-study", "santa-clara-develops-infrastructure-to-address-racial-and-health-equity",
             "Bay Area Learning Cohort")],
    "5.5": [("out", "linc.gr")],
}
FURTHER_RECORDS = [(row, use[1], use[2]) for row, uses in FURTHER_USES.items() for use in uses if use[0] == "record"]
FURTHER_NEW_RECORDS = [slug for _, slug, want in FURTHER_RECORDS if want.get("new")]
FURTHER_UPGRADES = {slug: want for _, slug, want in FURTHER_RECORDS if want.get("upgraded_from")}
FURTHER_ACTIONS = [(row, use[1], use[2]) for row, uses in FURTHER_USES.items() for use in uses if use[0] == "action"]
FURTHER_NOTES = [(row, *use[1:4], use[4] if len(use) > 4 else True)
                 for row, uses in FURTHER_USES.items() for use in uses if use[0] == "note"]
FURTHER_EVIDENCE = [(row, use[1], use[2], use[3] if use[0] == "link-note" else "")
                    for row, uses in FURTHER_USES.items() for use in uses if use[0] in ("evidence", "link-note")]
FURTHER_OUT = [(row, use[1]) for row, uses in FURTHER_USES.items() for use in uses if use[0] == "out"]


def _is_low(row: str) -> bool:
    return FURTHER[row]["confidence"].lower().startswith("low")

# --- data/ ---------------------------------------------------------------------------------------------
DATASET = _yaml(DATA / "dataset.yaml")
EDITIONS = {path.stem: _yaml(path) for path in sorted((DATA / "editions").glob("*.yaml"))}
CASES = {path.stem: _yaml(path) for path in sorted((DATA / "case-studies").glob("*.yaml"))}
RESOURCES = _yaml(DATA / "resources.yaml")
VOCABS = _yaml(DATA / "vocabularies.yaml")
ORGS = _csv("organizations.csv")
PLACES = _csv("places.csv")
CROSSWALK = _csv("crosswalk.csv")

ORG_BY_SLUG = {o["slug"]: o for o in ORGS}
ORG_BY_NAME = {o["name"]: o for o in ORGS}
PLACE_BY_SLUG = {p["slug"]: p for p in PLACES}
CASE_BY_TITLE = {cs["title"]: cs for cs in CASES.values()}
RES_BY_TITLE = {r["title"]: r for r in RESOURCES}
RES_BY_SLUG = {r["slug"]: r for r in RESOURCES}
VOCAB_SLUGS = {name: {c["slug"] for c in v["concepts"]} for name, v in VOCABS.items()}


def _practices(edition: str) -> dict[str, dict]:
    return {p["slug"]: p for p in EDITIONS[edition]["practices"]}


def _practice_by_name(edition: str, name: str) -> dict:
    matches = [p for p in EDITIONS[edition]["practices"] if p["name"] == name]
    assert len(matches) == 1, f"practice {name!r} of edition {edition} found {len(matches)} times"
    return matches[0]


def _group_name(edition: str, slug: str) -> str:
    return next(g["name"] for g in EDITIONS[edition]["groups"] if g["slug"] == slug)


def _url_slug(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


# --- every parametrized list is non-empty (an empty parametrize would silently skip) ------------------
PARAM_LISTS = {
    "case studies": REF_CASES["case_studies"], "resources": REF_RESOURCES["resources"],
    "organizations": REF_RESOURCES["organizations"], "named organizations": NAMED_ORGS,
    "places": REF_PLACES["places"], "2017 practices": REF_P2017, "relaunch practices": REF_PNEW,
    "key actions": REF_KEY_ACTIONS, "crosswalk rows": REF_CROSSWALK,
    "2017 categories": ED2017["categories"], "relaunch stages": EDNEW["stages"],
    "further-facts rows": list(FURTHER), "further-facts records": FURTHER_RECORDS,
    "further-facts new records": FURTHER_NEW_RECORDS, "further-facts upgrades": list(FURTHER_UPGRADES),
    "further-facts actions": FURTHER_ACTIONS, "further-facts notes": FURTHER_NOTES,
    "further-facts evidence": FURTHER_EVIDENCE, "further-facts rows left out": FURTHER_OUT,
}


@pytest.mark.parametrize("name", sorted(PARAM_LISTS))
def test_parametrized_list_is_not_empty(name):
    assert PARAM_LISTS[name], f"the reference yields no {name}: the coverage tests would check nothing"


def test_counts():
    assert len(REF_P2017) == 15 and len(EDITIONS["2017"]["practices"]) == 15
    assert len(REF_PNEW) == 12 and len(EDITIONS["relaunch"]["practices"]) == 12
    assert len(REF_CASES["case_studies"]) == 11 and len(CASES) >= 11
    assert len(REF_RESOURCES["resources"]) == 48 and len(RESOURCES) == 48 + len(FURTHER_NEW_RECORDS)
    assert len(REF_RESOURCES["organizations"]) == 29 and len(ORGS) >= 29
    assert len(REF_PLACES["places"]) == 20 and len(PLACES) >= 20
    assert len(EDITIONS["2017"]["groups"]) == 4 and len(EDITIONS["relaunch"]["groups"]) == 3
    assert sum(len(p["key_actions"]) for e in EDITIONS.values() for p in e["practices"]) \
        == len(REF_KEY_ACTIONS) + len(FURTHER_ACTIONS)
    assert len(CROSSWALK) == sum(1 for _, old_new, row in REF_CROSSWALK if row["old"] and old_new)


# --- editions, practices, key actions ------------------------------------------------------------------
def test_editions():
    assert set(EDITIONS) == {"2017", "relaunch"}
    assert EDITIONS["2017"]["edition"] == "2017" and EDITIONS["relaunch"]["edition"] == "relaunch"
    assert EDITIONS["2017"]["published_practice_count"] == 15
    assert EDITIONS["relaunch"]["published_practice_count"] == 15


@pytest.mark.parametrize("category", [c["name"] for c in ED2017["categories"]])
def test_2017_category(category):
    groups = {g["name"]: g for g in EDITIONS["2017"]["groups"]}
    assert category in groups
    assert groups[category]["kind"] == "category"
    assert groups[category]["slug"] == _slugify(category)


@pytest.mark.parametrize("stage", EDNEW["stages"], ids=[s["name"] for s in EDNEW["stages"]])
def test_relaunch_stage(stage):
    groups = {g["name"]: g for g in EDITIONS["relaunch"]["groups"]}
    assert stage["name"] in groups
    group = groups[stage["name"]]
    assert group["kind"] == "stage" and group["number"] == stage["stage_number"]
    assert stage["source"] in _as_list(group["source"])


@pytest.mark.parametrize("category,ref", REF_P2017, ids=[p["name"] for _, p in REF_P2017])
def test_2017_practice(category, ref):
    p = _practice_by_name("2017", ref["name"])
    assert p["slug"] == ref["slug"] == _url_slug(ref["url"])
    assert p["url"] == ref["url"]
    assert p["description"] == ref["description"]
    assert ref["source"] in _as_list(p["source"])
    for other in ref.get("other_sources", []):
        assert other in _as_list(p["source"])
    assert p["actions_complete"] is ref["actions_complete"]
    assert _group_name("2017", p["group"]) == category
    assert p["group_inferred"] is True, "no page states 2017 category membership"
    assert p["group_confidence"] == CONFIDENCE[ref["category_confidence"]]
    assert ref["category_basis"] in p["group_basis"]
    if CONFIDENCE[ref["category_confidence"]] != ref["category_confidence"]:
        assert ref["category_confidence"] in p["group_basis"], "the original confidence must stay in the basis"
    if ref.get("name_note"):
        assert p["name_note"] == ref["name_note"]
    if ref.get("other_content"):
        assert ref["other_content"] in p.get("notes", [])


@pytest.mark.parametrize("stage,ref", REF_PNEW, ids=[p["name"] for _, p in REF_PNEW])
def test_relaunch_practice(stage, ref):
    p = _practice_by_name("relaunch", ref["name"])
    assert p["slug"] == _url_slug(ref["url"])
    assert p["url"] == ref["url"]
    assert p["description"] == ref["description"]
    assert ref["source"] in _as_list(p["source"])
    assert p["actions_complete"] is ref["actions_complete"]
    assert _group_name("relaunch", p["group"]) == stage
    explicit = ref["stage_confidence"].startswith("explicit")
    assert p["group_inferred"] is (not explicit)
    assert p.get("group_basis"), "every stage placement needs its basis"
    if explicit:
        assert p["group_confidence"] == "high"
    else:
        # the reference gives no level for an inferred stage: the most cautious one is used, and said so
        assert p["group_confidence"] == "low" and "confidence level" in p["group_basis"]
    notes = " ".join(p.get("notes", []))
    for key in ("stage_note", "other_content", "elements_note"):
        if ref.get(key):
            assert ref[key] in notes
    for element in ref.get("elements_named", []):
        assert element in notes


@pytest.mark.parametrize(
    "edition,practice,ref", REF_KEY_ACTIONS,
    ids=[f"{e}|{p}|{ka['label']}|{ka['source']}" for e, p, ka in REF_KEY_ACTIONS])
def test_key_action(edition, practice, ref):
    p = _practice_by_name(edition, practice)
    label = ref["label"]
    if label.endswith(TRUNCATED):
        label = label[: -len(TRUNCATED)] + " (truncated)"
    matches = [ka for ka in p["key_actions"] if ka["label"] == label]
    assert len(matches) == 1, f"key action {label!r} not found once in {edition}/{p['slug']}"
    ka = matches[0]
    assert ref["source"] in _as_list(ka["source"])
    if ref.get("note"):
        assert ka.get("note") == ref["note"]
    if ref["label"].endswith(TRUNCATED):
        assert ka.get("note"), "a truncated action says so in its note"


def test_key_action_order_follows_reference():
    for edition, refs in (("2017", REF_P2017), ("relaunch", REF_PNEW)):
        for _, ref in refs:
            p = _practice_by_name(edition, ref["name"])
            got = [ka["label"] for ka in p["key_actions"]]
            want = [ka["label"][: -len(TRUNCATED)] + " (truncated)" if ka["label"].endswith(TRUNCATED)
                    else ka["label"] for ka in ref["key_actions"]]
            # actions found later (further-facts-NOTES.md) follow the reference's, in row order
            later = [start for _, practice, start in FURTHER_ACTIONS if practice == f"{edition}/{p['slug']}"]
            assert got[: len(want)] == want, f"{edition}/{p['slug']}: key actions out of order or missing"
            assert len(got) == len(want) + len(later), f"{edition}/{p['slug']}: unexpected key actions"
            assert all(g.startswith(s) for g, s in zip(got[len(want):], later)), f"{edition}/{p['slug']}"


# --- crosswalk -----------------------------------------------------------------------------------------
def _slug_of(edition: str, name: str) -> str:
    return _practice_by_name(edition, name)["slug"]


@pytest.mark.parametrize("old,new,row", REF_CROSSWALK, ids=[f"{o} -> {n}" for o, n, _ in REF_CROSSWALK])
def test_crosswalk_row(old, new, row):
    if old and new:
        key = (_slug_of("2017", old), _slug_of("relaunch", new))
        matches = [r for r in CROSSWALK if (r["old"], r["new"]) == key]
        assert len(matches) == 1, f"crosswalk row {key} not found once"
        # A strength is recorded only where the reference classes the match; empty means not judged.
        assert matches[0]["strength"] in VOCAB_SLUGS["mapping-strength"] | {""}
        assert row["basis"] in matches[0]["basis"]
        assert _split(matches[0]["source"]), "each crosswalk row names the pages compared"
    else:
        # "no counterpart" rows cannot be a mapping: they are kept as a note on the practice
        edition, name = ("2017", old) if old else ("relaunch", new)
        notes = " ".join(_practice_by_name(edition, name).get("notes", []))
        assert "Crosswalk" in notes and "no" in notes.lower()


# --- case studies --------------------------------------------------------------------------------------
@pytest.mark.parametrize("ref", REF_CASES["case_studies"], ids=[c["title"] for c in REF_CASES["case_studies"]])
def test_case_study(ref):
    assert ref["title"] in CASE_BY_TITLE, f"case study {ref['title']!r} missing"
    cs = CASE_BY_TITLE[ref["title"]]
    slug = next(s for s, c in CASES.items() if c is cs)
    if ref["url"]:
        assert cs["url"] == ref["url"]
        assert slug == re.sub(r"-2$", "", _url_slug(ref["url"]))
    else:
        assert "url" not in cs
        assert cs["url_unverified"] == ref["url_unverified_guess"]
        assert slug == _slugify(ref["title"])
    assert [ORG_BY_SLUG[h]["name"] for h in cs["health_departments"]] == ref["health_departments"]
    if ref["who_took_this_on"]:
        assert cs["who_took_this_on"] == ref["who_took_this_on"]
    level = {"county (multi-county metro)": "multi-county"}.get(ref["jurisdiction_level"], ref["jurisdiction_level"])
    assert cs["jurisdiction_level"] == level
    assert [(PLACE_BY_SLUG[s]["name"], PLACE_BY_SLUG[s]["type"], PLACE_BY_SLUG[s]["state"]) for s in cs["places"]] \
        == [(p["name"], p["type"], p["state"]) for p in ref["places"]]
    assert cs["practices"] == [] and ref["practices"] is None
    assert cs["topics"] == [_slugify(t) for t in ref["topics"]]
    assert "topics" in cs["inferred"], "topics are the curator's classification"
    assert [ORG_BY_SLUG[p]["name"] for p in cs["partners"]] \
        == [ORG_ALIASES.get(p, p) for p in ref["partners"] or []]
    for field in ("period", "summary", "what_sparked_it", "enabling_factors", "impacts", "advice"):
        if ref.get(field):
            assert cs[field] == ref[field], field
        else:
            assert field not in cs, f"{field} is not in the reference and must be left out"
    assert set(ref["source"]) <= set(_as_list(cs["source"]))
    assert cs["confidence"] == ref["confidence"]
    assert cs["not_captured"] == ref["not_captured"]
    notes = " ".join(cs.get("notes", []))
    for field in ("notes", "secondary_context"):
        if ref.get(field):
            assert ref[field] in notes, field


# --- resources -----------------------------------------------------------------------------------------
def _practice_ref(name: str) -> str:
    return "2017/" + _slug_of("2017", name)


CATEGORY_SLUGS = {g["name"]: g["slug"] for g in EDITIONS["2017"]["groups"]}
GUIDE_CASE_TITLES = {c["title"] for c in REF_CASES["case_studies"]}


@pytest.mark.parametrize("ref", REF_RESOURCES["resources"], ids=[r["title"] for r in REF_RESOURCES["resources"]])
def test_resource(ref):
    assert ref["title"] in RES_BY_TITLE, f"resource {ref['title']!r} missing"
    r = RES_BY_TITLE[ref["title"]]
    assert [ORG_BY_SLUG[p]["name"] for p in r.get("publishers", [])] == [_pub_name(p) for p in ref["publishers"]]
    assert r.get("year") == ref["year"]
    assert r["type"] == _slugify(ref["type"])
    assert r.get("url") == ref["url"]
    want_practices = [_practice_ref(n) for n in ref["practices"] if n not in CATEGORY_SLUGS]
    want_categories = [CATEGORY_SLUGS[n] for n in ref["practices"] if n in CATEGORY_SLUGS]
    upgrade = FURTHER_UPGRADES.get(r["slug"])  # raised by a later fact (further-facts-NOTES.md)
    assert r.get("practices", []) == (upgrade["practices"] if upgrade else want_practices)
    assert r.get("categories", []) == want_categories
    assert r["description"] == ref["description"]
    if upgrade:
        assert _slugify(ref["evidence"]) == upgrade["upgraded_from"] and r["evidence"] == "listed-on-guide"
    else:
        assert r["evidence"] == _slugify(ref["evidence"])
    # one archived address carries a stray "maito:axel@" prefix before the host; data/ leaves it out
    assert {u.replace("maito:axel@", "") for u in ref["source"]} <= set(_as_list(r["source"]))
    if ref.get("notes"):
        notes = " ".join(r.get("notes", []))
        first = ref["notes"].split(".")[0]
        # an upgrade may correct the reference's caveat about the evidence: its first clause still holds
        assert (first.split(";")[0] if upgrade else first) in notes
    if ref["type"] == "case study":
        title = ref["title"] if ref["title"] in GUIDE_CASE_TITLES else ref["title"] + "s"
        if title in GUIDE_CASE_TITLES:
            assert CASES[r["case_study"]]["title"] == title
        else:
            assert "case_study" not in r
    if "inferred" in (ref.get("notes") or "").lower() or "general knowledge" in (ref.get("notes") or ""):
        assert r.get("inferred"), "an inference the reference flags must be marked `inferred`"


def test_resource_slugs_follow_titles():
    for r in RESOURCES:
        first = r["slug"].split("-")[0]
        assert first in _slugify(r["title"]).split("-"), r["slug"]


# --- organizations -------------------------------------------------------------------------------------
@pytest.mark.parametrize("ref", REF_RESOURCES["organizations"], ids=[o["name"] for o in REF_RESOURCES["organizations"]])
def test_organization(ref):
    assert ref["name"] in ORG_BY_NAME, f"organization {ref['name']!r} missing"
    o = ORG_BY_NAME[ref["name"]]
    assert o["acronym"] == (ref["acronym"] or "")
    assert o["url"] == (ref["url"] or "")
    assert o["kind"] == ref["kind"]
    assert _split(o["source"]), "every organization names a source"


@pytest.mark.parametrize("name", NAMED_ORGS)
def test_named_organization(name):
    """Every health department, partner and publisher named in the reference is an organization."""
    assert name in ORG_BY_NAME, f"organization {name!r} missing"
    assert _split(ORG_BY_NAME[name]["source"])


def test_health_departments_serve_their_places():
    for cs in CASES.values():
        for hd in cs["health_departments"]:
            org = ORG_BY_SLUG[hd]
            assert org["health_department"] == "yes", hd
            assert org["kind"] == "government", hd
            assert _split(org["serves"]), hd
    for o in ORGS:
        assert o["health_department"] in ("", "yes")
        if o["serves"]:
            assert o["health_department"] == "yes"


# --- places --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ref", REF_PLACES["places"], ids=[p["geoid"] for p in REF_PLACES["places"]])
def test_place(ref):
    matches = [p for p in PLACES if p["geoid"] == ref["geoid"]]
    assert len(matches) == 1, f"place with GEOID {ref['geoid']} not found once"
    p = matches[0]
    assert (p["name"], p["type"], p["state"]) == (ref["name"], ref["type"], ref["state"])
    assert REF_PLACES["source"] in _split(p["source"])
    suffix = "" if ref["type"] == "state" else "-" + ref["state"].lower()
    assert p["slug"] == _slugify(ref["name"]) + suffix
    if ref.get("note"):
        assert ref["note"] in p["notes"]
    if ref["type"] != "state":
        assert p["within"], "counties and cities say what they are within"


def test_place_containment():
    assert PLACE_BY_SLUG["boston-ma"]["within"] == "suffolk-county-ma"
    assert PLACE_BY_SLUG["madison-wi"]["within"] == "dane-county-wi"
    assert PLACE_BY_SLUG["omaha-ne"]["within"] == "douglas-county-ne"
    assert PLACE_BY_SLUG["san-francisco-ca"]["within"] == "san-francisco-county-ca"
    assert "consolidated" in PLACE_BY_SLUG["san-francisco-ca"]["notes"]
    for p in PLACES:
        if p["type"] == "county":
            assert PLACE_BY_SLUG[p["within"]]["type"] == "state"


# --- dataset -------------------------------------------------------------------------------------------
def test_dataset():
    assert DATASET["version"] == "2026.12.0"
    assert DATASET["license"] == "https://creativecommons.org/licenses/by/4.0/"
    publisher = DATASET.get("publisher", "")
    assert "human impact partners" not in publisher.lower() and publisher != "human-impact-partners", \
        "Human Impact Partners does not publish this graph"
    assert DATASET["creator"]
    assert "Human Impact Partners" in DATASET["description"]
    counts = {(c["what"], c["count"], c["qualifier"]) for c in DATASET["published_counts"]}
    assert counts == {("practices-2017", 15, "exact"), ("case-studies", 25, "at-least"),
                      ("resources", 150, "at-least"), ("practices-relaunch", 15, "exact")}
    assert all(c["source"] for c in DATASET["published_counts"])
    assert len(DATASET["known_gaps"]) >= 8


# --- slugs: format, uniqueness, references -------------------------------------------------------------
def _slugs_by_kind() -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {
        "case-study": list(CASES), "resource": [r["slug"] for r in RESOURCES],
        "organization": [o["slug"] for o in ORGS], "place": [p["slug"] for p in PLACES],
    }
    for name, edition in EDITIONS.items():
        kinds[f"practice {name}"] = [p["slug"] for p in edition["practices"]]
        kinds[f"group {name}"] = [g["slug"] for g in edition["groups"]]
        for p in edition["practices"]:
            kinds[f"key action {name}/{p['slug']}"] = [ka["slug"] for ka in p["key_actions"]]
    for name, vocab in VOCABS.items():
        kinds[f"vocabulary {name}"] = [c["slug"] for c in vocab["concepts"]]
    return kinds


SLUG_KINDS = _slugs_by_kind()


@pytest.mark.parametrize("kind", sorted(SLUG_KINDS))
def test_slugs_are_well_formed_and_unique(kind):
    slugs = SLUG_KINDS[kind]
    bad = [s for s in slugs if not SLUG.match(s)]
    assert not bad, f"malformed {kind} slugs: {bad}"
    dupes = sorted({s for s in slugs if slugs.count(s) > 1})
    assert not dupes, f"duplicate {kind} slugs: {dupes}"


def test_group_slugs_do_not_clash_across_editions():
    assert not set(SLUG_KINDS["group 2017"]) & set(SLUG_KINDS["group relaunch"])


PRACTICE_REFS = {f"{name}/{p['slug']}" for name, e in EDITIONS.items() for p in e["practices"]}


def test_references_resolve():
    orgs, places, cases = set(ORG_BY_SLUG), set(PLACE_BY_SLUG), set(CASES)
    problems = []

    def check(where, value, targets):
        if value not in targets:
            problems.append(f"{where}: {value!r} does not resolve")

    for slug, cs in CASES.items():
        for o in cs["health_departments"] + cs["partners"]:
            check(f"case study {slug}", o, orgs)
        for p in cs["places"]:
            check(f"case study {slug}", p, places)
        for p in cs["practices"]:
            check(f"case study {slug}", p, PRACTICE_REFS)
        for t in cs["topics"]:
            check(f"case study {slug} topic", t, VOCAB_SLUGS["topic"])
        check(f"case study {slug} jurisdiction_level", cs["jurisdiction_level"], VOCAB_SLUGS["jurisdiction-level"])
        check(f"case study {slug} confidence", cs["confidence"], VOCAB_SLUGS["confidence"])
    for r in RESOURCES:
        for o in r.get("publishers", []):
            check(f"resource {r['slug']}", o, orgs)
        for p in r.get("practices", []):
            check(f"resource {r['slug']}", p, PRACTICE_REFS)
        for c in r.get("categories", []):
            check(f"resource {r['slug']}", c, set(SLUG_KINDS["group 2017"]))
        if "case_study" in r:
            check(f"resource {r['slug']}", r["case_study"], cases)
        check(f"resource {r['slug']} type", r["type"], VOCAB_SLUGS["resource-type"])
        check(f"resource {r['slug']} evidence", r["evidence"], VOCAB_SLUGS["evidence-level"])
    for o in ORGS:
        for s in _split(o["serves"]):
            check(f"organization {o['slug']} serves", s, places)
        if o["kind"]:
            check(f"organization {o['slug']} kind", o["kind"], VOCAB_SLUGS["organization-kind"])
    for p in PLACES:
        if p["within"]:
            check(f"place {p['slug']} within", p["within"], places)
        check(f"place {p['slug']} type", p["type"], VOCAB_SLUGS["place-type"])
    for r in CROSSWALK:
        check("crosswalk old", f"2017/{r['old']}", PRACTICE_REFS)
        check("crosswalk new", f"relaunch/{r['new']}", PRACTICE_REFS)
        if r["strength"]:
            check("crosswalk strength", r["strength"], VOCAB_SLUGS["mapping-strength"])
    for name, edition in EDITIONS.items():
        groups = {g["slug"] for g in edition["groups"]}
        for p in edition["practices"]:
            check(f"practice {name}/{p['slug']} group", p["group"], groups)
            if "group_confidence" in p:
                check(f"practice {name}/{p['slug']} group_confidence", p["group_confidence"], VOCAB_SLUGS["confidence"])
    assert not problems, "\n".join(problems)


def test_vocabularies():
    assert set(VOCABS) == {"resource-type", "evidence-level", "topic", "jurisdiction-level", "organization-kind",
                           "place-type", "confidence", "mapping-strength"}
    for name, vocab in VOCABS.items():
        assert vocab["title"] and vocab["definition"], name
        for c in vocab["concepts"]:
            assert c["label"] and c["definition"], f"{name}/{c['slug']}"
    topics = {_slugify(t) for cs in REF_CASES["case_studies"] for t in cs["topics"]}
    assert topics == VOCAB_SLUGS["topic"]
    # 'project' was added for Narratives for Health (further-facts 4.4), which the guide calls a project
    assert {_slugify(r["type"]) for r in REF_RESOURCES["resources"]} | {"project"} == VOCAB_SLUGS["resource-type"]
    assert {_slugify(r["evidence"]) for r in REF_RESOURCES["resources"]} == VOCAB_SLUGS["evidence-level"]
    assert {o["kind"] for o in REF_RESOURCES["organizations"]} <= VOCAB_SLUGS["organization-kind"]
    assert {p["type"] for p in REF_PLACES["places"]} == VOCAB_SLUGS["place-type"]


def test_retired_csv_has_header():
    with (DATA / "retired.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == ["iri_path", "successor_path", "retired_on", "reason"]


# --- further facts (further-facts-NOTES.md): every row handled, every new record checked by name ------
def test_every_further_fact_is_handled():
    """Each row of the file is in FURTHER_USES, so a row added there fails here until it is curated."""
    assert set(FURTHER) == set(FURTHER_USES), (
        f"rows not handled: {sorted(set(FURTHER) - set(FURTHER_USES))}; "
        f"handled but gone: {sorted(set(FURTHER_USES) - set(FURTHER))}")


def _practice_page(ref: str) -> str:
    edition, slug = ref.split("/")
    return _practices(edition)[slug]["url"]


@pytest.mark.parametrize("row,slug,want", FURTHER_RECORDS, ids=[f"{r} {FURTHER[r]['bold']}" for r, _, _ in FURTHER_RECORDS])
def test_further_fact_resource(row, slug, want):
    """A resource the relaunched guide (or a tip email) lists: new, or an evidence upgrade of an existing one."""
    fact = FURTHER[row]
    assert slug in RES_BY_SLUG, f"resource {slug!r} (further-facts {row}) missing"
    r = RES_BY_SLUG[slug]
    title = fact["bold"].replace('"', "")  # Tip #01's quotes are the notes' typography, not its title
    if want.get("new"):
        assert r["title"] == title, f"title not as published in further-facts {row}"
        assert r["title"] not in {x["title"] for x in REF_RESOURCES["resources"]}, "a new record is new"
    else:
        assert r["title"] == title or r["title"].startswith(title + ":"), f"further-facts {row} names another title"
        assert r["title"] in RES_BY_TITLE and r["title"] in {x["title"] for x in REF_RESOURCES["resources"]}
        assert any("raised from" in n for n in r.get("notes", [])), "an upgrade says what it was raised from"
    assert r["evidence"] == "listed-on-guide", "each of these rows shows the item on the guide"
    sources = set(_as_list(r["source"]))
    missing = [u for u in fact["urls"] if u not in sources]
    assert not missing, f"the row's pages must be among the record's sources: {missing}"
    assert r.get("practices", []) == want["practices"]
    for ref in r.get("practices", []):
        assert _practice_page(ref) in sources, f"the practice page that lists it ({ref}) is a source"
    assert r.get("confidence") == want.get("confidence"), "a medium identification keeps `confidence: medium`"
    assert sorted(r.get("inferred", [])) == sorted(want.get("inferred", []))
    if "publishers" in want:
        assert [ORG_BY_SLUG[p]["name"] for p in r["publishers"]] == want["publishers"]
    assert r.get("year") == want.get("year", r.get("year"))
    assert r.get("url") == want.get("url", r.get("url"))
    assert r.get("description"), "described in our own words"


@pytest.mark.parametrize("row,practice,start", FURTHER_ACTIONS, ids=[f"{r} {p}" for r, p, _ in FURTHER_ACTIONS])
def test_further_fact_key_action(row, practice, start):
    edition, slug = practice.split("/")
    p = _practices(edition)[slug]
    assert FURTHER[row]["bold"] == p["name"], f"further-facts {row} is about {FURTHER[row]['bold']!r}"
    matches = [ka for ka in p["key_actions"] if ka["label"].startswith(start)]
    assert len(matches) == 1, f"key action starting {start!r} not found once in {practice}"
    assert matches[0]["label"].endswith("(truncated)") and matches[0].get("note"), "the page cuts it off: say so"
    assert set(FURTHER[row]["urls"]) <= set(_as_list(matches[0]["source"]))


def _entity(kind: str, key: str) -> dict:
    if kind == "case-study":
        return CASES[key]
    if kind == "resource":
        return RES_BY_SLUG[key]
    if kind == "practice":
        return _practices(key.split("/")[0])[key.split("/")[1]]
    if kind == "group":
        return next(g for e in EDITIONS.values() for g in e["groups"] if g["slug"] == key)
    if kind == "edition":
        return EDITIONS[key]
    return {"source": DATASET["source"], "notes": DATASET["known_gaps"]}


@pytest.mark.parametrize("row,kind,key,phrase,check_urls", FURTHER_NOTES, ids=[f"{n[0]} {n[2]}" for n in FURTHER_NOTES])
def test_further_fact_kept_as_note(row, kind, key, phrase, check_urls):
    """Secondary context is a note on the entity (not a fact of the guide), with its page as a source;
    a low-confidence row kept this way says it is low."""
    entity = _entity(kind, key)
    notes = [n for n in entity.get("notes", []) if phrase in n]
    assert notes, f"no note of {kind} {key} holds {phrase!r} (further-facts {row})"
    if check_urls:
        missing = [u for u in FURTHER[row]["urls"] if u not in _as_list(entity["source"])]
        assert not missing, f"the row's pages must be among the sources of {kind} {key}: {missing}"
    if _is_low(row):
        assert all("low" in n.lower() for n in notes), f"further-facts {row} is low: the note must say so"


def _link(case: str, practice: str) -> dict:
    links = [item for item in CASES[case].get("inferred_practices", []) if item["practice"] == practice]
    assert len(links) == 1, f"{case} has no single inferred link to {practice}"
    return links[0]


@pytest.mark.parametrize("row,case,practice,phrase", FURTHER_EVIDENCE, ids=[f"{e[0]} {e[1]}" for e in FURTHER_EVIDENCE])
def test_further_fact_outside_classification(row, case, practice, phrase):
    """An outside classification of a case study is evidence on its inferred link (never a tag); a low one
    is only a note on the link."""
    link = _link(case, practice)
    outside = [u for u in FURTHER[row]["urls"] if "healthequityguide.org" not in u]
    assert outside
    if phrase:  # a low reading: kept as a note, not as evidence
        assert not set(outside) & set(link.get("evidence", []))
        assert any(phrase in n and "low" in n.lower() for n in link.get("notes", []))
    else:
        assert set(outside) <= set(link.get("evidence", [])), f"further-facts {row} is evidence of {case} -> {practice}"
        assert link["confidence"] in ("medium", "low")
    assert practice not in CASES[case]["practices"], "an outside classification is not a published tag"


@pytest.mark.parametrize("row,text", FURTHER_OUT, ids=[r for r, _ in FURTHER_OUT])
def test_low_further_fact_left_out(row, text):
    assert _is_low(row), f"only low rows are left out; further-facts {row} is {FURTHER[row]['confidence']!r}"
    hits = [str(path.relative_to(DATA)) for path in DATA.rglob("*") if path.is_file()
            and text in path.read_text(encoding="utf-8")]
    assert not hits, f"further-facts {row} was left out, but {text!r} appears in {hits}"


def test_low_further_facts_are_out_or_marked_low():
    for row, uses in FURTHER_USES.items():
        if _is_low(row):
            assert {u[0] for u in uses} <= {"out", "note", "link-note"}, f"further-facts {row} is low"


# Staff named by further-facts-NOTES.md whom no captured case text names: their names stay out of data/,
# as does the contact e-mail address of row 2.1.
UNATTRIBUTED = ["Sandi Galvez", "Linda Rae Murray", "Analilia Garcia", "Megan Gaydos", "Jonathan Heller",
                "rex.archer@kcmo.org"]


@pytest.mark.parametrize("name", UNATTRIBUTED)
def test_no_unattributed_staff_names_in_case_studies(name):
    assert all(name in FURTHER_TEXT for name in UNATTRIBUTED), "the list names people of the further facts"
    hits = [p.name for p in (DATA / "case-studies").glob("*.yaml") if name in p.read_text(encoding="utf-8")]
    assert not hits, f"{name!r} is not named by the case pages themselves: {hits}"


FURTHER_TEXT = (REFERENCE / "further-facts-NOTES.md").read_text(encoding="utf-8")


def test_new_organizations_of_the_further_facts():
    for name in ("County Health Rankings & Roadmaps", "Big Cities Health Coalition", "CDC Foundation"):
        assert name in FURTHER_TEXT and name in ORG_BY_NAME, name
        org = ORG_BY_NAME[name]
        assert _split(org["source"]) and org["kind"] == "", "kind is not stated by any source: left empty"
