"""Prove that the curated sources in data/ cover every fact of the shared reference.

The reference (../shared/reference/, next to the repository) holds the facts gathered from archived copies
of HealthEquityGuide.org. Each reference record is its own test case, so a record missing from data/ fails
by name. These tests read the files directly (yaml, csv, json) and do not use the graph builder.
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
}


@pytest.mark.parametrize("name", sorted(PARAM_LISTS))
def test_parametrized_list_is_not_empty(name):
    assert PARAM_LISTS[name], f"the reference yields no {name}: the coverage tests would check nothing"


def test_counts():
    assert len(REF_P2017) == 15 and len(EDITIONS["2017"]["practices"]) == 15
    assert len(REF_PNEW) == 12 and len(EDITIONS["relaunch"]["practices"]) == 12
    assert len(REF_CASES["case_studies"]) == 11 and len(CASES) >= 11
    assert len(REF_RESOURCES["resources"]) == 48 and len(RESOURCES) == 48
    assert len(REF_RESOURCES["organizations"]) == 29 and len(ORGS) >= 29
    assert len(REF_PLACES["places"]) == 20 and len(PLACES) >= 20
    assert len(EDITIONS["2017"]["groups"]) == 4 and len(EDITIONS["relaunch"]["groups"]) == 3
    assert sum(len(p["key_actions"]) for e in EDITIONS.values() for p in e["practices"]) == len(REF_KEY_ACTIONS)
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
            assert got == want, f"{edition}/{p['slug']}: key actions out of order or missing"


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
    assert r.get("practices", []) == want_practices
    assert r.get("categories", []) == want_categories
    assert r["description"] == ref["description"]
    assert r["evidence"] == _slugify(ref["evidence"])
    # one archived address carries a stray "maito:axel@" prefix before the host; data/ leaves it out
    assert {u.replace("maito:axel@", "") for u in ref["source"]} <= set(_as_list(r["source"]))
    if ref.get("notes"):
        notes = " ".join(r.get("notes", []))
        assert ref["notes"].split(".")[0] in notes
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
    assert DATASET["version"] == "2026.11.0"
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
    assert {_slugify(r["type"]) for r in REF_RESOURCES["resources"]} == VOCAB_SLUGS["resource-type"]
    assert {_slugify(r["evidence"]) for r in REF_RESOURCES["resources"]} == VOCAB_SLUGS["evidence-level"]
    assert {o["kind"] for o in REF_RESOURCES["organizations"]} <= VOCAB_SLUGS["organization-kind"]
    assert {p["type"] for p in REF_PLACES["places"]} == VOCAB_SLUGS["place-type"]


def test_retired_csv_has_header():
    with (DATA / "retired.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == ["iri_path", "successor_path", "retired_on", "reason"]
