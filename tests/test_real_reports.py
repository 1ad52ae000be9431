"""The real reports of ../shared/real against their gold (read there, never copied here).

For every file in gold.json: every gold cell, no `truth` cell contradicted, year, agency,
template and the minimum number of non-empty sections.  The crawl dumps of reports that
also exist as HTML must give the same cells as the HTML wherever they give one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsing import parse_path
from parsing.record import Report
from parsing.template import TABLES

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
GOLD: dict[str, dict] = json.loads((REAL / "gold.json").read_text(encoding="utf-8")) if REAL.is_dir() else {}
NAMES = sorted(GOLD)
PAIRS = sorted(name for name in NAMES if name.startswith("crawl/")
               and f"html/{Path(name).stem}.html" in GOLD)


def flat(report: Report) -> dict[str, float]:
    return {f"{t}.{row}.{column}": value
            for t in TABLES for row, columns in report.table(t).items() for column, value in columns.items()}


@pytest.fixture(scope="module")
def parsed() -> dict[str, Report]:
    if not REAL.is_dir():
        pytest.fail(f"{REAL} is missing: the real reports live in ../shared/real")
    return {name: parse_path(REAL / name) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_every_gold_cell(parsed, name):
    got = flat(parsed[name])
    wrong = {k: (v, got.get(k)) for k, v in GOLD[name]["cells"].items()
             if got.get(k) is None or got[k] != pytest.approx(v)}
    assert not wrong, f"{name}: {len(wrong)} of {len(GOLD[name]['cells'])} gold cells missed (want, got): {wrong}"


@pytest.mark.parametrize("name", NAMES)
def test_truth_never_contradicted(parsed, name):
    got = flat(parsed[name])
    wrong = {k: (v, got[k]) for k, v in GOLD[name].get("truth", {}).items()
             if k in got and got[k] != pytest.approx(v)}
    assert not wrong, f"{name}: cells contradicting the truth (truth, got): {wrong}"


@pytest.mark.parametrize("name", [n for n in NAMES if GOLD[n].get("template") == "unknown"])
def test_no_template_cell_for_pre_2019_reports(parsed, name):
    assert flat(parsed[name]) == {}


@pytest.mark.parametrize("name", NAMES)
def test_year_agency_template(parsed, name):
    report, gold = parsed[name], GOLD[name]
    assert report.year == gold["year"]
    assert all(part in (report.agency or "") for part in gold["agency_contains"]), report.agency
    if "template" in gold:
        assert report.template == gold["template"]


@pytest.mark.parametrize("name", [n for n in NAMES if "min_sections" in GOLD[n]])
def test_min_sections(parsed, name):
    filled = [s.no for s in parsed[name].sections if s.text.strip()]
    assert len(filled) >= GOLD[name]["min_sections"], f"{name}: sections {filled}"


@pytest.mark.parametrize("crawl", PAIRS)
def test_crawl_dump_gives_the_html_cells(parsed, crawl):
    """Every cell the crawl dump gives is the HTML's; none the HTML lacks."""
    html = flat(parsed[f"html/{Path(crawl).stem}.html"])
    got = flat(parsed[crawl])
    differ = {k: (v, html.get(k)) for k, v in got.items() if html.get(k) is None or html[k] != pytest.approx(v)}
    assert not differ, f"{crawl}: cells unlike the HTML (crawl, html): {differ}"


@pytest.mark.parametrize("crawl", PAIRS)
def test_crawl_dump_names_every_cell_it_leaves_out(parsed, crawl):
    """A row the crawl dump cannot split is named in a warning."""
    html, got = flat(parsed[f"html/{Path(crawl).stem}.html"]), flat(parsed[crawl])
    missing_rows = {k.rsplit(".", 1)[0] for k in html if k not in got}
    warnings = "\n".join(parsed[crawl].warnings)
    assert [row for row in sorted(missing_rows) if row not in warnings] == []
