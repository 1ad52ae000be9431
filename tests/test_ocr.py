"""Scanned PDFs: pages without a text layer are OCRed (RapidOCR, models from its wheel).

The fixtures are real renderings, made by tests/fixtures/make_fixtures.py: report.pdf's
pages rendered to 150-dpi grey images with pypdfium2 and written into a new PDF with no
text layer (report_scanned.pdf), and report.pdf with only its 三 table page scanned
(report_mixed.pdf).  OCR is slow, so each fixture is OCRed once per module, on one thread.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from parsing import parse_path
from parsing.ocr import Box, boxes_to_grid, distrust_unbalanced
from parsing.read import Document
from parsing.record import Report
from parsing.template import TABLES

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "tests" / "fixtures" / "reports"
EXPECTED: dict[str, dict] = json.loads((REPORTS / "EXPECTED.json").read_text(encoding="utf-8"))
SCANNED, MIXED = "report_scanned.pdf", "report_mixed.pdf"
# Of the fixture's 200 cells, OCR at 144 dpi reads 199 (measured; see OCR.md): the floor
# leaves room for a different CPU's floating point, never for a wrong value.
MIN_RECOVERED = 190


def flat_cells(report: Report) -> dict[str, float]:
    return {f"{table}.{row}.{column}": value
            for table in TABLES
            for row, columns in report.table(table).items()
            for column, value in columns.items()}


@pytest.fixture(scope="module")
def scanned() -> dict[str, tuple[Report, list[tuple[str, int, int]]]]:
    """Each OCR fixture parsed once, with the progress calls it made."""
    out = {}
    for name in (SCANNED, MIXED):
        calls: list[tuple[str, int, int]] = []
        # One OCR thread: two shared cores, be polite.
        report = parse_path(REPORTS / name, progress=lambda *call: calls.append(call), ocr_threads=1)
        out[name] = (report, calls)
    return out


@pytest.mark.parametrize("name", [SCANNED, MIXED])
def test_every_cell_ocr_reads_is_right(scanned, name):
    report, _ = scanned[name]
    expected = EXPECTED[name]["cells"]
    got = flat_cells(report)
    wrong = {k: (v, expected.get(k)) for k, v in got.items() if expected.get(k) != pytest.approx(v)}
    assert wrong == {}, "OCR gave cells that differ from the text PDF"
    assert len(got) >= MIN_RECOVERED, f"OCR recovered only {len(got)} of {len(expected)} cells"


@pytest.mark.parametrize("name", [SCANNED, MIXED])
def test_cells_ocr_cannot_read_are_named_in_warnings(scanned, name):
    report, _ = scanned[name]
    got = flat_cells(report)
    for key in EXPECTED[name]["cells"]:
        if key not in got:
            table, row = key.split(".")[:2]
            assert any(table in w and row in w for w in report.warnings), (key, report.warnings)


def test_scanned_report_has_its_metadata_and_sections(scanned):
    report, calls = scanned[SCANNED]
    spec = EXPECTED[SCANNED]
    assert (report.agency, report.year, report.template, report.published) == (
        spec["agency"], spec["year"], spec["template"], spec["published"])
    assert {s.no for s in report.sections} >= set(spec["sections"])
    for section in report.sections:
        assert section.text.strip(), f"section {section.no} is empty"
    assert calls == [(SCANNED, page, 4) for page in (1, 2, 3, 4)]
    assert "applications: table read by OCR (page 3); a cell OCR could not read is blank and left absent" \
        in report.warnings


def test_mixed_pdf_is_read_page_by_page(scanned):
    report, calls = scanned[MIXED]
    assert calls == [(MIXED, 3, 4)]  # only the image page is OCRed
    # Table 二 (text page 2) and table 三 (scanned page 3) are both there.
    assert report.active_disclosure["licensing"] == {"decisions": 1764}
    assert report.applications["new_received"]["total"] == 21
    assert report.applications["total_processed"]["total"] == 22


def test_ocr_cells_that_break_a_sum_are_left_absent(scanned):
    report = copy.deepcopy(scanned[MIXED][0])
    assert report.applications["granted"]["natural_person"] == 9
    report.applications["granted"]["natural_person"] = 8  # as if OCR misread 9 as 8
    lines = ["三、收到和处理政府信息公开申请情况", "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"]
    document = Document("\n".join(lines), "pdf", None, ocr_pages=[(3, 0, 2)])
    report.warnings = []
    distrust_unbalanced(report, document)
    assert "granted" not in report.applications
    assert report.warnings[1] == (
        "applications.row_total.granted: cells read by OCR break the template sum (8+1+0+0+0+0 ≠ 10 (9 vs 10)); "
        "7 cells left absent: granted.natural_person, granted.commercial, granted.research, "
        "granted.social_welfare, granted.legal_service, granted.other_org, granted.total")
    assert [c.rule for c in report.failed_checks] == []


def test_text_tables_of_a_mixed_pdf_are_not_distrusted(scanned):
    report = copy.deepcopy(scanned[MIXED][0])
    report.review_litigation["review"]["upheld"] = 5  # breaks the row's sum, but page 4 has text
    document = Document("三、收到和处理政府信息公开申请情况\n勾稽关系", "pdf", None, ocr_pages=[(3, 0, 2)])
    distrust_unbalanced(report, document)
    assert report.review_litigation["review"]["upheld"] == 5


def test_boxes_fill_ruled_cells_wrapped_labels_join_blanks_stay_none():
    """The pure placing step: a wrapped label joins, a merged cell repeats, an empty cell is None."""
    xs, ys = [0, 100, 150, 200], [0, 20, 40, 60]
    # Row 0: one header spanning columns 1-2; rows 1-2: a label cell spanning both rows.
    origins = [[(0, 0), (0, 1), (0, 1)], [(1, 0), (1, 1), (1, 2)], [(1, 0), (2, 1), (2, 2)]]
    boxes = [Box(110, 5, 190, 15, "本年处理决定数量", 0.99),
             Box(5, 22, 95, 32, "2.申请人逾期未按", 0.99), Box(5, 42, 95, 52, "收费通知", 0.99),
             Box(120, 25, 130, 35, "3", 0.99), Box(170, 45, 180, 55, "12", 0.99)]
    cells, covered = boxes_to_grid(boxes, xs, ys, origins)
    assert cells == [[None, "本年处理决定数量", "本年处理决定数量"],
                     ["2.申请人逾期未按收费通知", "3", None],
                     ["2.申请人逾期未按收费通知", None, "12"]]
    assert covered == [[False, False, True], [False, False, False], [True, False, False]]


def test_no_ocr_flag_gives_the_clear_message():
    result = CliRunner().invoke(cli, ["parse", "--no-ocr", str(REPORTS / SCANNED)])
    assert result.exit_code == 1
    assert ("error: report_scanned.pdf: the PDF has no text layer (scanned PDF?) — OCR it first "
            "(OCR is off: parse it without --no-ocr)") in result.output


def test_no_ocr_flag_skips_the_scanned_page_of_a_mixed_pdf():
    result = CliRunner().invoke(cli, ["parse", "--no-ocr", "--json", str(REPORTS / MIXED)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output.splitlines()[-1])
    assert "page 3 has no text layer and OCR is off; its content is skipped" in record["warnings"]


def _network_namespace() -> list[str] | None:
    """A command prefix that runs a process with no network at all, if this machine allows it."""
    if shutil.which("unshare") is None:
        return None
    for prefix in (["unshare", "-rn"], ["unshare", "-n"]):
        if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    return None


def test_ocr_runs_with_the_network_off(tmp_path):
    prefix = _network_namespace()
    if prefix is None:
        pytest.skip("cannot drop the network here: `unshare -rn`/`unshare -n` is missing or not permitted")
    import pypdfium2

    # One scanned page (the title page) keeps this OCR run short.
    one_page = pypdfium2.PdfDocument.new()
    one_page.import_pages(pypdfium2.PdfDocument(REPORTS / SCANNED), [0])
    path = tmp_path / "scan_page1.pdf"
    one_page.save(path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = ("import sys, socket\n"
            "from parsing import parse_path\n"
            "try:\n    socket.create_connection(('1.1.1.1', 443), timeout=2); sys.exit('network is on')\n"
            "except OSError:\n    pass\n"
            f"r = parse_path({str(path)!r}, ocr_threads=1)\n"
            "print(r.agency, r.year)\n")
    done = subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{EXPECTED[SCANNED]['agency']} {EXPECTED[SCANNED]['year']}"


def test_a_page_whose_ocr_fails_is_named_and_skipped(monkeypatch):
    import parsing.ocr

    def broken(*_args, **_kwargs):
        raise RuntimeError("no memory for the page image")

    monkeypatch.setattr(parsing.ocr, "ocr_page", broken)
    reader = parsing.ocr.PageReader((REPORTS / SCANNED).read_bytes(), SCANNED, threads=1)
    page = reader.read(2)
    reader.close()
    assert page.lines == []
    assert page.warnings == ["page 2 has no text layer and its OCR failed (RuntimeError: no memory for the "
                             "page image); its content is skipped"]


def test_a_tilted_page_is_straightened_from_its_text_boxes():
    """Boxes tilted 2° clockwise (as a scan fed askew): the tilt is measured from their top
    edges and the boxes come back level.  (OCR of report.pdf's 三 page rotated 1.5° gives the
    same rows as the straight page: see OCR.md.)"""
    import math

    import numpy as np

    slope = math.tan(math.radians(2.0))
    boxes = []
    for i in range(5):
        x0, y0, w, h = 100.0, 200.0 + 40 * i, 800.0, 20.0
        quad = ((x0, y0), (x0 + w, y0 + w * slope), (x0 + w, y0 + w * slope + h), (x0, y0 + h))
        boxes.append(Box(x0, y0, x0 + w, y0 + w * slope + h, f"第{i}行", 0.99, quad))
    from parsing.ocr import deskew, estimate_skew

    assert estimate_skew(boxes) == pytest.approx(2.0, abs=0.01)
    image = np.full((600, 1000, 3), 255, dtype=np.uint8)
    _, level = deskew(image, boxes, estimate_skew(boxes))
    assert estimate_skew(level) == pytest.approx(0.0, abs=0.01)
    assert all(b.height == pytest.approx(20.0, abs=0.5) for b in level)


def test_an_unruled_table_gets_columns_from_its_numbers_and_keeps_blanks():
    from parsing.ocr import unruled_grid

    def line(y: float, *cells: tuple[float, str]) -> list[Box]:
        return [Box(x, y, x + 12 * len(t), y + 20, t, 0.99) for x, t in cells]

    rows = [line(100, (50, "行政许可"), (400, "57"), (520, "3")),
            line(130, (50, "行政处罚"), (402, "8")),  # nothing under the second column
            line(160, (50, "行政强制"), (398, "0"), (522, "12"))]
    assert unruled_grid(rows) == [["行政许可", "57", "3"], ["行政处罚", "8", None], ["行政强制", "0", "12"]]
    # Two numbers of one row under one column: the columns cannot be told apart.
    assert unruled_grid([line(100, (50, "甲"), (400, "1"), (430, "2")), line(130, (50, "乙"), (402, "3"))]) is None
