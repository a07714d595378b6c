"""Source checks: every kind of bad input is reported with file, line, field and a fix, all in one run."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from graph_builder.errors import ConfigError, SourceErrors
from graph_builder.pipeline import load_checked

CASE = "case-studies/alameda-county-advances-equitable-housing-policies.yaml"


def _replace(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def apply(text: str) -> str:
        assert old in text, f"fixture text {old!r} not found: the data changed, update this test"
        return text.replace(old, new, count)
    return apply


def _append(extra: str) -> Callable[[str], str]:
    return lambda text: text + extra


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# (name, file, transform, field, message pattern, line anchor: the text on the line the error points at)
MUTATIONS = [
    ("unknown-yaml-key", CASE, _replace("period:", "perod:"), "perod", r"unknown field.*did you mean `period`", "perod:"),
    ("malformed-url", CASE, _replace("url: https://healthequityguide.org/case-studies/alameda",
                                     "url: htps//healthequityguide.org/case-studies/alameda"),
     "url", r"malformed URL", "url: htps//"),
    ("unknown-place-slug", CASE, _replace("  - alameda-county-ca", "  - alameda-county-xx"), "places",
     r"unknown place 'alameda-county-xx'.*did you mean 'alameda-county-ca'", "places:"),
    ("unknown-topic", CASE, _replace("  - housing-access", "  - housing-acess"), "topics",
     r"unknown topic 'housing-acess'", "topics:"),
    ("duplicate-yaml-key", CASE, _append("title: Another title\n"), "title", r"duplicate key \(first given on line",
     "title: Another title"),
    ("bad-year", "resources.yaml", _replace("  year: 2017", "  year: 17017"), "year",
     r"not a plausible publication year", "year: 17017"),
    ("duplicate-resource-slug", "resources.yaml",
     _replace("- slug: alameda-county-advances-equitable-housing-policies",
              "- slug: strategic-practices-and-actions"),
     "slug", r"duplicate resource 'strategic-practices-and-actions' \(first defined at data/resources.yaml:\d+",
     "- slug: strategic-practices-and-actions\n  title: Alameda"),
    ("bad-geoid", "places.csv", _replace("california,California,state,CA,06,", "california,California,state,CA,6,"),
     "geoid", r"'6' is not a Census GEOID", "california,"),
    ("unknown-csv-column", "places.csv", _replace("slug,name,type,", "slug,nom,type,"), "nom",
     r"unknown column", "slug,nom"),
    ("bad-retired-date", "retired.csv", _append("id/resource/old-thing,id/resource/new-thing,25/11/2026,merged\n"),
     "retired_on", r"is not a date.*", "id/resource/old-thing"),
    ("unknown-practice-ref", "resources.yaml", _replace("  categories:\n    - build-internal-infrastructure",
                                                        "  practices:\n    - 2017/allocate-resourses\n"
                                                        "  categories:\n    - build-internal-infrastructure"),
     "practices", r"unknown practice '2017/allocate-resourses'", "practices:\n    - 2017/allocate-resourses"),
]


def _apply(data: Path, file: str, transform: Callable[[str], str]) -> str:
    path = data / file
    text = transform(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    return text


def test_the_real_sources_have_no_problems() -> None:
    sources = load_checked(Path(__file__).resolve().parents[1] / "data")
    assert sources.of("case-study"), "no case studies were loaded"
    assert not sources.problems.errors


@pytest.mark.parametrize("name,file,transform,field,pattern,anchor", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_each_bad_input_is_located_and_explained(data_copy: Path, name: str, file: str, transform, field: str,
                                                 pattern: str, anchor: str) -> None:
    text = _apply(data_copy, file, transform)
    with pytest.raises(SourceErrors) as caught:
        load_checked(data_copy)
    problems = [p for p in caught.value.problems if p.field == field and re.search(pattern, p.message + " " + p.hint)]
    assert problems, f"no problem on field {field!r} matching {pattern!r} in: {[str(p) for p in caught.value.problems]}"
    problem = problems[0]
    assert problem.file.endswith(file), problem
    assert problem.line == _line_of(text, anchor), str(problem)
    assert problem.hint, "every problem must say how to fix it"


def test_all_problems_of_a_run_are_reported_together(data_copy: Path) -> None:
    for _, file, transform, *_ in MUTATIONS:
        _apply(data_copy, file, transform)
    with pytest.raises(SourceErrors) as caught:
        load_checked(data_copy)
    fields = {p.field for p in caught.value.problems}
    # places.csv loses its header check before rows are read, so its row-level geoid error cannot show too.
    expected = {m[3] for m in MUTATIONS} - {"geoid", "places"}
    assert expected <= fields, f"missing: {expected - fields}"


def test_yaml_syntax_error_names_file_and_line(data_copy: Path) -> None:
    path = data_copy / CASE
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("places:"))
    lines.insert(index, "places: [unclosed")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceErrors) as caught:
        load_checked(data_copy)
    [problem] = [p for p in caught.value.problems if "YAML syntax error" in p.message]
    assert problem.file.endswith(CASE)
    assert problem.line >= index + 1


def test_missing_required_field(data_copy: Path) -> None:
    _apply(data_copy, CASE, lambda t: re.sub(r"(?m)^title: .*\n", "", t))
    with pytest.raises(SourceErrors) as caught:
        load_checked(data_copy)
    assert any(p.field == "title" and "needs `title`" in p.message for p in caught.value.problems)


def test_not_utf8_is_reported(data_copy: Path) -> None:
    (data_copy / "places.csv").write_bytes("slug,name\ncaf\xe9,x\n".encode("latin-1"))
    with pytest.raises(SourceErrors) as caught:
        load_checked(data_copy)
    assert any("not UTF-8" in p.message for p in caught.value.problems)


def test_a_folder_that_is_not_a_data_directory_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a data directory"):
        load_checked(tmp_path)
    with pytest.raises(ConfigError, match="not found"):
        load_checked(tmp_path / "nowhere")
