"""Checks that need all the sources at once, which SHACL does poorly on sources.

Duplicate slugs, references to slugs that do not exist, GEOIDs that do not fit their place type, and
``inferred:`` lists naming fields that cannot be inferred. Each problem points at the file and line of
the offending value.
"""

from __future__ import annotations

from collections.abc import Iterable

from .load import Record, Sources
from .schema import GEOID, INFERABLE, SPECS

CROSSWALK_EDITIONS = ("2017", "relaunch")
GEOID_LENGTH = {"state": 2, "county": 5, "city": 7}
GROUP_KINDS = {"category", "stage"}
EXAMPLE_KINDS = ("select", "construct", "ask", "describe")


def full_key(record: Record) -> str:
    """The key other records use to refer to ``record`` (practices: ``edition/slug``)."""
    if record.kind in {"practice", "concept", "key-action", "practice-link"}:
        return f"{record.parent}/{record.key}"
    return record.key


def index(sources: Sources) -> dict[str, set[str]]:
    """Every referable key, by target name as used in :mod:`graph_builder.schema`."""
    keys: dict[str, set[str]] = {
        kind: {full_key(r) for r in sources.of(kind)}
        for kind in ("organization", "place", "case-study", "practice", "group")
    }
    for concept in sources.of("concept"):
        keys.setdefault(f"vocab:{concept.parent}", set()).add(concept.key)
    return keys


def _duplicates(sources: Sources) -> None:
    for kind in SPECS:
        seen: dict[str, Record] = {}
        for record in sources.of(kind):
            key = full_key(record)
            if not record.key:
                continue
            if key in seen:
                first = seen[key]
                sources.problems.add(
                    sources.rel(record.file), record.line, "slug" if kind != "crosswalk" else "old,new",
                    f"duplicate {kind} {key!r} (first defined at {sources.rel(first.file)}:{first.line})",
                    "slugs must be unique: give this one a different slug, or merge the two entries",
                )
            else:
                seen[key] = record


def _references(sources: Sources) -> None:
    keys = index(sources)
    for kind, spec in SPECS.items():
        ref_fields = [f for f in spec if f.type in {"ref", "refs"}]
        for record in sources.of(kind):
            for f in ref_fields:
                values = record.get(f.name)
                if values is None:
                    continue
                known = keys.get(f.target, set())
                for value in values if isinstance(values, list) else [values]:
                    if value not in known:
                        _unknown(sources, record, f.name, value, f.target, known)


def _unknown(sources: Sources, record: Record, field: str, value: str, target: str,
             known: Iterable[str]) -> None:
    where = {"organization": "data/organizations.csv", "place": "data/places.csv",
             "case-study": "data/case-studies/", "practice": "data/editions/*.yaml",
             "group": "the `groups:` of data/editions/*.yaml"}.get(
        target, f"the `{target.removeprefix('vocab:')}` vocabulary in data/vocabularies.yaml")
    similar = sorted(k for k in known if k.split("/")[-1][:5] == value.split("/")[-1][:5])[:3]
    hint = f"add it to {where}, or fix the spelling"
    if similar:
        hint += f" (did you mean {', '.join(repr(s) for s in similar)}?)"
    sources.problems.add(sources.rel(record.file), record.line_of(field), field,
                         f"unknown {target.removeprefix('vocab:')} {value!r}", hint)


def _record_rules(sources: Sources) -> None:
    problems = sources.problems
    for record in sources.of("group"):
        kind = record.get("kind")
        if kind and kind not in GROUP_KINDS:
            problems.add(sources.rel(record.file), record.line_of("kind"), "kind",
                         f"{kind!r} is not a kind of group", "write `category` or `stage`")
        if kind == "stage" and record.get("number") is None:
            problems.add(sources.rel(record.file), record.line, "number", "a stage needs its `number`",
                         "number the stages in published order: 1, 2, 3")
    groups = {g.key: g for g in sources.of("group")}
    for record in sources.of("practice"):
        group = groups.get(record.get("group", ""))
        if group is not None and group.parent != record.parent:
            problems.add(sources.rel(record.file), record.line_of("group"), "group",
                         f"the group {group.key!r} belongs to edition {group.parent!r}, "
                         f"not {record.parent!r}", "place the practice in a group of its own edition")
        if record.get("group") and record.get("group_inferred") is None:
            problems.add(sources.rel(record.file), record.line_of("group"), "group_inferred",
                         "say whether the placement is published or inferred",
                         "add `group_inferred: yes` unless a page of the guide states the placement")
    practices = index(sources)["practice"]
    for record in sources.of("crosswalk"):
        for name, edition in zip(("old", "new"), CROSSWALK_EDITIONS):
            slug = record.get(name)
            if slug and f"{edition}/{slug}" not in practices:
                _unknown(sources, record, name, f"{edition}/{slug}", "practice", practices)
    for record in sources.of("place"):
        geoid, type_ = record.get("geoid", ""), record.get("type", "")
        if geoid and not GEOID.match(geoid):
            problems.add(sources.rel(record.file), record.line, "geoid", f"{geoid!r} is not a Census GEOID",
                         "write the code as text with its leading zero: 2 digits for a state, 5 for a "
                         "county, 7 for a city (https://www.census.gov/library/reference/code-lists/ansi.html)")
        elif geoid and type_ in GEOID_LENGTH and len(geoid) != GEOID_LENGTH[type_]:
            problems.add(sources.rel(record.file), record.line, "geoid",
                         f"a {type_} GEOID has {GEOID_LENGTH[type_]} digits, {geoid!r} has {len(geoid)}",
                         "check the code against the Census code lists")
    for record in sources.of("case-study"):
        if record.get("url") and record.get("url_unverified"):
            problems.add(sources.rel(record.file), record.line_of("url_unverified"), "url_unverified",
                         "a case study has either a verified `url` or an unverified guess, not both",
                         "delete the one that is wrong")
    _practice_links(sources)
    for record in sources.of("example"):
        if record.get("kind") and record.get("kind") not in EXAMPLE_KINDS:
            problems.add(sources.rel(record.file), record.line_of("kind"), "kind",
                         f"{record.get('kind')!r} is not a kind of query",
                         f"write one of: {', '.join(EXAMPLE_KINDS)}")
    for kind, allowed in INFERABLE.items():
        for record in sources.of(kind):
            for name in record.get("inferred", []):
                if kind == "case-study" and name == "practices":
                    continue  # reported by _practice_links, with the fix that applies
                if name not in allowed:
                    problems.add(sources.rel(record.file), record.line_of("inferred"), "inferred",
                                 f"{name!r} cannot be marked inferred on a {kind}",
                                 f"list only fields among: {', '.join(sorted(allowed))}")
                elif record.get(name) is None:
                    problems.add(sources.rel(record.file), record.line_of("inferred"), "inferred",
                                 f"{name!r} is marked inferred but has no value",
                                 f"remove {name!r} from `inferred:` or give `{name}:` a value")


def _practice_links(sources: Sources) -> None:
    """A case study's practice is either a published tag (`practices:`) or a curator's classification
    (`inferred_practices:`), never both; a link worked out through the crosswalk names a real row and
    the 2017 practice it starts from is itself linked to the case study."""
    problems = sources.problems
    crosswalk = {(r.get("old"), r.get("new")) for r in sources.of("crosswalk")}
    cases = {r.key: r for r in sources.of("case-study")}
    linked: dict[str, set[str]] = {key: set(cs.get("practices", [])) for key, cs in cases.items()}
    for link in sources.of("practice-link"):
        linked.setdefault(link.parent, set()).add(link.get("practice", ""))
    for cs in cases.values():
        if "practices" in cs.get("inferred", []):
            problems.add(sources.rel(cs.file), cs.line_of("inferred"), "inferred",
                         "a case study's `practices:` are the guide's published tags and cannot be marked inferred",
                         "move each inferred practice to `inferred_practices:` with its `confidence:` and `basis:` "
                         "(see docs/curating.md), and remove `practices` from `inferred:`")
    for link in sources.of("practice-link"):
        file, practice = sources.rel(link.file), link.get("practice", "")
        if practice and practice in cases[link.parent].get("practices", []):
            problems.add(file, link.line_of("practice"), "practice",
                         f"{practice!r} is both a published tag (`practices:`) and an inferred link",
                         "a published tag replaces the curator's classification: delete this item of "
                         "`inferred_practices:` and keep the practice in `practices:` with the page that tags it "
                         "in `source:`")
        if link.get("confidence") == "high":
            problems.add(file, link.line_of("confidence"), "confidence",
                         "an inferred practice link cannot be `high`: high means read on the page",
                         "use `medium` or `low`; if a page of the guide shows the tag, move the practice to "
                         "`practices:` instead")
        via = link.get("via_crosswalk")
        if not via:
            continue
        old_edition, _, old = via.partition("/")
        new_edition, _, new = practice.partition("/")
        if (old_edition, new_edition) != CROSSWALK_EDITIONS:
            problems.add(file, link.line_of("via_crosswalk"), "via_crosswalk",
                         f"a crosswalk goes from a {CROSSWALK_EDITIONS[0]} practice to a {CROSSWALK_EDITIONS[1]} "
                         f"practice, not from {via!r} to {practice!r}",
                         f"write the {CROSSWALK_EDITIONS[0]} practice here and a {CROSSWALK_EDITIONS[1]} practice "
                         "in `practice:`, or delete `via_crosswalk:`")
        elif (old, new) not in crosswalk:
            problems.add(file, link.line_of("via_crosswalk"), "via_crosswalk",
                         f"data/crosswalk.csv has no row from {old!r} to {new!r}",
                         "name a 2017 practice that the crosswalk maps to this practice, or delete "
                         "`via_crosswalk:` and give the basis in the case study's own words")
        elif via not in linked.get(link.parent, set()):
            problems.add(file, link.line_of("via_crosswalk"), "via_crosswalk",
                         f"the case study is not linked to {via!r}, the practice this link is derived from",
                         f"add {via!r} to `inferred_practices:` (or `practices:`) first")


def check_sources(sources: Sources) -> None:
    """Run every cross-record check; problems land in ``sources.problems``."""
    _duplicates(sources)
    _references(sources)
    _record_rules(sources)
