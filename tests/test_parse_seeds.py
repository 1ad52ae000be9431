"""Every cell, the metadata and the checks of the five seed reports, asserted exactly.

The expected values were transcribed by hand from the seed texts in ../shared/seeds.
"""

from __future__ import annotations

import pytest

from parsing.template import APPLICANT_COLUMNS, REVIEW_LITIGATION, TEMPLATES

APPLICANTS = [c.key for c in APPLICANT_COLUMNS]
OUTCOMES = [c.key for c in REVIEW_LITIGATION.columns]
RESULT_ROWS_2021 = [r.key for r in TEMPLATES["2021"].tables["applications"].rows]
RESULT_ROWS_2019 = [r.key for r in TEMPLATES["2019"].tables["applications"].rows]


def natural_only(**rows: int) -> dict[str, dict[str, int]]:
    """Rows where only natural persons applied: 自然人 = 总计, other applicants 0."""
    return {row: {"natural_person": n, "commercial": 0, "research": 0, "social_welfare": 0,
                  "legal_service": 0, "other_org": 0, "total": n} for row, n in rows.items()}


def zeros(rows: list[str]) -> dict[str, dict[str, int]]:
    return {row: dict.fromkeys(APPLICANTS, 0) for row in rows}


def applications(template_rows: list[str], **nonzero: dict[str, int]) -> dict[str, dict[str, int]]:
    grid = zeros(template_rows)
    for row, values in nonzero.items():
        grid[row.replace("__", ".")] = values
    return grid


def review(review_row, direct, after):
    return {"review": dict(zip(OUTCOMES, review_row)), "litigation_direct": dict(zip(OUTCOMES, direct)),
            "litigation_after_review": dict(zip(OUTCOMES, after))}


def row7(*values: int) -> dict[str, int]:
    return dict(zip(APPLICANTS, values))


EXPECTED = {
    "000": {
        "agency": "绍兴市越城区人民政府办公室", "year": 2021, "published": None, "template": "2021",
        "script": "simplified",
        "region": {"province": "浙江省", "city": "绍兴市", "county": "越城区", "township": None},
        "active_disclosure": {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {"issued": 21, "repealed": 2, "in_force": 108},
            "licensing": {"decisions": 0}, "penalty": {"decisions": 0}, "coercion": {"decisions": 0},
            "fees": {"amount_wan": 0}},
        "applications": {**zeros(RESULT_ROWS_2021), **natural_only(
            new_received=36, carried_over=2, granted=14, partially_granted=6,
            **{"denied.internal_affairs": 1, "denied.administrative_query": 2, "unavailable.not_held": 8,
               "unavailable.needs_compilation": 2, "unavailable.unclear": 1, "not_processed.complaint": 1,
               "not_processed.duplicate": 1, "not_processed.confirm_or_reissue": 1,
               "other.no_amendment": 1, "total_processed": 38})},
        "review_litigation": review((3, 0, 0, 0, 3), (0, 0, 0, 1, 1), (2, 0, 0, 0, 2)),
        "failed": [],
    },
    "001": {
        "agency": "将乐县人民政府办公室", "year": 2024, "published": None, "template": "2021",
        "script": "simplified",
        "region": {"province": "福建省", "city": "三明市", "county": "将乐县", "township": None},
        "active_disclosure": {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {"issued": 17, "repealed": 4, "in_force": 138},
            "licensing": {"decisions": 0}, "penalty": {"decisions": 0}, "coercion": {"decisions": 0},
            "fees": {"amount_wan": 0}},
        "applications": applications(
            RESULT_ROWS_2021, new_received=row7(3, 2, 0, 0, 0, 0, 5), granted=row7(1, 2, 0, 0, 0, 0, 3),
            unavailable__needs_compilation=row7(1, 0, 0, 0, 0, 0, 1), total_processed=row7(2, 2, 0, 0, 0, 0, 4),
            carried_forward=row7(1, 0, 0, 0, 0, 0, 1)),
        "review_litigation": review((0,) * 5, (0,) * 5, (0,) * 5),
        "failed": ["narrative.active_disclosure.normative_documents.repealed"],
    },
    "002": {
        "agency": "安康高新区", "year": 2019, "published": "2020-02-13", "template": "2019",
        "script": "traditional",
        "region": {"province": "陕西省", "city": "安康市", "county": None, "township": None},
        "active_disclosure": {
            "regulations": {"new_made": 0, "new_published": 0, "total_published": 0},
            "normative_documents": {"new_made": 14, "new_published": 13, "total_published": 13},
            "licensing": {"previous": 201, "change": 0, "decisions": 201},
            "other_services": {"previous": 0, "change": 0, "decisions": 0},
            "penalty": {"previous": 51, "change": 0, "decisions": 51},
            "coercion": {"previous": 0, "change": 0, "decisions": 0},
            "fees": {"previous": 2, "change": 0},
            "procurement": {"projects": 120, "amount_wan": 2191.563}},
        "applications": {**zeros(RESULT_ROWS_2019), **natural_only(new_received=2, granted=2, total_processed=2)},
        "review_litigation": review((0,) * 5, (2, 0, 0, 1, 3), (0,) * 5),
        "failed": ["narrative.review_litigation.litigation.total"],
    },
    "003": {
        "agency": "宝力根苏木", "year": 2023, "published": None, "template": "2021", "script": "simplified",
        "region": {"province": "内蒙古自治区", "city": "锡林郭勒盟", "county": "锡林浩特市",
                   "township": "宝力根苏木"},
        "active_disclosure": {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {"issued": 0, "repealed": 0, "in_force": 0},
            "licensing": {"decisions": 146}, "penalty": {"decisions": 2}, "coercion": {"decisions": 0},
            "fees": {"amount_wan": 0}},
        "applications": zeros(RESULT_ROWS_2021),
        "review_litigation": review((0,) * 5, (0,) * 5, (0,) * 5),
        "failed": [],
    },
    "004": {
        "agency": "中山市大涌镇", "year": 2022, "published": "2023-01-10", "template": "2021",
        "script": "simplified",
        "region": {"province": "广东省", "city": "中山市", "county": None, "township": "大涌镇"},
        "active_disclosure": {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {"issued": 3, "repealed": 6, "in_force": 5},
            "licensing": {"decisions": 6181}, "penalty": {"decisions": 191}, "coercion": {"decisions": 1},
            "fees": {"amount_wan": 0}},
        "applications": {**zeros(RESULT_ROWS_2021), **natural_only(new_received=4, granted=4, total_processed=4)},
        "review_litigation": review((0,) * 5, (0,) * 5, (0,) * 5),
        "failed": [],
    },
}

SECTION_TITLES = {
    "000": ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
            "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项"],
    "002": ["總體情況", "主動公開政府信息情況", "收到和處理政府信息公開申請情況",
            "政府信息公開行政復議、行政訴訟情況", "存在的主要問題及改進情況", "其他需要報告的事項"],
    "003": ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
            "政府信息公开行政复议、行政诉讼情况", "存在的问题改进情况", "其他需要报告的事项"],
}


@pytest.mark.parametrize("seed", sorted(EXPECTED))
@pytest.mark.parametrize("table", ["active_disclosure", "applications", "review_litigation"])
def test_every_cell(seed_reports, seed, table):
    assert seed_reports[seed].table(table) == EXPECTED[seed][table]


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_metadata(seed_reports, seed):
    report, expected = seed_reports[seed], EXPECTED[seed]
    assert (report.agency, report.year, report.published, report.template, report.script) == (
        expected["agency"], expected["year"], expected["published"], expected["template"], expected["script"])
    assert report.to_dict()["region"] == expected["region"]
    assert len(report.id) == 12 and int(report.id, 16) >= 0
    assert report.source.startswith(seed)


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_checks(seed_reports, seed):
    report = seed_reports[seed]
    assert [c.rule for c in report.failed_checks] == EXPECTED[seed]["failed"]
    rules = {c.rule for c in report.checks}
    # Every table identity of SCHEMA.md is checked on a complete table.
    assert {f"applications.balance.{c}" for c in APPLICANTS} <= rules
    assert {f"applications.processed_total.{c}" for c in APPLICANTS} <= rules
    assert {f"applications.row_total.{r}" for r in report.applications} <= rules
    assert {f"review_litigation.total.{r.key}" for r in REVIEW_LITIGATION.rows} <= rules


def test_narrative_conflicts_name_both_figures(seed_reports):
    (jiangle,) = seed_reports["001"].failed_checks
    assert "13" in jiangle.detail and "4" in jiangle.detail
    (ankang,) = seed_reports["002"].failed_checks
    assert "3" in ankang.detail and "未发生" in ankang.detail


def test_narrative_agreements_are_recorded(seed_reports):
    checks = {c.rule: c for c in seed_reports["000"].checks}
    assert checks["narrative.applications.requests"].ok
    assert checks["narrative.review_litigation.litigation.total"].ok
    assert "行政诉讼3件" in checks["narrative.review_litigation.litigation.total"].detail


@pytest.mark.parametrize("seed", sorted(SECTION_TITLES))
def test_section_titles_as_written(seed_reports, seed):
    assert [(s.no, s.title) for s in seed_reports[seed].sections] == list(enumerate(SECTION_TITLES[seed], 1))


def test_traditional_narrative_kept_as_written(seed_reports):
    overview = seed_reports["002"].section(1).text
    assert "政府信息公開" in overview and "政府信息公开" not in overview


def test_sub_items(seed_reports):
    problems = seed_reports["003"].section(5)
    assert [i.marker for i in problems.items] == ["(一)", "(二)"]
    overview = seed_reports["000"].section(1)
    assert [i.marker for i in overview.items] == ["(一)", "(二)", "(三)", "(四)", "(五)"]
    assert overview.items[1].text.startswith("规范依申请公开办理")
    measures = seed_reports["001"].section(5)
    assert [i.marker for i in measures.items][:3] == ["一是", "二是", "三是"]


def test_item_displaced_to_the_end_goes_back(seed_reports):
    """The export of 002 printed item 2 of section 五's measures after section 六."""
    problems = seed_reports["002"].section(5).text
    assert problems.index("1.加強") < problems.index("2.深化") < problems.index("3.加大")
    assert "2.深化" not in seed_reports["002"].section(6).text
    # Header fragments displaced to the end are not narrative.
    assert "企業" not in seed_reports["002"].section(6).text.split("\n")


def test_site_chrome_is_not_a_section(seed_reports):
    report = seed_reports["004"]
    assert report.section(1).text.startswith("2022年以来")
    assert all("无障碍版" not in s.text for s in report.sections)


def test_question_mark_after_heading_and_check_lines(seed_reports):
    report = seed_reports["003"]
    assert report.section(3).title == "收到和处理政府信息公开申请情况"
    assert not report.warnings
