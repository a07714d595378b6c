"""Load the curated sources in ``data/`` into records that remember their file and line.

Every value is checked against :mod:`graph_builder.schema` as it is read (unknown keys, missing
required fields, types, URLs, slugs, years); every problem is collected, none stops the reading. Checks
that need all records at once (duplicates, references) live in :mod:`graph_builder.checks`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, Problems
from .schema import CSV_FILES, PRACTICE_REF, SLUG, SPECS, VERSION, Field, url_problem
from .sourcefiles import Located, read_csv, read_yaml


@dataclass
class Record:
    """One entity of the sources, its values normalized, with where it was written."""

    kind: str
    key: str
    values: dict[str, Any]
    file: Path
    line: int
    lines: dict[str, int] = field(default_factory=dict)
    parent: str = ""  # the edition of a group or practice; "edition/practice" of a key action

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)


@dataclass
class Sources:
    """All records of one data directory, by kind, in file order."""

    root: Path
    records: dict[str, list[Record]] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)

    def of(self, kind: str) -> list[Record]:
        return self.records.get(kind, [])

    def add(self, record: Record) -> Record:
        self.records.setdefault(record.kind, []).append(record)
        return record

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)


def _check_value(f: Field, raw: Any, where: tuple[str, int], problems: Problems) -> Any:
    """Normalize one value; record a problem and return ``None`` when it does not fit ``f``."""
    file, line = where
    if f.type == "nested":  # lists of nested records are read by their own loader
        return raw
    items = raw if isinstance(raw, list) else [raw]
    if not f.is_list and isinstance(raw, list):
        problems.add(file, line, f.name, "expected a single value, found a list",
                     "give one value, or move the extra ones to `notes:`")
        return None
    out = []
    for item in items:
        value = _check_scalar(f, item, file, line, problems)
        if value is not None:
            out.append(value)
    if f.is_list:
        return out
    return out[0] if out else None


def _check_scalar(f: Field, item: Any, file: str, line: int, problems: Problems) -> Any:
    if f.type == "bool":
        if isinstance(item, bool):
            return item
        if isinstance(item, str) and item.lower() in {"yes", "true", "no", "false"}:
            return item.lower() in {"yes", "true"}
        problems.add(file, line, f.name, f"expected yes or no, found {item!r}", "write `yes` or `no`")
        return None
    if f.type in {"int", "year"}:
        try:
            number = int(str(item).strip()) if not isinstance(item, bool) else None
        except ValueError:
            number = None
        if number is None:
            problems.add(file, line, f.name, f"expected a whole number, found {item!r}",
                         "write digits only, like 2017")
            return None
        if f.type == "year" and not 1800 <= number <= dt.date.today().year + 1:
            problems.add(file, line, f.name, f"{number} is not a plausible publication year",
                         "write the four-digit year the item was published, or leave the field out")
            return None
        return number
    if f.type == "date":
        try:
            return (item if isinstance(item, dt.date) else dt.date.fromisoformat(str(item).strip())).isoformat()
        except ValueError:
            problems.add(file, line, f.name, f"{item!r} is not a date", "write the date as YYYY-MM-DD")
            return None
    if isinstance(item, (dt.date, int, float)) and f.type in {"text", "texts", "version"}:
        item = str(item)
    if not isinstance(item, str):
        problems.add(file, line, f.name, f"expected text, found {type(item).__name__}",
                     "write plain text (quote it if it contains ': ')")
        return None
    item = item.strip()
    if not item:
        problems.add(file, line, f.name, "is empty", "give a value or delete the field")
        return None
    if f.type in {"url", "urls"}:
        why = url_problem(item)
        if why:
            problems.add(file, line, f.name, f"malformed URL {item!r}: {why}",
                         "paste the full address from the browser, starting with https://")
            return None
    elif f.type == "slug" or (f.type in {"ref", "refs"} and f.target != "practice"):
        if not SLUG.match(item):
            problems.add(file, line, f.name, f"{item!r} is not a valid slug",
                         "use lowercase letters, digits and single hyphens, like `allocate-resources`")
            return None
    elif f.target == "practice" and not PRACTICE_REF.match(item):
        problems.add(file, line, f.name, f"{item!r} is not a practice reference",
                     "write the edition and the practice slug, like `2017/allocate-resources`")
        return None
    elif f.type == "version" and not VERSION.match(item):
        problems.add(file, line, f.name, f"{item!r} is not a version number",
                     "write a version like 2026.11.0")
        return None
    return item


def read_record(
    sources: Sources, kind: str, raw: Any, path: Path, line: int, *, key_field: str = "slug",
    key: str | None = None, parent: str = "",
) -> Record | None:
    """Check one mapping against the spec of ``kind`` and add it to ``sources`` as a record."""
    file = sources.rel(path)
    problems = sources.problems
    if not isinstance(raw, dict):
        problems.add(file, line, "", f"expected a {kind} entry (a set of `field: value` lines)",
                     f"see docs/data-model.md for the fields of a {kind}")
        return None
    lines = raw.lines if isinstance(raw, Located) else {}
    spec = {f.name: f for f in SPECS[kind]}
    values: dict[str, Any] = {}
    for name, value in raw.items():
        where = (file, lines.get(name, line))
        if name not in spec:
            close = [s for s in spec if s.startswith(name[:3])]
            hint = f"did you mean `{close[0]}`?" if close else f"allowed fields: {', '.join(spec)}"
            problems.add(file, where[1], name, f"unknown field in a {kind}", hint)
            continue
        if value is None or value == [] or value == "":
            continue
        checked = _check_value(spec[name], value, where, problems)
        if checked is not None and checked != []:
            values[name] = checked
    for f in spec.values():
        if f.required and f.name not in values and f.name not in raw:
            problems.add(file, line, f.name, f"a {kind} needs `{f.name}`",
                         f"add `{f.name}:` (see docs/data-model.md)")
    record_key = key if key is not None else str(values.get(key_field, ""))
    return sources.add(Record(kind, record_key, values, path, line, dict(lines), parent))


def _items(raw: Any, name: str) -> list[tuple[Any, int]]:
    value = raw.get(name) if isinstance(raw, dict) else None
    if not isinstance(value, list):
        return []
    lines = getattr(value, "lines", [getattr(raw, "line", 0)] * len(value))
    return list(zip(value, lines))


def _load_dataset(sources: Sources) -> None:
    path = sources.root / "dataset.yaml"
    raw = read_yaml(path, sources.problems)
    if read_record(sources, "dataset", raw, path, 1, key="dataset") is None:
        return
    for item, line in _items(raw, "published_counts"):
        read_record(sources, "published-count", item, path, line, key_field="what")


def _load_editions(sources: Sources) -> None:
    for path in sorted((sources.root / "editions").glob("*.yaml")):
        raw = read_yaml(path, sources.problems)
        edition = read_record(sources, "edition", raw, path, getattr(raw, "line", 1), key_field="edition")
        if edition is None:
            continue
        if edition.key and edition.key != path.stem:
            sources.problems.add(sources.rel(path), edition.line_of("edition"), "edition",
                                 f"the edition {edition.key!r} does not match the file name {path.name!r}",
                                 f"rename the file to {edition.key}.yaml or fix `edition:`")
        for item, line in _items(raw, "groups"):
            read_record(sources, "group", item, path, line, parent=edition.key)
        for item, line in _items(raw, "practices"):
            practice = read_record(sources, "practice", item, path, line, parent=edition.key)
            if practice is None:
                continue
            for action, action_line in _items(item, "key_actions"):
                read_record(sources, "key-action", action, path, action_line,
                            parent=f"{edition.key}/{practice.key}")


def _load_case_studies(sources: Sources) -> None:
    for path in sorted((sources.root / "case-studies").glob("*.yaml")):
        if not SLUG.match(path.stem):
            sources.problems.add(sources.rel(path), 0, "", f"the file name {path.name!r} is not a valid slug",
                                 "name the file after the case study page's address, like "
                                 "alameda-county-advances-equitable-housing-policies.yaml")
            continue
        raw = read_yaml(path, sources.problems)
        if read_record(sources, "case-study", raw, path, getattr(raw, "line", 1), key=path.stem) is None:
            continue
        for item, line in _items(raw, "inferred_practices"):  # curators' classifications by practice
            read_record(sources, "practice-link", item, path, line, key_field="practice", parent=path.stem)


def _load_list(sources: Sources, name: str, kind: str, *, optional: bool = False) -> None:
    """A file holding a YAML list of ``kind`` records, each starting with ``- slug:``."""
    path = sources.root / name
    if optional and not path.exists():
        return
    raw = read_yaml(path, sources.problems)
    if raw is None:
        return
    if not isinstance(raw, list):
        sources.problems.add(sources.rel(path), 1, "", f"expected a list of {kind} entries",
                             "start each entry with `- slug: ...`")
        return
    for item, line in zip(raw, raw.lines):
        read_record(sources, kind, item, path, line)


def _load_vocabularies(sources: Sources) -> None:
    path = sources.root / "vocabularies.yaml"
    raw = read_yaml(path, sources.problems)
    if not isinstance(raw, dict):
        sources.problems.add(sources.rel(path), 1, "", "expected one entry per vocabulary",
                             "write `resource-type:` then its title, definition and concepts")
        return
    for name, body in raw.items():
        line = raw.line_of(name)
        if not SLUG.match(name):
            sources.problems.add(sources.rel(path), line, name, "a vocabulary name must be a slug",
                                 "use lowercase words joined by hyphens")
            continue
        if read_record(sources, "vocabulary", body, path, line, key=name) is None:
            continue
        for item, item_line in _items(body, "concepts"):
            read_record(sources, "concept", item, path, item_line, parent=name)


def _load_csv(sources: Sources, kind: str) -> None:
    path = sources.root / CSV_FILES[kind]
    spec = SPECS[kind]
    columns = [f.name for f in spec]
    required = [f.name for f in spec if f.required]
    for row in read_csv(path, columns, required, sources.problems):
        for f in spec:  # list cells are ';'-separated in CSV
            if f.is_list and f.name in row:
                row[f.name] = [part.strip() for part in row[f.name].split(";") if part.strip()]
        key_field = "slug" if any(f.name == "slug" for f in spec) else spec[0].name
        key = row.get(key_field, "")
        if kind == "crosswalk":
            key = f"{row.get('old', '')}--{row.get('new', '')}"
        read_record(sources, kind, row, path, row.line, key=str(key))


REQUIRED_PATHS = ["dataset.yaml", "editions", "case-studies", "resources.yaml", "vocabularies.yaml",
                  *CSV_FILES.values()]


def load_sources(root: Path) -> Sources:
    """Read every source file under ``root``; problems are collected in ``sources.problems``."""
    root = Path(root)
    if not root.is_dir():
        raise ConfigError(f"data directory not found: {root} (pass --data DIR, the folder holding dataset.yaml)")
    missing = [name for name in REQUIRED_PATHS if not (root / name).exists()]
    if missing:
        raise ConfigError(
            f"{root} is not a data directory: missing {', '.join(missing)} (see docs/data-model.md)"
        )
    sources = Sources(root.resolve())
    _load_dataset(sources)
    _load_vocabularies(sources)
    _load_editions(sources)
    _load_csv(sources, "crosswalk")
    _load_csv(sources, "place")
    _load_csv(sources, "organization")
    _load_case_studies(sources)
    _load_list(sources, "resources.yaml", "resource")
    _load_csv(sources, "retired")
    _load_list(sources, "queries.yaml", "example", optional=True)  # the example queries
    return sources
