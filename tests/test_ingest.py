"""Ingest: real seeds through the real parser into the real store, incrementally and safely."""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.identity import ReportIndex, KnownReport, cells_fingerprint
from corpus.ingest import ingest
from index.tables import store
from parsing.record import Region, Report, Section
from tests.conftest import FIXTURES, ROOT, seed_path

# Digits spelled with characters the region gazetteers do not know, for made-up agencies.
_NAME_CHARS = "甲乙丙丁戊己庚辛壬癸"


def query(data: Path, sql: str, params: list | None = None) -> list[tuple]:
    with store.reading(data) as con:
        return con.execute(sql, params or []).fetchall()


def as_html(text: str) -> str:
    """A web page of a text dump: pipe rows as a table, page chrome around it."""
    body: list[str] = []
    rows: list[str] = []

    def close_table() -> None:
        if rows:
            cells = ("".join(f"<td>{html.escape(c.strip())}</td>" for c in r.split("|")) for r in rows)
            body.append("<table>" + "".join(f"<tr>{c}</tr>" for c in cells) + "</table>")
            rows.clear()

    for line in text.splitlines():
        if "|" in line:
            rows.append(line)
        else:
            close_table()
            body.append(f"<p>{html.escape(line)}</p>")
    close_table()
    return ("<html><head><meta charset='utf-8'><title>report</title></head><body>"
            "<div>Home &gt; Open government &gt; Annual reports</div>" + "".join(body)
            + "<div>Print | Close</div></body></html>")


def variant(text: str, k: int, year: int = 2020) -> str:
    """Another agency's report: a title line naming a made-up county, then the same body."""
    name = "".join(_NAME_CHARS[int(d)] for d in f"{k:04d}")
    return f"{name}县人民政府{year}年政府信息公开工作年度报告\n{text}"


@pytest.fixture(scope="module")
def seeds_corpus(tmp_path_factory, seeds_dir):
    """The five seeds ingested once, over two processes (tables only: passages are tested below)."""
    data = tmp_path_factory.mktemp("seeds_corpus")
    result = ingest([seeds_dir], data, workers=2, progress=False, passages=False)
    return data, result


def test_seeds_ingest_with_real_values(seeds_corpus):
    data, result = seeds_corpus
    assert len(result.new) == 5 and not result.failed and not result.updated
    assert query(data, "SELECT count(*) FROM reports") == [(5,)]

    def cell(agency_part: str, year: int, table: str, row: str, column: str) -> float:
        rows = query(data, 'SELECT value FROM cells JOIN reports USING (report_id) WHERE agency LIKE ? '
                           'AND year = ? AND "table" = ? AND "row" = ? AND "column" = ?',
                     [f"%{agency_part}%", year, table, row, column])
        assert len(rows) == 1, rows
        return rows[0][0]

    assert cell("越城区", 2021, "review_litigation", "litigation_direct", "total") == 1
    assert cell("越城区", 2021, "review_litigation", "litigation_after_review", "total") == 2
    assert cell("将乐县", 2024, "applications", "new_received", "total") == 5
    assert cell("安康", 2019, "active_disclosure", "procurement", "amount_wan") == 2191.563
    # The wide view agrees with the cells.
    assert query(data, "SELECT applications__new_received__total FROM metrics WHERE agency LIKE '%越城区%'") == [(36,)]
    # Sections, checks and the full record are kept.
    assert query(data, "SELECT count(DISTINCT report_id) FROM sections WHERE no = 5") == [(5,)]
    failed = query(data, "SELECT r.source, c.rule FROM checks c JOIN reports r USING (report_id) WHERE NOT c.ok")
    assert {source[:3] for source, _ in failed} == {"001", "002"}
    assert {(Path(c.path).name[:3], c.rule) for c in result.failed_checks} == {
        (Path(source).name[:3], rule) for source, rule in failed}
    assert query(data, "SELECT DISTINCT level FROM reports ORDER BY 1") == [("county",), ("township",)]
    assert query(data, "SELECT record->>'$.source' FROM reports WHERE source LIKE '004%'") == [(seed_path("004").name,)]


def test_same_content_again_is_a_no_op(seeds_corpus, seeds_dir):
    data, _ = seeds_corpus
    before = (data / "store.duckdb").stat()
    result = ingest([seeds_dir], data, workers=2, progress=False, passages=False)
    assert len(result.unchanged) == 5 and result.parsed == 0 and not result.failed
    after = (data / "store.duckdb").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_changed_file_replaces_its_record(tmp_path):
    report_file = tmp_path / "files" / "report.txt"
    report_file.parent.mkdir()
    text = seed_path("001").read_text(encoding="utf-8")
    report_file.write_text(variant(text, 1, 2020), encoding="utf-8")
    ingest([report_file.parent], tmp_path / "data", workers=1, progress=False, passages=False)
    (old_id, year), = query(tmp_path / "data", "SELECT report_id, year FROM reports")
    assert year == 2020

    report_file.write_text(variant(text, 1, 2021), encoding="utf-8")
    result = ingest([report_file.parent], tmp_path / "data", workers=1, progress=False, passages=False)
    assert result.updated == [str(report_file)] and not result.new
    rows = query(tmp_path / "data", "SELECT report_id, year FROM reports")
    assert len(rows) == 1 and rows[0][1] == 2021 and rows[0][0] != old_id
    assert (result.added_reports, result.removed_reports) == ([rows[0][0]], [old_id])
    for table in ("cells", "sections", "checks", "metrics"):
        assert query(tmp_path / "data", f"SELECT count(*) FROM {table} WHERE report_id = ?", [old_id]) == [(0,)]
    assert query(tmp_path / "data", "SELECT report_id FROM sources") == [(rows[0][0],)]


def test_html_and_text_of_one_report_are_one_report(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    shutil.copy(seed_path("000"), files / "a_report.txt")
    (files / "b_report.html").write_text(as_html(seed_path("000").read_text(encoding="utf-8")), encoding="utf-8")
    result = ingest([files], tmp_path / "data", workers=2, progress=False, passages=False)
    assert result.new == [str(files / "a_report.txt")]
    assert result.duplicates == [str(files / "b_report.html")]
    (report_id,), = query(tmp_path / "data", "SELECT report_id FROM reports")
    assert query(tmp_path / "data", "SELECT count(*) FROM sources WHERE report_id = ?", [report_id]) == [(2,)]

    # The HTML page changes into another agency's report: the text file keeps the first one.
    text = seed_path("000").read_text(encoding="utf-8")
    (files / "b_report.html").write_text(as_html(variant(text, 7)), encoding="utf-8")
    result = ingest([files], tmp_path / "data", workers=1, progress=False, passages=False)
    assert result.updated == [str(files / "b_report.html")] and result.unchanged == [str(files / "a_report.txt")]
    assert query(tmp_path / "data", "SELECT count(*) FROM reports") == [(2,)]
    assert query(tmp_path / "data", "SELECT report_id FROM sources WHERE source_path LIKE '%a_report.txt'") == [
        (report_id,)]
    assert len(result.added_reports) == 1 and result.removed_reports == []


def test_pdf_and_html_of_one_report_are_one_report(tmp_path):
    from tests.fixtures import fixture_reports, make_fixtures

    files = tmp_path / "files"
    files.mkdir()
    shutil.copy(FIXTURES / "reports" / "report.pdf", files / "report.pdf")
    (files / "report.html").write_text(make_fixtures.render_html(fixture_reports.PDF), encoding="utf-8")
    result = ingest([files], tmp_path / "data", workers=1, progress=False, passages=False)
    assert result.new == [str(files / "report.html")] and result.duplicates == [str(files / "report.pdf")]
    assert query(tmp_path / "data", "SELECT count(*), min(format) FROM reports") == [(1, "html")]
    assert query(tmp_path / "data", "SELECT count(DISTINCT report_id), count(*) FROM sources") == [(1, 2)]


def test_a_copy_under_another_name_joins_its_report_unparsed(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    shutil.copy(seed_path("003"), files / "one.txt")
    ingest([files], tmp_path / "data", workers=1, progress=False, passages=False)
    shutil.copy(seed_path("003"), files / "two.txt")
    result = ingest([files], tmp_path / "data", workers=1, progress=False, passages=False)
    assert result.duplicates == [str(files / "two.txt")] and result.parsed == 1
    assert query(tmp_path / "data", "SELECT count(*), count(DISTINCT report_id) FROM sources") == [(2, 1)]


def test_failures_are_listed_and_the_rest_ingest(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    shutil.copy(seed_path("004"), files / "good.txt")
    (files / "empty.txt").write_bytes(b"")
    (files / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (files / "notes.txt").write_text("shopping list: eggs, milk\n", encoding="utf-8")
    (files / "picture.png").write_bytes(b"\x89PNG not a report")  # not picked up by the folder walk
    result = ingest([files, tmp_path / "missing"], tmp_path / "data", workers=2, progress=False, passages=False)
    assert result.new == [str(files / "good.txt")]
    reasons = {Path(f.path).name: f.reason for f in result.failed}
    assert set(reasons) == {"empty.txt", "broken.pdf", "notes.txt", "missing"}
    assert "empty file" in reasons["empty.txt"]
    assert reasons["missing"] == "no such file or folder"
    assert query(tmp_path / "data", "SELECT count(*) FROM reports") == [(1,)]

    # A stored file that turns bad keeps its report: nothing already stored is lost.
    (files / "good.txt").write_bytes(b"")
    result = ingest([files / "good.txt"], tmp_path / "data", workers=1, progress=False, passages=False)
    assert [f.path for f in result.failed] == [str(files / "good.txt")]
    assert query(tmp_path / "data", "SELECT count(*) FROM reports WHERE year = 2022") == [(1,)]


def _bare_report(report_id: str, text: str, cells: dict | None = None) -> Report:
    return Report(id=report_id, source="x", agency="Agency", region=Region(), year=2020, published=None,
                  template="unknown", script="simplified", applications=cells or {},
                  sections=[Section(1, "overview", text)])


def test_identity_without_cells_compares_the_narrative():
    text = "本机关全年主动公开政府信息一百二十条，办理依申请公开三件，均按时答复。" * 8
    index = ReportIndex(load_text=lambda report_id: text)
    index.add(KnownReport("a", "Agency", 2020, ""))
    # Another format of the same text: spacing, line breaks and a page number differ.
    reflowed = "\n".join(text[i:i + 40] for i in range(0, len(text), 40)) + "\n- 1 -"
    assert index.match(_bare_report("b", reflowed), "") == "a"
    assert index.match(_bare_report("c", text.replace("一百二十", "九十九").replace("三件", "七件") * 2
                                     + "另有其他工作安排与总结若干。" * 30), "") is None
    # Equal cells decide when there are cells, whatever the text.
    cells = {"new_received": {"total": 5}}
    with_cells = _bare_report("d", "different words entirely", cells)
    index.add(KnownReport("e", "Agency", 2020, cells_fingerprint(with_cells)))
    assert index.match(with_cells, cells_fingerprint(with_cells)) == "e"
    other = _bare_report("f", text, {"new_received": {"total": 6}})
    assert index.match(other, cells_fingerprint(other)) is None


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return children


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


def test_killed_ingest_leaves_the_previous_corpus_and_whole_batches(tmp_path, seeds_dir):
    """The store is written in place, one transaction per batch of 500 reports: readers see each
    batch once committed, and a kill leaves the previous corpus with whole batches, nothing half."""
    data = tmp_path / "data"
    ingest([seeds_dir], data, workers=1, progress=False, passages=False)
    many = tmp_path / "many"
    many.mkdir()
    seeds = sorted(seeds_dir.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    for k in range(3000):
        (many / f"r{k:04d}.txt").write_text(variant(texts[k % len(texts)], k), encoding="utf-8")

    command = [sys.executable, "-c", "from gongkai.cli import cli; cli()", "ingest", str(many),
               "--data", str(data), "--workers", "2"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        held = 5
        # While it writes, readers get the previous corpus, then each batch as it is committed
        # (a reader waits while a batch is being written).
        while held == 5 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            held = query(data, "SELECT count(*) FROM reports")[0][0]
        assert proc.poll() is None, "the ingest finished before it could be killed: give it more files"
        assert held > 5
        workers = _children(proc.pid)
        assert len(workers) >= 2  # the parser processes
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # Its parser processes end with it rather than wait forever for work (a bound, not a wait).
    deadline = time.monotonic() + 120
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)]

    stored = query(data, "SELECT count(*) FROM reports")[0][0]
    assert stored >= held and (stored - 5) % 500 == 0  # whole batches only
    assert query(data, "SELECT count(*) FROM sources") == [(stored,)]
    assert query(data, "SELECT count(DISTINCT report_id) FROM metrics") == [(stored,)]
    assert query(data, "SELECT count(*) FROM sources WHERE report_id NOT IN (SELECT report_id FROM reports)") == [(0,)]
    assert query(data, "SELECT applications__new_received__total FROM metrics WHERE agency LIKE '%将乐县%'") == [(5,)]

    # The next ingest goes on from there: the files of the committed batches are unchanged.
    result = ingest(sorted(many.glob("r000*.txt")), data, workers=1, progress=False, passages=False)
    assert len(result.new) + len(result.unchanged) == 10 and not result.failed
    assert query(data, "SELECT count(*) FROM reports") == [(stored + len(result.new),)]


def test_ingest_keeps_the_passage_index_in_step(tmp_path, seeds_dir):
    """The passage index follows the store: new reports are searchable, replaced ones leave."""
    from index.passages.search import search

    files = tmp_path / "files"
    files.mkdir()
    for p in sorted(seeds_dir.glob("*.txt"))[:2]:
        shutil.copy(p, files / p.name)
    data = tmp_path / "data"
    result = ingest([files], data, workers=1, progress=False)
    assert result.index_error is None and result.index["reports"] == 2
    hits = search(data, "政务新媒体健康发展", k=3)
    assert hits and hits[0].agency == "绍兴市越城区人民政府办公室"

    # A changed file: its old report's passages go, the new ones come.
    yuecheng = next(files.glob("000*"))
    yuecheng.write_text(yuecheng.read_text(encoding="utf-8").replace("推进政务新媒体健康发展", "推进政务短视频规范运营"),
                        encoding="utf-8")
    result = ingest([files], data, workers=1, progress=False)
    assert result.updated == [str(yuecheng)] and len(result.removed_reports) == 1
    texts = [h.text for h in search(data, "政务短视频规范运营", k=5)]
    assert any("政务短视频规范运营" in t for t in texts)
    assert not any("推进政务新媒体健康发展" in h.text for h in search(data, "推进政务新媒体健康发展", k=10))

    # Nothing changed: the index is left alone.
    assert ingest([files], data, workers=1, progress=False).index == {}


def test_ingest_ocrs_scanned_pages_and_says_so_page_by_page(tmp_path, capfd):
    """A mixed PDF (one page scanned) is OCRed on ingest with a progress line for that page;
    with OCR off, the scanned page is skipped and its content named in the report's warnings."""
    mixed = ROOT / "tests" / "fixtures" / "reports" / "report_mixed.pdf"
    result = ingest([mixed], tmp_path / "data", workers=1, progress=True, passages=False, ocr_threads=1)
    assert len(result.new) == 1 and not result.failed
    assert re.search(r"OCR page \d+/\d+ of report_mixed\.pdf", capfd.readouterr().err)
    assert query(tmp_path / "data", "SELECT count(*) FROM cells WHERE \"table\" = 'applications'")[0][0] > 0

    skipped = ingest([mixed], tmp_path / "plain", workers=1, progress=True, passages=False, ocr=False)
    assert len(skipped.new) == 1 and "OCR page" not in capfd.readouterr().err
    warnings = query(tmp_path / "plain", "SELECT warnings FROM reports")[0][0]
    assert any("has no text layer and OCR is off; its content is skipped" in w for w in warnings)


@pytest.mark.parametrize("first, second", [("crawl/06.txt", "html/06.html"), ("html/06.html", "crawl/06.txt")])
def test_a_crawl_dump_and_the_page_it_came_from_are_one_report(tmp_path, first, second):
    """A crawler's dump leaves a few run-together cells absent that the HTML gives; the
    cells they share agree, so they are one report, stored with the fuller record (the HTML's)."""
    real = ROOT.parent / "shared" / "real"
    for order, name in enumerate((first, second)):
        copy = tmp_path / "files" / f"{order}_{name.replace('/', '_')}"
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes((real / name).read_bytes())
        result = ingest([copy], tmp_path / "data", workers=1, progress=False, passages=False)
        assert not result.failed
    assert len(result.new) + len(result.duplicates) == 1
    html_cells = query(tmp_path / "data", "SELECT count(*) FROM cells")[0][0]
    assert query(tmp_path / "data", "SELECT count(*), min(year) FROM reports") == [(1, 2024)]
    assert query(tmp_path / "data", "SELECT count(*), count(DISTINCT report_id) FROM sources") == [(2, 1)]
    assert query(tmp_path / "data", "SELECT source FROM reports")[0][0].endswith("06.html")
    # Read in the page's table 三: 本年新收 自然人 217 (the figure both files give).
    assert query(tmp_path / "data", "SELECT applications__new_received__natural_person FROM metrics") == [(217.0,)]
    assert html_cells == 200


def test_the_real_collection_holds_each_report_once(tmp_path):
    """22 files: 5 crawl dumps repeat 5 HTML pages, so 17 reports (and 2024 is counted once)."""
    result = ingest([ROOT.parent / "shared" / "real"], tmp_path / "data", workers=2, progress=False, passages=False)
    assert not result.failed and len(result.new) == 17 and len(result.duplicates) == 5
    assert query(tmp_path / "data",
                 "SELECT count(*) FROM reports WHERE agency = '平潭综合实验区' AND year = 2024") == [(1,)]
