"""Read YAML and CSV source files into plain values that remember their line numbers.

PyYAML's safe loader forgets where a value came from and silently keeps the last of two duplicate
keys; curators need both. :func:`read_yaml` composes the node tree instead and returns
:class:`Located` mappings (a ``dict`` with ``.line`` and ``.lines[key]``), reporting duplicate keys and
syntax errors as problems rather than exceptions.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

from .errors import Problems


#: libyaml's parser when PyYAML was built with it (about 5x faster); both keep line numbers.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Located(dict):
    """A mapping from a source file that remembers the line of itself and of each key."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class LocatedList(list):
    """A sequence from a source file that remembers the line of each item."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int] = []


def _convert(node: yaml.Node, path: Path, problems: Problems, scalars: yaml.constructor.SafeConstructor) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = Located(line)
        for key_node, value_node in node.value:
            key = _convert(key_node, path, problems, scalars)
            if not isinstance(key, str):
                problems.add(path, key_node.start_mark.line + 1, str(key), "a key must be a word",
                             "write keys as plain words, like `title:`")
                continue
            if key in result:
                problems.add(
                    path, key_node.start_mark.line + 1, key,
                    f"duplicate key (first given on line {result.lines[key]})",
                    "keep one of the two entries and delete the other",
                )
                continue
            result[key] = _convert(value_node, path, problems, scalars)
            result.lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        seq = LocatedList(line)
        for item in node.value:
            seq.append(_convert(item, path, problems, scalars))
            seq.lines.append(item.start_mark.line + 1)
        return seq
    # Scalars: let the safe constructor resolve ints, bools, nulls and strings.
    return scalars.construct_object(node, deep=True)


def read_yaml(path: Path, problems: Problems) -> Any:
    """Parse one YAML file; on a syntax error, record a problem and return ``None``."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.add(path, 0, "", f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})",
                     "save the file as UTF-8")
        return None
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problems.add(path, line, "", f"YAML syntax error: {exc.problem or exc}",
                     "check indentation and quote any text that contains ': ' or starts with a symbol")
        return None
    except yaml.YAMLError as exc:
        problems.add(path, 0, "", f"YAML error: {exc}", "check the file's syntax")
        return None
    if node is None:
        return None
    return _convert(node, path, problems, yaml.constructor.SafeConstructor())


def read_csv(path: Path, columns: list[str], required: list[str], problems: Problems) -> list[Located]:
    """Read a CSV file whose header must be exactly ``columns`` (in any order, none unknown)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.add(path, 0, "", f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})",
                     "save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')")
        return []
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader)
    except StopIteration:
        problems.add(path, 1, "", "the file is empty", f"the first line must be: {','.join(columns)}")
        return []
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in columns]
    missing = [c for c in required if c not in header]
    for h in unknown:
        problems.add(path, 1, h, "unknown column", f"the allowed columns are: {', '.join(columns)}")
    for c in missing:
        problems.add(path, 1, c, "required column is missing", f"add a `{c}` column to the header")
    if unknown or missing:
        return []
    rows: list[Located] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.add(path, line, "", f"the row has {len(row)} cells but the header has {len(header)}",
                         "quote any cell that contains a comma with double quotes")
            continue
        record = Located(line)
        for name, cell in zip(header, row):
            cell = cell.strip()
            if cell:
                record[name] = cell
                record.lines[name] = line
        rows.append(record)
    return rows
