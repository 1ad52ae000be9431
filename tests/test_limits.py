"""Bounded work on hostile input (issue 13): one set of limits at every entry point.

Each test builds the hostile file for real (a zip-bomb DOCX written with zipfile, a text
file over a small file-size limit, a PDF over a page limit, a PDF that parses slowly) and
checks that the file is refused with a reason naming the limit and its value, while the
other files of the same run are stored.  The time limit kills a real worker process.
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from corpus.identity import cells_of
from corpus.ingest import ingest
from corpus.upload import FAILED, NEW, ingest_uploads
from index.tables import store
from parsing import parse_bytes
from parsing.bounded import run_bounded
from parsing.limits import Limits

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt")) or sorted((ROOT / "tests" / "fixtures").glob("*.txt"))
SEED = SEEDS[0]
GONGKAI = [str(Path(sys.executable).with_name("gongkai"))]

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
    'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
    '/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def zip_bomb_docx(path: Path, inflated_mb: int = 110) -> Path:
    """A real DOCX: a seed report's paragraphs, then enough repeated paragraphs that its
    document.xml inflates to ``inflated_mb`` MiB (deflated to well under 1 MiB)."""
    lines = [html.escape(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    body = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)
    pad = "<w:p><w:r><w:t>" + "零" * 1000 + "</w:t></w:r></w:p>"
    repeats = inflated_mb * 2**20 // len(pad.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w") as xml:
            xml.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://'
                       'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + body).encode())
            chunk = (pad * 1000).encode()
            for _ in range(repeats // 1000):
                xml.write(chunk)
            xml.write(b"</w:body></w:document>")
    return path


def many_page_pdf(path: Path, pages: int, rows: int = 60) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=9)
    for page in range(pages):
        pdf.add_page()
        for row in range(rows):
            pdf.cell(0, 4, f"Row {row} of page {page}: " + " ".join(str(i * row) for i in range(20)),
                     new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def _seeds_into(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for seed in SEEDS[:3]:
        copies.append(folder / seed.name)
        copies[-1].write_bytes(seed.read_bytes())
    return copies


def _stored(data: Path) -> set[str]:
    with store.reading(data) as con:
        return {Path(p).name for p in store.load_sources(con)}


def _gongkai(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([*GONGKAI, *args], capture_output=True, text=True, cwd=ROOT, env=environment,
                          timeout=timeout)


def test_a_zip_bomb_docx_is_refused_by_gongkai_parse_before_it_is_unpacked(tmp_path):
    bomb = zip_bomb_docx(tmp_path / "bomb.docx")
    assert bomb.stat().st_size < 2**20
    run = _gongkai("parse", str(bomb), str(SEED))
    assert run.returncode == 1
    assert "bomb.docx: size of the unpacked DOCX" in run.stderr
    assert "over the limit of 100 MiB (max_inflated_mb)" in run.stderr
    assert "Traceback" not in run.stderr
    assert "·" in run.stdout  # the seed after it was still parsed and described


def test_ingest_refuses_the_zip_bomb_a_large_text_and_a_long_pdf_and_stores_the_rest(tmp_path):
    folder = tmp_path / "in"
    good = _seeds_into(folder)
    zip_bomb_docx(folder / "bomb.docx")
    (folder / "huge.txt").write_bytes(SEED.read_bytes() * (2 * 2**20 // SEED.stat().st_size + 1))  # > 2 MiB
    many_page_pdf(folder / "long.pdf", pages=12, rows=5)
    limits = Limits(max_file_mb=1, max_pages=10)
    result = ingest([folder], tmp_path / "data", workers=2, progress=False, passages=False, limits=limits)
    reasons = {Path(f.path).name: f for f in result.failed}
    assert set(reasons) == {"bomb.docx", "huge.txt", "long.pdf"}
    assert "over the limit of 100 MiB (max_inflated_mb)" in reasons["bomb.docx"].reason
    assert "file size: 2.0 MiB, over the limit of 1 MiB (max_file_mb)" in reasons["huge.txt"].reason
    assert "PDF pages: 12, over the limit of 10 (max_pages)" in reasons["long.pdf"].reason
    assert all(f.code == "limit" and "上限" in f.values["zh"] for f in reasons.values())
    assert _stored(tmp_path / "data") == {p.name for p in good}


def test_a_file_parsing_past_the_time_limit_is_killed_and_the_other_files_are_stored(tmp_path):
    folder = tmp_path / "in"
    good = _seeds_into(folder)
    many_page_pdf(folder / "slow.pdf", pages=150)  # about 40 s to parse on 2 busy cores
    limits = Limits(max_pages=0, parse_seconds=8)
    result = ingest([folder], tmp_path / "data", workers=2, progress=False, passages=False, limits=limits)
    assert [(Path(f.path).name, f.code) for f in result.failed] == [("slow.pdf", "limit")]
    assert "took longer than 8 s (limit parse_seconds = 8)" in result.failed[0].reason
    assert "解析超过8秒" in result.failed[0].values["zh"]
    assert _stored(tmp_path / "data") == {p.name for p in good}
    # gongkai parse: the same limit, the same reason, the next file still parsed.
    run = _gongkai("parse", "--max-pages", "0", "--parse-seconds", "8", str(folder / "slow.pdf"), str(SEED))
    assert run.returncode == 1
    assert "slow.pdf: took longer than 8 s" in run.stderr
    assert "·" in run.stdout


def _sleep_then(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


def test_run_bounded_kills_a_worker_past_the_limit_and_keeps_task_order():
    results = list(run_bounded(_sleep_then, [0.0, 600.0, 0.1, 0.0], 2, 5, lambda t: -1.0, lambda t: -2.0))
    assert results == [0.0, -1.0, 0.1, 0.0]


def test_an_upload_over_a_limit_fails_with_the_limit_in_both_languages(tmp_path):
    bomb = zip_bomb_docx(tmp_path / "bomb.docx")
    outcomes = ingest_uploads([("bomb.docx", bomb.read_bytes()), (SEED.name, SEED.read_bytes())],
                              tmp_path / "data", limit=20 * 2**20)
    assert [o.status for o in outcomes] == [FAILED, NEW]
    assert outcomes[0].code == "limit"
    assert "max_inflated_mb" in outcomes[0].values["en"] and "超过上限100 MiB" in outcomes[0].values["zh"]
    from gongkai.ui.plain_words import upload_reason

    said = {lang: upload_reason(outcomes[0].code, outcomes[0].values, outcomes[0].detail, lang) for lang in ("zh", "en")}
    assert said["zh"].startswith("DOCX解压后的大小为") and "超过上限100 MiB(max_inflated_mb)" in said["zh"]
    assert said["en"].startswith("size of the unpacked DOCX") and "over the limit of 100 MiB" in said["en"]


# ---------------------------------------------------------------------------
# Misleading reasons: deep nesting, a few bad bytes
# ---------------------------------------------------------------------------


def test_a_report_nested_10000_levels_deep_reads_whole(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
    page = ("<html><head><meta charset='utf-8'></head><body>" + "<div>" * 10_000 + body + "</div>" * 10_000
            + "</body></html>")
    report = parse_bytes(page.encode("utf-8"), "deep.html")
    assert cells_of(report) == cells_of(parse_bytes(SEED.read_bytes(), SEED.name))
    assert len(cells_of(report)) > 50


def _damaged(encoding: str, how: str) -> bytes:
    text = SEED.read_text(encoding="utf-8").rstrip()
    data = text.encode(encoding)
    if how == "cut":  # the last character cut in the middle of its bytes
        return data[:-1]
    middle = len(data) // 2
    while data[middle] < 0x80:
        middle += 1
    return data[:middle] + b"\xff" + data[middle + 1:]  # 0xFF starts no character in either


@pytest.mark.parametrize("encoding, how, replaced", [("utf-8", "cut", 2), ("utf-8", "flip", 3),
                                                     ("gbk", "cut", 1), ("gbk", "flip", 2)])
def test_a_few_bad_bytes_are_replaced_with_a_warning_counting_them(encoding, how, replaced):
    report = parse_bytes(_damaged(encoding, how), f"damaged.txt")
    assert cells_of(report) == cells_of(parse_bytes(SEED.read_bytes(), SEED.name))
    plural = "s" if replaced > 1 else ""
    assert any(w.startswith(f"encoding: {replaced} byte{plural} not valid") for w in report.warnings)


def test_the_replacement_warning_shows_in_gongkai_parse_and_is_stored_with_the_report(tmp_path):
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes(_damaged("gbk", "cut"))
    run = _gongkai("parse", str(damaged))
    assert run.returncode == 0, run.stderr
    assert "! encoding: 1 byte not valid gb18030 replaced by U+FFFD" in run.stdout
    ingest([damaged], tmp_path / "data", workers=1, progress=False, passages=False)
    with store.reading(tmp_path / "data") as con:
        (warnings,) = con.execute("SELECT warnings FROM reports").fetchone()
    assert any(w.startswith("encoding: 1 byte not valid gb18030") for w in warnings)


def test_a_file_with_much_damage_is_still_refused():
    data = bytearray(SEED.read_bytes())
    for i in range(100, len(data), 50):
        data[i] = 0xFF
    from parsing.errors import EncodingError

    with pytest.raises(EncodingError):
        parse_bytes(bytes(data), "garbled.txt")


def test_gongkai_parse_refuses_a_fifo_and_a_device_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")  # no writer: opening it for reading would block
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # would be read without end
    run = _gongkai("parse", str(tmp_path / "pipe.txt"), str(tmp_path / "zero.txt"), str(SEED), timeout=120)
    assert run.returncode == 1
    assert "pipe.txt: not a regular file" in run.stderr and "zero.txt: not a regular file" in run.stderr
    assert "·" in run.stdout
