"""The ``heg`` command: exit codes 0/1/2, messages, stats and queries, as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from heg_core.cli import main
from graph_builder.pipeline import DEFAULT_DATA
from graph_builder.release import ReleaseOutcome

ROOT = Path(__file__).resolve().parents[1]  # this checkout


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``heg`` as a separate process, the way users and scripts do."""
    return subprocess.run([sys.executable, "-m", "graph_builder", *args], capture_output=True, text=True,
                          timeout=300, check=False)


def test_build_as_a_process_exits_0_and_writes_latest(tmp_path: Path) -> None:
    done = run("build", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "written" in done.stdout
    assert (tmp_path / "releases" / "latest" / "manifest.json").is_file()


def test_build_with_bad_data_exits_1_lists_every_error_and_keeps_latest(tmp_path: Path, data_copy: Path,
                                                                        release: ReleaseOutcome) -> None:
    out = release.path.parent.parent
    before = os.readlink(out / "releases" / "latest")
    case = next((data_copy / "case-studies").glob("*.yaml"))
    case.write_text(case.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    places = data_copy / "places.csv"
    places.write_text(places.read_text(encoding="utf-8").replace(",CA,06,", ",CA,6,", 1), encoding="utf-8")
    done = run("build", "--data", str(data_copy), "--out", str(out), "--version", "99.0.0")
    assert done.returncode == 1, done.stderr
    assert "2 errors in the sources" in done.stderr
    assert f"{case.name}:" in done.stderr and "colour: unknown field" in done.stderr
    assert "places.csv:" in done.stderr and "geoid" in done.stderr
    assert "fix:" in done.stderr
    assert os.readlink(out / "releases" / "latest") == before
    assert not (out / "releases" / "99.0.0").exists()


def test_shape_violations_exit_1(tmp_path: Path, data_copy: Path) -> None:
    shapes = tmp_path / "strict.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix heg: <https://w3id.org/health-equity-guide/ontology#> .\n"
        "<urn:x:shape> a sh:NodeShape ; sh:targetClass heg:CaseStudy ;\n"
        "  sh:property [ sh:path heg:impacts ; sh:minCount 1 ; sh:message \"every case study needs impacts\" ] .\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--data", str(data_copy), "--shapes", str(shapes)])
    assert result.exit_code == 1
    located = [line for line in result.output.splitlines() if "every case study needs impacts" in line]
    assert len(located) >= 10  # one per case study without impacts, each pointing at its file and line
    assert all("data/case-studies/" in line and ".yaml:" in line and "error: heg:impacts" in line
               for line in located), located[:2]


@pytest.mark.parametrize("args,message", [
    (["validate", "--data", "/nonexistent/data"], "data directory not found"),
    (["validate", "--base", "https://example.org/no-slash"], "--base must end with '/'"),
    (["validate", "--ontology", "/nonexistent/heg.ttl"], "ontology file not found"),
    (["stats", "--release", "/nonexistent/release"], "no release at"),
    (["query", "ASK {}", "--release", "/nonexistent/release"], "no release at"),
])
def test_configuration_errors_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_unknown_option_is_a_usage_error() -> None:
    assert CliRunner().invoke(main, ["build", "--colour"]).exit_code == 2


def test_validate_reports_counts_and_writes_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "valid:" in result.output and "triples" in result.output


def test_stats_prints_classes_and_coverage(release: ReleaseOutcome) -> None:
    result = CliRunner().invoke(main, ["stats", "--release", str(release.path), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    case_studies = len(list((DEFAULT_DATA / "case-studies").glob("*.yaml")))
    assert case_studies >= 11
    classes = {row["class"]: row["instances"] for row in figures["classes"]}
    assert classes["heg:StrategicPractice"] == 27
    assert classes["heg:CaseStudy"] == case_studies
    coverage = {row["what"]: row for row in figures["coverage"]}
    assert coverage["case-studies"]["published"] == 25 and coverage["case-studies"]["found"] == case_studies
    text = CliRunner().invoke(main, ["stats", "--release", str(release.path)]).output
    assert f"found {case_studies:>4} of 25+ published" in text


@pytest.mark.parametrize("fmt,check", [
    ("json", lambda out, n: json.loads(out)["results"]["bindings"][0]["n"]["value"] == str(n)),
    ("csv", lambda out, n: out.splitlines() == ["n", str(n)]),
    ("tsv", lambda out, n: out.splitlines()[0] == "?n" and out.splitlines()[1].split("^^")[0].strip('"') == str(n)),
    ("xml", lambda out, n: "<literal" in out and f">{n}<" in out),
])
def test_query_select_formats(release: ReleaseOutcome, fmt: str, check) -> None:
    sparql = ("PREFIX heg: <https://w3id.org/health-equity-guide/ontology#> "
              "SELECT (COUNT(?c) AS ?n) WHERE { ?c a heg:CaseStudy }")
    result = CliRunner().invoke(main, ["query", sparql, "--release", str(release.path), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert check(result.output, len(list((DEFAULT_DATA / "case-studies").glob("*.yaml")))), result.output


def test_query_construct_defaults_to_turtle(release: ReleaseOutcome) -> None:
    sparql = ("PREFIX heg: <https://w3id.org/health-equity-guide/ontology#> "
              "CONSTRUCT { ?p a heg:StrategicPractice } WHERE { ?p a heg:StrategicPractice }")
    result = CliRunner().invoke(main, ["query", sparql, "--release", str(release.path)])
    assert result.exit_code == 0, result.output
    assert result.output.count("heg:StrategicPractice") == 27


def test_query_syntax_error_exits_1_with_position(release: ReleaseOutcome) -> None:
    result = CliRunner().invoke(main, ["query", "SELEKT * WHERE {}", "--release", str(release.path)])
    assert result.exit_code == 1
    assert "syntax error" in result.output.lower()


def test_query_wrong_format_for_result_kind_exits_2(release: ReleaseOutcome) -> None:
    result = CliRunner().invoke(main, ["query", "ASK {}", "--release", str(release.path), "--format", "turtle"])
    assert result.exit_code == 2
    assert "does not fit" in result.output


def test_build_under_another_base_moves_every_iri(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--base", "https://example.org/heg/", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    latest = tmp_path / "releases" / "latest"
    for name in ("heg.nt", "void.ttl", "ontology.ttl", "shapes.ttl", "context.jsonld"):
        text = (latest / name).read_text(encoding="utf-8")
        assert "w3id.org/health-equity-guide" not in text, name
        assert "https://example.org/heg/" in text, name


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.3])
def test_a_build_killed_with_sigkill_leaves_latest_intact(tmp_path: Path, delay: float) -> None:
    import signal
    import time

    first = run("build", "--out", str(tmp_path), "--version", "1.0.0")
    assert first.returncode == 0, first.stderr
    releases = tmp_path / "releases"
    before = (releases / "1.0.0" / "manifest.json").read_bytes()
    process = subprocess.Popen([sys.executable, "-m", "graph_builder", "build", "--out", str(tmp_path),
                                "--version", "2.0.0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)  # a kill point somewhere in the build, not a wait for readiness
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    target = os.readlink(releases / "latest")
    assert target in {"1.0.0", "2.0.0"}  # either the old release or, if the build finished, the new one
    assert (releases / target / "manifest.json").is_file()
    assert (releases / "1.0.0" / "manifest.json").read_bytes() == before
    if not (releases / "2.0.0").exists():
        assert target == "1.0.0"
    again = run("build", "--out", str(tmp_path), "--version", "2.0.0")
    assert again.returncode == 0, again.stderr
    assert os.readlink(releases / "latest") == "2.0.0"
    assert not list(releases.glob(".staging-*"))


# --------------------------------------------------------------------------- the project folder


def _heg(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    heg = Path(sys.executable).parent / "heg"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEG_")}
    return subprocess.run([str(heg), *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


def test_build_in_another_copy_builds_that_copys_sources(tmp_path: Path) -> None:
    """A second clone (here: a copy of the sources, none of the code) builds its own edited sources into its
    own build/, and says which folder it used on its first line; this checkout is not touched."""
    copy = tmp_path / "clone"
    for folder in ("data", "ontology", "shapes"):
        shutil.copytree(ROOT / folder, copy / folder)
    case = copy / "data" / "case-studies" / "solano-county-leverages-internal-champions-and-external-experts-to-advance-equity.yaml"
    original = "title: Solano County Leverages Internal Champions and External Experts to Advance Equity"
    text = case.read_text(encoding="utf-8")
    assert original in text
    case.write_text(text.replace(original, original + " (edited in the copy)"), encoding="utf-8")

    inside = copy / "data" / "case-studies"  # any folder inside the project finds it upward
    result = _heg("build", "--version", "9999.1.0", cwd=inside)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == f"project folder: {copy.resolve()}"
    dump = (copy / "build" / "releases" / "latest" / "heg.nt").read_text(encoding="utf-8")
    assert "Advance Equity (edited in the copy)" in dump
    assert not (ROOT / "build" / "releases" / "9999.1.0").exists()

    stats = _heg("stats", "--json", cwd=copy / "ontology")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["version"] == "9999.1.0"


@pytest.mark.parametrize("command", [["build"], ["validate"], ["stats"], ["query", "ASK {}"], ["serve"]])
def test_outside_any_project_commands_exit_2_and_say_so(tmp_path: Path, command: list[str]) -> None:
    result = _heg(*command, cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "no project folder found" in result.stderr and "data/dataset.yaml" in result.stderr
