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
    if record.kind in {"practice", "concept", "key-action"}:
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
    for record in sources.of("example"):
        if record.get("kind") and record.get("kind") not in EXAMPLE_KINDS:
            problems.add(sources.rel(record.file), record.line_of("kind"), "kind",
                         f"{record.get('kind')!r} is not a kind of query",
                         f"write one of: {', '.join(EXAMPLE_KINDS)}")
    for kind, allowed in INFERABLE.items():
        for record in sources.of(kind):
            for name in record.get("inferred", []):
                if name not in allowed:
                    problems.add(sources.rel(record.file), record.line_of("inferred"), "inferred",
                                 f"{name!r} cannot be marked inferred on a {kind}",
                                 f"list only fields among: {', '.join(sorted(allowed))}")
                elif record.get(name) is None:
                    problems.add(sources.rel(record.file), record.line_of("inferred"), "inferred",
                                 f"{name!r} is marked inferred but has no value",
                                 f"remove {name!r} from `inferred:` or give `{name}:` a value")


def check_sources(sources: Sources) -> None:
    """Run every cross-record check; problems land in ``sources.problems``."""
    _duplicates(sources)
    _references(sources)
    _record_rules(sources)
