"""``gongkai ingest``, ``gongkai sql`` and ``gongkai export`` in-process with click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import shutil

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from tests.conftest import seed_path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, seeds_dir):
    """The seeds ingested once through the CLI; the data folder and the command's output."""
    data = tmp_path_factory.mktemp("cli_corpus")
    result = CliRunner().invoke(cli, ["ingest", str(seeds_dir), "--data", str(data), "--workers", "2"])
    return data, result


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_ingest_prints_a_summary(corpus, seeds_dir):
    data, result = corpus
    assert result.exit_code == 0, result.output
    assert "5 new, 0 updated, 0 unchanged, 0 same report as another file, 0 failed" in result.output
    assert "Failed checks (2 in 2 reports):" in result.output
    assert "narrative.active_disclosure.normative_documents.repealed" in result.output
    assert f"Corpus {data}: 5 reports from 5 files, 998 cells." in result.output

    again = run("ingest", str(seeds_dir), "--data", str(data), "--quiet")
    assert again.exit_code == 0, again.output
    assert "0 new, 0 updated, 5 unchanged" in again.output


def test_ingest_reads_the_data_folder_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_DATA", str(tmp_path / "env_data"))
    result = run("ingest", str(seed_path("003")), "--workers", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env_data" / "store.duckdb").exists()
    listed = run("sql", "SELECT agency, year FROM reports", "--csv")
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines()[1] == "宝力根苏木,2023"


def test_ingest_lists_failures_and_stores_the_rest(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    shutil.copy(seed_path("004"), files / "good.txt")
    (files / "empty.txt").write_bytes(b"")
    result = run("ingest", str(files), "--data", str(tmp_path / "data"), "--workers", "1", "--quiet")
    assert result.exit_code == 1
    assert "1 new, 0 updated, 0 unchanged, 0 same report as another file, 1 failed" in result.output
    assert f"Failed:\n  {files / 'empty.txt'}: empty file" in result.output
    count = run("sql", "SELECT count(*) AS n FROM reports", "--data", str(tmp_path / "data"), "--csv")
    assert count.output == "n\n1\n"


def test_a_report_whose_agency_cannot_be_read_is_said_and_named_no_agency(tmp_path):
    # The 越城区 seed cut before its section 四: the sections that name the agency in full are
    # gone, and "建立区府办、司法局…" must not make an agency called 建立区人民政府办公室.
    text = seed_path("000").read_text(encoding="utf-8")
    cut = tmp_path / "cut.txt"
    cut.write_text(text[:text.index("四、")], encoding="utf-8")
    result = run("ingest", str(cut), "--data", str(tmp_path / "data"), "--workers", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert "1 report(s) name no agency that could be read; they are stored without one: cut.txt" in result.output
    stored = run("sql", "SELECT agency, year FROM reports", "--data", str(tmp_path / "data"), "--csv")
    assert stored.output == "agency,year\n,2021\n"


def test_sql_prints_an_aligned_table(corpus):
    data, _ = corpus
    result = run("sql", "SELECT agency, year, applications__new_received__total AS new_received "
                        "FROM metrics ORDER BY new_received DESC LIMIT 2", "--data", str(data))
    assert result.exit_code == 0, result.output
    header, first, second = result.output.splitlines()
    assert header.split() == ["agency", "year", "new_received"]
    assert first.split() == ["绍兴市越城区人民政府办公室", "2021", "36"]
    assert second.split() == ["将乐县人民政府办公室", "2024", "5"]
    # Columns line up in a terminal, where a Chinese character is two columns wide.
    assert len({_width(line) for line in (header, first, second)}) == 1


def _width(line: str) -> int:
    return sum(2 if "\u4e00" <= ch <= "\u9fff" else 1 for ch in line)


def test_sql_csv_with_quoted_cell_columns(corpus):
    data, _ = corpus
    result = run("sql", """SELECT r.year, c."row", c.value FROM cells c JOIN reports r USING (report_id)
                           WHERE c."table" = 'active_disclosure' AND c."row" = 'procurement'
                           ORDER BY c."column" """, "--data", str(data), "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows == [["year", "row", "value"], ["2019", "procurement", "2191.563"], ["2019", "procurement", "120.0"]]


def test_sql_refuses_writes_with_the_reason(corpus):
    data, _ = corpus
    result = run("sql", "DELETE FROM reports", "--data", str(data))
    assert result.exit_code == 1
    assert "Only SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE and EXPLAIN are allowed here, not DELETE" in result.output
    assert run("sql", "SELECT count(*) FROM reports", "--data", str(data), "--csv").output == "count_star()\n5\n"


def test_sql_without_a_corpus_says_what_to_do(tmp_path):
    result = run("sql", "SELECT 1", "--data", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert f"No corpus in {tmp_path / 'none'}: run `gongkai ingest PATH --data {tmp_path / 'none'}` first." in result.output


def test_sql_errors_are_shown(corpus):
    data, _ = corpus
    result = run("sql", "SELECT nothing FROM reports", "--data", str(data))
    assert result.exit_code == 1
    assert "SQL error" in result.output and "nothing" in result.output


def test_export_csv(corpus, tmp_path):
    data, _ = corpus
    result = run("export", "--data", str(data), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["cells.csv", "checks.csv", "metrics.csv", "reports.csv", "sections.csv", "sources.csv",
                     "stated_figures.csv"]
    with open(tmp_path / "out" / "metrics.csv", encoding="utf-8-sig") as f:
        metrics = list(csv.DictReader(f))
    assert len(metrics) == 5
    by_agency = {row["agency"]: row for row in metrics}
    assert float(by_agency["将乐县人民政府办公室"]["applications__new_received__total"]) == 5
    with open(tmp_path / "out" / "cells.csv", encoding="utf-8") as f:
        assert sum(1 for _ in f) == 998 + 1


def test_export_parquet(corpus, tmp_path):
    data, _ = corpus
    result = run("export", "--data", str(data), "--out", str(tmp_path / "out"), "--format", "parquet")
    assert result.exit_code == 0, result.output
    reports = pq.read_table(tmp_path / "out" / "reports.parquet").to_pylist()
    assert len(reports) == 5
    assert {r["year"] for r in reports} == {2019, 2021, 2022, 2023, 2024}
    assert all(isinstance(r["warnings"], list) for r in reports)
    assert pq.read_table(tmp_path / "out" / "cells.parquet").num_rows == 998


def test_export_xlsx(corpus, tmp_path):
    data, _ = corpus
    result = run("export", "--data", str(data), "--out", str(tmp_path / "out"), "--format", "xlsx")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "out" / "gongkai.xlsx", read_only=True)
    assert book.sheetnames == ["reports", "sources", "cells", "sections", "checks", "metrics", "stated_figures"]
    # Written row by row, the sheets carry no dimension: count the rows themselves.
    assert sum(1 for _ in book["cells"].iter_rows()) == 998 + 1
    metrics = pd.read_excel(tmp_path / "out" / "gongkai.xlsx", sheet_name="metrics")
    by_agency = metrics.set_index("agency")
    assert by_agency.loc["将乐县人民政府办公室", "applications__new_received__total"] == 5
    header = [c.value for c in next(book["reports"].iter_rows(max_row=1))]
    assert "agency" in header and "record" not in header


def test_export_csv_opens_in_excel_without_the_record_and_tells_progress(corpus, tmp_path):
    data, _ = corpus
    out = tmp_path / "out"
    result = run("export", "--data", str(data), "--out", str(out))
    assert result.exit_code == 0, result.output
    for path in out.iterdir():  # a byte-order mark: Excel then reads the file as UTF-8
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path.name
    with open(out / "reports.csv", encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    assert header[:2] == ["report_id", "agency"] and "record" not in header
    # Progress on stderr, table by table, with the rows written.
    assert "cells: writing 998 rows …" in result.stderr and "cells: 998 rows written" in result.stderr
    assert "stated_figures: no rows" in result.stderr
    assert "cells: " not in result.stdout

    quiet = run("export", "--data", str(data), "--out", str(out), "--with-record", "--quiet")
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr == ""
    with open(out / "reports.csv", encoding="utf-8-sig") as f:
        reports = list(csv.DictReader(f))
    records = {r["agency"]: json.loads(r["record"]) for r in reports}
    assert records["将乐县人民政府办公室"]["applications"]["new_received"]["total"] == 5


def test_export_chinese_headers(corpus, tmp_path):
    data, _ = corpus
    out = tmp_path / "out"
    result = run("export", "--data", str(data), "--out", str(out), "--headers", "zh", "--quiet")
    assert result.exit_code == 0, result.output
    with open(out / "reports.csv", encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    assert header[:7] == ["报告编号", "机关", "省", "市", "县区", "乡镇街道", "层级"]
    with open(out / "metrics.csv", encoding="utf-8-sig") as f:
        metrics = list(csv.DictReader(f))
    # The template's words for 三、(一)本年新收政府信息公开申请数量 · 总计.
    received = next(h for h in metrics[0] if "本年新收" in h and h.endswith("总计"))
    by_agency = {row["机关"]: row for row in metrics}
    assert float(by_agency["将乐县人民政府办公室"][received]) == 5
    assert all("__" not in h for h in metrics[0]), [h for h in metrics[0] if "__" in h]
    # Each cell is named beside its keys, as the metrics column of the same cell is.
    with open(out / "cells.csv", encoding="utf-8-sig") as f:
        cells = list(csv.DictReader(f))
    assert list(cells[0]) == ["报告编号", "表格", "行", "列", "数值", "单元格名称"]
    assert all(c["单元格名称"] for c in cells) and len(cells) == 998
    named = {c["单元格名称"] for c in cells if (c["表格"], c["行"], c["列"]) == ("applications", "new_received", "total")}
    assert named == {received}

    english = run("export", "--data", str(data), "--out", str(out), "--headers", "en", "--format", "xlsx",
                  "--quiet")
    assert english.exit_code == 0, english.output
    book = openpyxl.load_workbook(out / "gongkai.xlsx", read_only=True)
    header = [c.value for c in next(book["cells"].iter_rows(max_row=1))]
    assert header == ["report ID", "table", "row", "column", "value", "cell name"]


def test_export_xlsx_refuses_the_record(corpus, tmp_path):
    data, _ = corpus
    result = run("export", "--data", str(data), "--out", str(tmp_path), "--format", "xlsx", "--with-record")
    assert result.exit_code == 1
    assert "The whole record does not fit an Excel cell" in result.output
    assert "--format csv" in result.output


def test_export_unknown_format_is_refused(corpus):
    data, _ = corpus
    result = run("export", "--data", str(data), "--format", "json")
    assert result.exit_code == 2
    assert "'json' is not one of 'csv', 'parquet', 'xlsx'" in result.output


def test_export_xlsx_keeps_text_that_looks_like_a_formula(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    shutil.copy(seed_path("004"), files / "=1+1.txt")  # a file name is stored as the report's source
    data = tmp_path / "data"
    assert run("ingest", str(files), "--data", str(data), "--workers", "1", "--quiet").exit_code == 0
    result = run("export", "--data", str(data), "--out", str(tmp_path / "out"), "--format", "xlsx", "--quiet")
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "out" / "gongkai.xlsx")["reports"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("source") + 1)
    assert (cell.value, cell.data_type) == ("=1+1.txt", "s")
