"""Every fixture in tests/fixtures/reports parsed against its golden EXPECTED.json.

The fixtures are fictional reports we wrote (tests/fixtures/make_fixtures.py regenerates
them); EXPECTED.json lists their metadata and every cell, so a parser that drops, invents
or misreads a single cell fails here with the difference spelled out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import parsing.errors
from parsing import parse_path
from parsing.record import Report
from parsing.template import TABLES

REPORTS = Path(__file__).parent / "fixtures" / "reports"
EXPECTED: dict[str, dict] = json.loads((REPORTS / "EXPECTED.json").read_text(encoding="utf-8"))
# Scanned fixtures ("ocr": true) are OCRed once in tests/test_ocr.py, which asserts their cells.
GOOD = sorted(name for name, spec in EXPECTED.items() if "error" not in spec and not spec.get("ocr"))
BAD = sorted(name for name, spec in EXPECTED.items() if "error" in spec)
META = ("agency", "year", "template", "script", "published")


def flat_cells(report: Report) -> dict[str, float]:
    """The record's three tables as ``{"table.row.column": value}``."""
    return {f"{table}.{row}.{column}": value
            for table in TABLES
            for row, columns in report.table(table).items()
            for column, value in columns.items()}


def cell_diff(expected: dict[str, float], got: dict[str, float]) -> list[str]:
    lines = [f"missing {k} (expected {v})" for k, v in expected.items() if k not in got]
    lines += [f"wrong   {k}: expected {v}, got {got[k]}" for k, v in expected.items()
              if k in got and got[k] != pytest.approx(v)]
    lines += [f"extra   {k} = {v}" for k, v in got.items() if k not in expected]
    return lines


@pytest.fixture(scope="module")
def parsed() -> dict[str, Report]:
    return {name: parse_path(REPORTS / name) for name in GOOD}


def test_every_fixture_file_has_a_golden_entry():
    on_disk = {p.name for p in REPORTS.iterdir() if p.name != "EXPECTED.json"}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", GOOD)
def test_metadata(parsed, name):
    spec, report = EXPECTED[name], parsed[name]
    got = {key: getattr(report, key) for key in META if key in spec}
    assert got == {key: spec[key] for key in META if key in spec}


@pytest.mark.parametrize("name", GOOD)
def test_cells_exactly(parsed, name):
    diff = cell_diff(EXPECTED[name]["cells"], flat_cells(parsed[name]))
    assert not diff, f"{name}: {len(diff)} cell differences\n" + "\n".join(diff)


@pytest.mark.parametrize("name", GOOD)
def test_sections_found(parsed, name):
    found = {section.no for section in parsed[name].sections}
    assert set(EXPECTED[name]["sections"]) <= found
    for section in parsed[name].sections:
        assert section.text.strip(), f"section {section.no} is empty"


@pytest.mark.parametrize("name", [n for n in GOOD if EXPECTED[n].get("checks_pass")])
def test_complete_reports_pass_every_check(parsed, name):
    report = parsed[name]
    assert report.checks, "a complete report yields checks"
    assert [(c.rule, c.detail) for c in report.failed_checks] == []


@pytest.mark.parametrize("name", [n for n in GOOD if EXPECTED[n].get("warn_rows")])
def test_absent_and_ambiguous_rows_are_named_in_warnings(parsed, name):
    report = parsed[name]
    for row in EXPECTED[name]["warn_rows"]:
        assert any(row in w for w in report.warnings), f"no warning names {row}: {report.warnings}"


def test_absent_markers_leave_cells_absent(parsed):
    spec = EXPECTED["absent_cells.txt"]
    got = flat_cells(parsed["absent_cells.txt"])
    assert spec["absent"], "the fixture prints absent markers"
    assert [k for k in spec["absent"] if k in got] == []


def test_run_together_recovers_the_unique_splits(parsed):
    report = parsed["run_together.txt"]
    # Exactly one split of "2331000137" makes six columns add up to the seventh.
    assert report.applications["new_received"] == {
        "natural_person": 23, "commercial": 3, "research": 10, "social_welfare": 0,
        "legal_service": 0, "other_org": 1, "total": 37}
    # Exactly one split of "12001133211711013" makes each group of five balance.
    assert [report.review_litigation[r]["total"] for r in ("review", "litigation_direct",
                                                           "litigation_after_review")] == [13, 7, 3]
    for row in ("denied.third_party", "unavailable.not_held"):
        assert row not in report.applications


def test_pre2019_report_has_sections_but_no_cells(parsed):
    report = parsed["pre2019.txt"]
    assert report.template == "unknown"
    assert flat_cells(report) == {}
    assert len(report.sections) >= 6


@pytest.mark.parametrize("name", BAD)
def test_bad_files_raise_the_named_parse_error(name):
    error_class = getattr(parsing.errors, EXPECTED[name]["error"])
    with pytest.raises(parsing.errors.ParseError) as caught:
        parse_path(REPORTS / name)
    assert isinstance(caught.value, error_class), repr(caught.value)
    assert name in str(caught.value)
