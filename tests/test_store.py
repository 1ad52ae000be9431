"""The DuckDB store: schema, batch writes, replacement, safety of the working copy."""

from __future__ import annotations

from datetime import date

import pytest

from index.tables import store
from index.tables.level import report_level
from index.tables.sql import NotReadOnly, check_read_only
from index.tables.store import Batch, StoredReport
from parsing.record import Check, Region, Report, Section
from tests.conftest import ROOT


def make_report(report_id: str, agency: str = "Agency A", year: int = 2021, new_received: float = 5,
                failed: int = 0) -> Report:
    return Report(
        id=report_id, source=f"{report_id}.txt", agency=agency,
        region=Region(province="P", city="C", county=None, township=None), year=year,
        published="2022-01-15", template="2021", script="simplified",
        active_disclosure={"fees": {"amount_wan": 1.25}},
        applications={"new_received": {"natural_person": new_received, "total": new_received},
                      "denied.state_secret": {"total": 2}},
        review_litigation={"litigation_direct": {"total": 1}},
        sections=[Section(1, "overview", f"text of {report_id}"), Section(5, "problems", "more text")],
        checks=[Check("applications.balance.total", True, "5 = 5")]
        + [Check(f"narrative.rule{i}", False, "text says 3, table says 4") for i in range(failed)],
        warnings=["a warning"],
    )


def stored(report: Report, path: str | None = None, content_hash: str = "h") -> StoredReport:
    return StoredReport(report, report.to_json(), path or f"/files/{report.id}.txt", content_hash, "text", "")


def write(data, *reports: Report, delete: tuple[str, ...] = ()) -> None:
    batch = Batch()
    for report_id in delete:
        batch.remove(report_id)
    for report in reports:
        batch.add(stored(report))
        batch.sources[f"/files/{report.id}.txt"] = ("h", report.id)
    with store.open_write(data) as con:
        store.write_batch(con, batch)


def query(data, sql: str, params: list | None = None) -> list[tuple]:
    with store.reading(data) as con:
        return con.execute(sql, params or []).fetchall()


def test_a_batch_fills_every_table(tmp_path):
    write(tmp_path, make_report("r1", failed=2), make_report("r2", agency="Agency B", year=2020))
    assert query(tmp_path, "SELECT count(*) FROM reports") == [(2,)]
    row = query(tmp_path, "SELECT agency, year, published, n_failed_checks, warnings, record->>'$.id', "
                          "source_path, format FROM reports WHERE report_id = 'r1'")
    assert row == [("Agency A", 2021, date(2022, 1, 15), 2, ["a warning"], "r1",
                    "/files/r1.txt", "text")]
    cells = query(tmp_path, 'SELECT "table", "row", "column", value FROM cells WHERE report_id = ? '
                            'ORDER BY "table", "row", "column"', ["r1"])
    assert ("applications", "denied.state_secret", "total", 2.0) in cells
    assert ("active_disclosure", "fees", "amount_wan", 1.25) in cells
    assert len(cells) == 5
    assert query(tmp_path, "SELECT no, title FROM sections WHERE report_id = 'r2' ORDER BY no") == [
        (1, "overview"), (5, "problems")]
    assert query(tmp_path, "SELECT count(*) FROM checks WHERE report_id = 'r1' AND NOT ok") == [(2,)]
    assert query(tmp_path, "SELECT report_id FROM sources ORDER BY 1") == [("r1",), ("r2",)]


def test_metrics_has_one_column_per_template_cell(tmp_path):
    write(tmp_path, make_report("r1", new_received=7))
    row = query(tmp_path, "SELECT agency, year, applications__new_received__total, "
                          "applications__denied_state_secret__total, review_litigation__litigation_direct__total, "
                          "active_disclosure__fees__amount_wan, review_litigation__review__total FROM metrics")
    assert row == [("Agency A", 2021, 7.0, 2.0, 1.0, 1.25, None)]
    columns = {name for (name,) in query(tmp_path, "SELECT column_name FROM information_schema.columns "
                                                   "WHERE table_name = 'metrics'")}
    # Both templates: a 2019-only cell and a 2021-only cell.
    assert {"active_disclosure__procurement__amount_wan", "applications__other_other__total",
            "applications__other__total", "active_disclosure__regulations__in_force"} <= columns
    assert len(store.METRICS) == len(set(store.METRICS))


def test_delete_then_insert_replaces_a_report(tmp_path):
    write(tmp_path, make_report("r1", new_received=5), make_report("r2"))
    write(tmp_path, make_report("r1", new_received=9), delete=("r1",))
    assert query(tmp_path, "SELECT count(*) FROM reports") == [(2,)]
    assert query(tmp_path, "SELECT applications__new_received__total FROM metrics WHERE report_id = 'r1'") == [(9.0,)]
    assert query(tmp_path, "SELECT count(*) FROM cells WHERE report_id = 'r1'") == [(5,)]
    write(tmp_path, delete=("r2",))
    assert query(tmp_path, "SELECT report_id FROM reports") == [("r1",)]
    for table in ("cells", "sections", "checks", "metrics"):
        assert query(tmp_path, f"SELECT count(*) FROM {table} WHERE report_id = 'r2'") == [(0,)]


def test_batch_remove_forgets_a_report_added_in_the_same_batch():
    batch = Batch()
    batch.add(stored(make_report("r1")))
    batch.remove("r1")
    batch.remove("r0")
    assert batch.reports == {} and batch.delete == {"r0"}


def test_a_failed_write_leaves_the_previous_store(tmp_path):
    write(tmp_path, make_report("r1"))
    with pytest.raises(RuntimeError):
        with store.open_write(tmp_path) as con:
            store.write_batch(con, Batch(delete={"r1"}))
            raise RuntimeError("disk full")
    assert query(tmp_path, "SELECT report_id FROM reports") == [("r1",)]
    assert not (tmp_path / "store.duckdb.new").exists()


def test_a_stale_working_copy_is_replaced(tmp_path):
    write(tmp_path, make_report("r1"))
    (tmp_path / "store.duckdb.new").write_bytes(b"half a database")
    write(tmp_path, make_report("r2"))
    assert query(tmp_path, "SELECT count(*) FROM reports") == [(2,)]


def test_one_writer_at_a_time(tmp_path):
    with store.open_write(tmp_path):
        with pytest.raises(store.StoreBusy, match="Another ingest is writing"):
            with store.open_write(tmp_path):
                pass


def test_readers_are_read_only_and_cannot_touch_files(tmp_path):
    write(tmp_path, make_report("r1"))
    con = store.open_read(tmp_path)
    try:
        with pytest.raises(Exception, match="read-only"):
            con.execute("DELETE FROM reports")
        with pytest.raises(Exception, match="disabled by configuration"):
            con.execute(f"COPY reports TO '{tmp_path / 'x.csv'}'")
    finally:
        con.close()


def test_stored_records_read_back_as_reports(tmp_path):
    reports = [make_report("r1", failed=1), make_report("r2", year=2020)]
    write(tmp_path, *reports)
    with store.reading(tmp_path) as con:
        back = list(store.iter_reports(con, ["r2", "missing", "r1"]))
    assert [r.to_dict() for r in back] == [reports[1].to_dict(), reports[0].to_dict()]


def test_no_store_is_a_clear_error(tmp_path):
    with pytest.raises(store.NoCorpus, match="run `gongkai ingest PATH --data"):
        store.open_read(tmp_path / "nowhere")


def test_summary_counts(tmp_path):
    write(tmp_path, make_report("r1", failed=1), make_report("r2", year=2020))
    with store.reading(tmp_path) as con:
        held = store.summary(con)
    assert (held.reports, held.sources, held.cells, held.sections) == (2, 2, 10, 4)
    assert held.reports_with_failed_checks == 1
    assert held.years == {2020: 1, 2021: 1}


@pytest.mark.parametrize("sql", [
    "SELECT 1", "  with a AS (SELECT 1) SELECT * FROM a", "DESCRIBE reports", "SHOW TABLES",
    "SUMMARIZE cells", "FROM reports", "EXPLAIN SELECT 1", "select 1;",
])
def test_read_only_statements_pass(sql):
    assert check_read_only(sql)


@pytest.mark.parametrize("sql, message", [
    ("DELETE FROM reports", "not DELETE"),
    ("INSERT INTO reports VALUES (1)", "not INSERT"),
    ("DROP TABLE cells", "not DROP"),
    ("PRAGMA version", "not PRAGMA"),
    ("ATTACH 'x.db'", "not ATTACH"),
    ("COPY reports TO 'x.csv'", "not COPY"),
    ("SET threads = 1", "not SET"),
    ("SELECT 1; DELETE FROM reports", "exactly one SQL statement"),
    ("SELEC 1", "does not parse"),
])
def test_other_statements_are_refused(sql, message):
    with pytest.raises(NotReadOnly, match=message):
        check_read_only(sql)


@pytest.mark.parametrize("agency, region, level", [
    ("某省人民政府办公厅", Region(province="某省"), "province"),
    ("某市人民政府", Region(province="某省", city="某市"), "city"),
    ("某市某区人民政府办公室", Region(province="某省", city="某市", county="某区"), "county"),
    ("某某县人民政府", Region(province="某省", city="某市", county="某某县"), "county"),
    # A development zone is county-level although the region stops at its city.
    ("某某高新区", Region(province="某省", city="某市"), "county"),
    ("某某镇", Region(province="某省", city="某市", township="某某镇"), "township"),
    ("某某苏木", Region(), "township"),
    ("某某街道办事处", Region(city="某市", county="某区", township="某某街道"), "township"),
    ("某市教育局", Region(province="某省", city="某市"), "department"),
    ("某市卫生健康委员会", Region(city="某市"), "department"),
    (None, Region(province="某省", city="某市", county="某县"), "county"),
    (None, Region(), "unknown"),
])
def test_report_level(agency, region, level):
    assert report_level(agency, region) == level


def test_stated_figures_of_a_pre_2019_report_are_stored_with_their_sentence(tmp_path):
    """A 2015 report (no national template) keeps the figures it states, never as cells."""
    from corpus.ingest import ingest

    real = ROOT.parent / "shared" / "real" / "crawl" / "14.txt"
    report_file = tmp_path / "files" / "2015.txt"
    report_file.parent.mkdir()
    report_file.write_bytes(real.read_bytes())
    data = tmp_path / "data"
    assert not ingest([report_file.parent], data, workers=1, progress=False, passages=False).failed
    with store.reading(data) as con:
        assert con.execute("SELECT count(*) FROM cells").fetchone() == (0,)
        # Read in the report: "2015年全区未收到有关政府信息公开申请。", and its table's 2015 column 0.
        rows = con.execute("SELECT source, value, unit, quote, national_table FROM stated_figures "
                           "WHERE field = 'requests.received' AND period = 'year' ORDER BY source").fetchall()
        assert [(r[0], r[1], r[4]) for r in rows] == [("local_table", 0.0, False), ("prose", 0.0, False)]
        assert "2015年全区未收到有关政府信息公开申请" in rows[1][3]
        # 主动公开: 2949 this year in the prose and the local table, 81916 counted since the start.
        published = set(con.execute("SELECT period, value FROM stated_figures WHERE field = 'active.published'"
                                    ).fetchall())
        assert {("year", 2949.0), ("cumulative", 81916.0)} <= published
        first = con.execute("SELECT count(*) FROM stated_figures").fetchone()[0]
    # A changed file replaces its report's figures rather than adding to them.
    report_file.write_bytes(real.read_bytes() + "\n（完）\n".encode())
    ingest([report_file.parent], data, workers=1, progress=False, passages=False)
    with store.reading(data) as con:
        in_record = con.execute("SELECT json_array_length(record->'$.stated_figures') FROM reports").fetchall()
        assert len(in_record) == 1 and in_record[0][0] > 0
        assert con.execute("SELECT count(*), count(DISTINCT report_id) FROM stated_figures").fetchone() == (
            in_record[0][0], 1)
    assert first > 0
