"""Typed queries on real stores: the ingested seeds, and a demo corpus with planted defects."""

from __future__ import annotations

import math

import pytest

from corpus.demo import read_manifest, write_corpus
from corpus.ingest import ingest
from index.tables import store
from index.tables.metrics import catalogue
from index.tables.query import Compare, InvalidQuery, QuerySpec, Rank, Threshold, run
from index.tables.resolve import AgencyIndex, UnknownAgency

YUECHENG = "绍兴市越城区人民政府办公室"
JIANGLE = "将乐县人民政府办公室"
ANKANG = "安康高新区"
DAYONG = "中山市大涌镇"
BAOLIGEN = "宝力根苏木"


@pytest.fixture(scope="module")
def con(seeds_store):
    connection = store.open_read(seeds_store)
    yield connection
    connection.close()


def rows(result, *columns: str) -> list[tuple]:
    """The frame's rows as tuples of the given columns; NaN as None so that rows compare."""
    out = []
    for record in result.frame[list(columns)].itertuples(index=False):
        out.append(tuple(None if isinstance(v, float) and math.isnan(v) else v for v in record))
    return out


LITIGATION = "review_litigation.litigation.total"
REQUESTS = "applications.new_received.total"
PENALTY = "active_disclosure.penalty.decisions"

CASES = [
    # (id, spec, columns, expected rows)
    ("litigation of 越城区 in 2021",
     QuerySpec(metrics=[LITIGATION], years=[2021], agencies=["越城区"]),
     ("agency", "year", LITIGATION), [(YUECHENG, 2021, 3.0)]),
    ("requests of 将乐县 in 2024",
     QuerySpec(metrics=[REQUESTS], years=[2024], agencies=["将乐县"]),
     ("agency", REQUESTS), [(JIANGLE, 5.0)]),
    ("requests of Jiangle County, English name",
     QuerySpec(metrics=[REQUESTS], agencies=["Jiangle County"]),
     ("agency", REQUESTS), [(JIANGLE, 5.0)]),
    ("ranking of penalties",
     QuerySpec(metrics=[PENALTY], rank=Rank(top_n=3)),
     ("rank", "agency", PENALTY), [(1, DAYONG, 191.0), (2, ANKANG, 51.0), (3, BAOLIGEN, 2.0)]),
    ("ranking, lowest first, ties share a rank",
     QuerySpec(metrics=[PENALTY], rank=Rank(order="asc", top_n=3)),
     ("rank", PENALTY), [(1, 0.0), (1, 0.0), (3, 2.0)]),
    ("year range",
     QuerySpec(metrics=[REQUESTS], year_from=2022, year_to=2023),
     ("agency", "year", REQUESTS), [(DAYONG, 2022, 4.0), (BAOLIGEN, 2023, 0.0)]),
    ("region filter by resolved name",
     QuerySpec(metrics=[REQUESTS], region={"province": "浙江"}),
     ("agency", REQUESTS), [(YUECHENG, 36.0)]),
    ("level filter",
     QuerySpec(metrics=[REQUESTS], level="township"),
     ("agency", REQUESTS), [(DAYONG, 4.0), (BAOLIGEN, 0.0)]),
    ("template filter",
     QuerySpec(metrics=[LITIGATION], template="2019"),
     ("agency", LITIGATION), [(ANKANG, 3.0)]),
    ("threshold on each report",
     QuerySpec(metrics=[REQUESTS], threshold=Threshold(REQUESTS, ">", 3)),
     ("agency", REQUESTS), [(YUECHENG, 36.0), (DAYONG, 4.0), (JIANGLE, 5.0)]),
    ("count of reports over a threshold",
     QuerySpec(metrics=[LITIGATION], aggregate="count", threshold=Threshold(LITIGATION, ">=", 3)),
     ("reports",), [(2,)]),
    ("sum over every report",
     QuerySpec(metrics=[LITIGATION], aggregate="sum"),
     ("reports", LITIGATION, LITIGATION + "__reports"), [(5, 6.0, 5)]),
    ("group by level with a threshold on the group",
     QuerySpec(metrics=[REQUESTS], group_by="level", thresholds=[Threshold(REQUESTS, ">", 10, scope="group")]),
     ("level", REQUESTS), [("county", 43.0)]),
    ("average by level",
     QuerySpec(metrics=[REQUESTS], group_by="level", aggregate="avg"),
     ("level", REQUESTS), [("county", pytest.approx(43 / 3)), ("township", 2.0)]),
    ("maximum by template",
     QuerySpec(metrics=[PENALTY], group_by=["template"], aggregate="max"),
     ("template", PENALTY), [("2019", 51.0), ("2021", 191.0)]),
    ("compare two agencies in the order given",
     QuerySpec(metrics=[REQUESTS], compare=Compare("agency", ["将乐县", "越城区"])),
     ("agency", REQUESTS, REQUESTS + "__vs_first"), [(JIANGLE, 5.0, 0.0), (YUECHENG, 36.0, 31.0)]),
    ("compare years",
     QuerySpec(metrics=[REQUESTS], compare=Compare("year", [2024, 2021])),
     ("year", REQUESTS), [(2024, 5.0), (2021, 36.0)]),
    ("trend over years with year-on-year change",
     QuerySpec(metrics=[REQUESTS], trend=True, year_from=2021),
     ("year", REQUESTS, REQUESTS + "__change"), [(2021, 36.0, None), (2022, 4.0, -32.0), (2023, 0.0, -4.0),
                                                  (2024, 5.0, 5.0)]),
    ("pooled share granted by level",
     QuerySpec(metrics=["applications.granted_share.total"], group_by="level"),
     ("level", "applications.granted_share.total"), [("county", pytest.approx(100 * 25 / 44)),
                                                    ("township", 100.0)]),
    ("failed narrative checks, one row per check",
     QuerySpec(failed_checks="narrative"),
     ("agency", "rule"), [(ANKANG, "narrative.review_litigation.litigation.total"),
                          (JIANGLE, "narrative.active_disclosure.normative_documents.repealed")]),
    ("reports with failed checks as a filter",
     QuerySpec(metrics=[REQUESTS], failed_checks="any"),
     ("agency",), [(ANKANG,), (JIANGLE,)]),
    ("no failed balance checks in the seeds",
     QuerySpec(failed_checks="balance"),
     ("agency",), []),
]


@pytest.mark.parametrize("spec, columns, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_spec_rows(con, spec, columns, expected):
    result = run(con, spec)
    assert rows(result, *columns) == expected


@pytest.mark.parametrize("spec", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_user_values_travel_as_parameters(con, spec):
    result = run(con, spec)
    assert "'" not in result.sql  # no literal at all: every value is a $parameter
    for name in [*spec.agencies, *spec.region.values(), *(spec.compare.values if spec.compare else [])]:
        assert str(name) not in result.sql
    for year in [*spec.years, spec.year_from, spec.year_to]:
        assert year is None or str(year) not in result.sql
    assert all(f"${name}" in result.sql for name in result.params)


def test_hostile_names_never_reach_the_sql(con):
    with pytest.raises(UnknownAgency):
        run(con, QuerySpec(metrics=[REQUESTS], agencies=["x'); DROP TABLE reports; --"]))
    result = run(con, QuerySpec(metrics=[REQUESTS], agencies=[YUECHENG + "'--"]))
    assert "--" not in result.sql and len(result.frame) == 1


def test_sums_agree_with_the_parsed_reports(con, seed_reports):
    """Every cell metric summed over the store equals the sum of the parsed seeds' cells."""
    cells = [m for m in catalogue().values() if m.kind == "cell"][:60]
    result = run(con, QuerySpec(metrics=[m.key for m in cells], aggregate="sum"))
    for metric in cells:
        values = [r.cell(*metric.cells[0]) for r in seed_reports.values()]
        present = [v for v in values if v is not None]
        assert result.frame[metric.key + "__reports"].iloc[0] == len(present)
        total = result.frame[metric.key].iloc[0]
        assert (math.isnan(total) if not present else total == pytest.approx(sum(present))), metric.key


def test_a_lookup_of_an_absent_cell_says_absent_not_zero(con):
    result = run(con, QuerySpec(metrics=["active_disclosure.normative_documents.issued"], agencies=[ANKANG]))
    assert math.isnan(result.frame["active_disclosure.normative_documents.issued"].iloc[0])
    assert len(result.warnings) == 1
    assert "only in the 2021 template" in result.warnings[0] and "absent (not 0)" in result.warnings[0]
    assert "newly made this year" in result.warnings[0]
    assert "本年新制作数量" in result.warnings_zh[0]
    assert result.cells == [{"report_id": result.frame["report_id"].iloc[0], "source": "002_15842fbe8c410670.txt",
                             "agency": ANKANG, "year": 2019, "field": "active_disclosure.normative_documents.issued",
                             "value": None}]


def test_metrics_of_different_templates_are_never_mixed(con):
    issued, made = "active_disclosure.normative_documents.issued", "active_disclosure.normative_documents.new_made"
    result = run(con, QuerySpec(metrics=[issued, made], trend=True))
    by_year = {row.year: (row[2], row[4]) for row in result.frame.itertuples(index=False)}
    assert by_year[2019][1] == 14.0 and math.isnan(by_year[2019][0])
    assert by_year[2021][0] == 21.0 and math.isnan(by_year[2021][1])
    assert any("never added" in w for w in result.warnings)
    assert any("1 report(s) on the 2019 template (2019) lack it and are left out" in w for w in result.warnings)
    assert any("4 report(s) on the 2021 template (2021–2024)" in w for w in result.warnings)


@pytest.mark.parametrize("metric", ["active_disclosure.fees.amount_wan", "applications.granted_share.total",
                                    "active_disclosure.procurement.amount_wan"])
def test_coverage_counted_in_the_frame_matches_coverage_counted_in_sql(con, metric):
    listed = run(con, QuerySpec(metrics=[metric]))
    ranked = run(con, QuerySpec(metrics=[metric], rank=Rank(top_n=100)))
    assert listed.warnings == ranked.warnings and listed.warnings_zh == ranked.warnings_zh
    assert listed.warnings


@pytest.mark.parametrize("metric", ["applications.granted_share.total", REQUESTS, LITIGATION])
def test_grouped_coverage_counted_in_the_result_matches_coverage_counted_in_sql(con, metric):
    grouped = run(con, QuerySpec(metrics=[metric], group_by="level"))
    ranked = run(con, QuerySpec(metrics=[metric], group_by="level", rank=Rank(top_n=100)))
    assert grouped.warnings == ranked.warnings and grouped.warnings_zh == ranked.warnings_zh


def test_no_matching_report_is_said_not_shown_as_zero(con):
    result = run(con, QuerySpec(metrics=[REQUESTS], agencies=["越城区"], years=[2020]))
    assert result.frame.empty
    assert result.warnings == ["No report in the corpus matches these conditions."]
    total = run(con, QuerySpec(metrics=[REQUESTS], years=[2020], aggregate="sum"))
    assert total.frame["reports"].tolist() == [0] and math.isnan(total.frame[REQUESTS].iloc[0])
    assert total.warnings[0] == "No report in the corpus matches these conditions."


def test_fees_in_wan_and_fee_items_are_not_added(con):
    result = run(con, QuerySpec(metrics=["active_disclosure.fees.amount_wan"], aggregate="sum"))
    assert result.frame["active_disclosure.fees.amount_wan__reports"].iloc[0] == 4
    (warning,) = result.warnings
    assert "1 report(s) on the 2019 template" in warning and "(件)" in warning


def test_provenance_names_each_stored_cell(con):
    result = run(con, QuerySpec(metrics=[LITIGATION], years=[2021], agencies=["越城区"]))
    assert [(c["field"], c["value"]) for c in result.cells] == [
        ("review_litigation.litigation_direct.total", 1.0),
        ("review_litigation.litigation_after_review.total", 2.0),
    ]
    assert {c["source"] for c in result.cells} == {"000_9b265bb38da02cc5.txt"}


def test_a_kept_agency_index_gives_the_same_result(seeds_store):
    """Queries with the caller's agency index (as a loaded corpus runs them) and without it agree."""
    data = seeds_store
    spec = QuerySpec(metrics=[LITIGATION, REQUESTS], agencies=["越城区"], trend=True)
    con = store.open_read(data)
    try:
        alone = run(con, spec)
        kept = run(con, spec, AgencyIndex.from_store(con))
    finally:
        con.close()
    assert kept.cells == alone.cells and kept.warnings == alone.warnings
    assert kept.frame.equals(alone.frame)
    assert [m.agency for m in kept.resolved] == [m.agency for m in alone.resolved] == ["绍兴市越城区人民政府办公室"]


def test_grouped_provenance_cites_the_reports_summed(con):
    result = run(con, QuerySpec(metrics=[REQUESTS], group_by="level"))
    assert sorted(c["agency"] for c in result.cells) == sorted([YUECHENG, JIANGLE, ANKANG, DAYONG, BAOLIGEN])


def test_each_step_is_described_in_both_languages(con):
    result = run(con, QuerySpec(metrics=[LITIGATION], years=[2021], agencies=["越城区"]))
    assert [s.en for s in result.steps][:2] == [
        "Year is 2021.",
        "“越城区” was read as 绍兴市越城区人民政府办公室 (without province or city, confidence 0.90).",
    ]
    assert result.steps[0].zh == "年份为2021年。"
    assert "省略省市" in result.steps[1].zh
    assert result.description_zh in result.description and result.description_en in result.description
    assert result.resolved[0].agency == YUECHENG


@pytest.mark.parametrize("spec, message", [
    (QuerySpec(metrics=[REQUESTS], group_by="colour"), "Cannot group by 'colour'"),
    (QuerySpec(metrics=[REQUESTS], aggregate="median"), "Unknown aggregate"),
    (QuerySpec(metrics=[REQUESTS], threshold=Threshold(REQUESTS, "=>", 3)), "Unknown comparison"),
    (QuerySpec(metrics=[REQUESTS], threshold=Threshold(REQUESTS, ">", 3, scope="group")), "needs group_by"),
    (QuerySpec(metrics=[REQUESTS], level="village"), "Unknown level"),
    (QuerySpec(metrics=[REQUESTS], failed_checks="spelling"), "Unknown check family"),
    (QuerySpec(metrics=[REQUESTS], rank=Rank(top_n=0)), "top_n"),
])
def test_bad_specs_are_clear_errors(con, spec, message):
    with pytest.raises(InvalidQuery, match=message):
        run(con, spec)


# ---------------------------------------------------------------------------
# The demo corpus: the defects it plants are the ones the queries find
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    files = tmp_path_factory.mktemp("demo") / "files"
    write_corpus(files, n_agencies=10, years=range(2019, 2025), seed=3,
                 shares={"unbalanced": 0.3, "narrative_conflict": 0.3, "copied_narrative": 0.0})
    data = tmp_path_factory.mktemp("demo") / "data"
    result = ingest([files], data, workers=2, progress=False, passages=False)
    assert not result.failed
    connection = store.open_read(data)
    yield connection, read_manifest(files)
    connection.close()


def _failed(con, family: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in run(con, QuerySpec(failed_checks=family)).frame.itertuples(index=False):
        found.setdefault(row.source, set()).add(row.rule)
    return found


def test_planted_defects_are_found(demo):
    con, manifest = demo
    unbalanced = {e["file"]: set(d["rules"]) for e in manifest for d in e["defects"] if d["kind"] == "unbalanced"}
    conflicts = {e["file"] for e in manifest for d in e["defects"] if d["kind"] == "narrative_conflict"}
    assert len(unbalanced) >= 5 and len(conflicts) >= 5
    sums = {}
    for family in ("balance", "row_total", "processed_total", "review"):
        for source, rules in _failed(con, family).items():
            sums.setdefault(source, set()).update(rules)
    assert sums == unbalanced
    assert set(_failed(con, "narrative")) == conflicts
    assert set(_failed(con, "any")) == set(unbalanced) | conflicts
