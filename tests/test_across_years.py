"""Checks across years (index/tables/across_years.py) on the real reports and on real files changed
by tests/across_fixtures.py.

Expected values were read in the published reports of ../shared/real/html:
11.html (2021): 结转下年度继续办理 1; 行政诉讼 未经复议直接起诉 总计 12, 复议后起诉 0.
12.html (2022): 上年结转 1; 结转下年度 0; 行政诉讼 1 + 0; 行政复议 2; 本年新收 74.
06.html (2024): 本年新收 218; 结转下年度 0; 行政复议 总计 7; 行政诉讼 0 + 19.
19.html (2025): 本年新收 154; 上年结转 0; 行政复议 总计 36; 行政诉讼 6 + 3.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from index.tables import across_years as ay
from index.tables.store import open_read
from index.tables.summary import Scope
from tests.across_fixtures import ZERO_COUNTY, ingest_folder, write_all


@pytest.fixture(scope="module")
def real_con(real_store: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_read(real_store)
    yield con
    con.close()


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("across")
    data = ingest_folder(write_all(root / "src"), root / "data")
    con = open_read(data)
    yield con
    con.close()


def test_real_carry_over_matches(real_con) -> None:
    # 2021 carried 1 forward and 2022 carried 1 over; 2024 carried 0 forward, 2025 carried 0 over.
    pairs = ay.carry_over_pairs(real_con)
    got = list(zip(pairs["year"].astype(int), pairs["next_year"].astype(int), pairs["carried_forward"],
                   pairs["next_carried_over"], pairs["ok"].astype(bool)))
    assert got == [(2021, 2022, 1.0, 1.0, True), (2024, 2025, 0.0, 0.0, True)]
    assert ay.carry_over(real_con) == []


def test_real_jumps(real_con) -> None:
    found = ay.findings(real_con, checks=["jump"])
    got = [(r.figure, r.year, r.value, r.next_year, r.next_value, r.source, r.next_source) for r in found.itertuples()]
    assert got == [
        ("review_litigation.litigation.total", 2021, 12.0, 2022, 1.0, "11.html", "12.html"),
        ("review_litigation.review.total", 2024, 7.0, 2025, 36.0, "06.html", "19.html"),
    ]
    assert found["message_zh"].tolist() == ["行政诉讼2021年为12件，2022年为1件，约为上一年的8%。",
                                            "行政复议2024年为7件，2025年为36件，约为上一年的5.1倍。"]
    assert found["message_en"].iloc[1] == ("Administrative reconsiderations: 7 in 2024, 36 in 2025 "
                                           "(about 5.1 times the year before).")


def test_carry_over_mismatch(changed) -> None:
    found = ay.findings(changed, checks=["carry_over"])
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["agency"], row["year"], row["value"], row["next_year"], row["next_value"]) == \
        ("平潭综合实验区", 2024, 12.0, 2025, 0.0)
    assert (row["source"], row["next_source"]) == ("06-carry-12.html", "19.html")
    assert (row["cell"], row["next_cell"]) == ("applications.carried_forward.total", "applications.carried_over.total")
    assert row["message_zh"] == "2024年报告结转下年度继续办理12件，2025年报告上年结转填0件，相差12件。"
    assert row["message_en"] == ("The 2024 report carries 12 requests forward to the next year; the 2025 report "
                                 "says 0 were carried over (a difference of 12).")


def test_jumps_in_changed_years(changed) -> None:
    found = ay.findings(changed, checks=["jump"])
    got = sorted((r.year, r.figure, r.value, r.next_value) for r in found.itertuples())
    assert got == [
        (2021, "review_litigation.litigation.total", 12.0, 1.0),
        (2022, "review_litigation.litigation.total", 1.0, 19.0),   # 2023 copies 2024's 0 + 19
        (2023, "applications.new_received.total", 10.0, 218.0),
        (2024, "review_litigation.review.total", 7.0, 36.0),
    ]


def test_figures_named_keep_their_findings(changed) -> None:
    found = ay.findings(changed, checks=["jump"], figures=["applications.new_received.total"])
    assert found["figure"].unique().tolist() == ["applications.new_received.total"]
    assert len(found) == 1  # 10 → 218; 74 → 10 stays under the minimum base of 100


def test_peer_zero(changed) -> None:
    found = ay.findings(changed, checks=["peer_zero"])
    assert len(found) == 1
    row = found.iloc[0]
    # Five renamed copies and the real 2025 report: six county peers of Fujian at 154 each.
    assert (row["agency"], row["year"], row["value"], row["peers"], row["peer_median"], row["peer_scope"]) == \
        (ZERO_COUNTY, 2025, 0.0, 6, 154.0, "province")
    assert row["message_zh"] == "2025年报告本年新收申请填0件，而同年本省同级机关6个的中位数为154件。"


def test_too_few_peers_say_nothing(changed) -> None:
    assert ay.peer_zeros(changed, ay.Settings(min_peers=7)) == []
    assert ay.peer_zeros(changed, ay.Settings(peer_median=155)) == []


def test_scope_keeps_findings_by_their_later_report(changed) -> None:
    found = ay.findings(changed, Scope(year_from=2025, year_to=2025))
    assert sorted(zip(found["check"], found["year"])) == [("carry_over", 2024), ("jump", 2024), ("peer_zero", 2025)]
    assert ay.counts(found) == {"carry_over": 1, "jump": 1, "peer_zero": 1}


@pytest.mark.parametrize("before, after, figure, expected", [
    (1, 6, ay.REQUESTS, False),     # small numbers: not news
    (1, 6, ay.LAWSUITS, False),
    (2, 12, ay.LAWSUITS, True),
    (0, 100, ay.REQUESTS, True),    # from 0 counts as from 1
    (74, 10, ay.REQUESTS, False),   # 7.4 times, but under 100 requests both years
    (20, 100, ay.REQUESTS, False),  # exactly 5 times is not more than 5 times
    (20, 101, ay.REQUESTS, True),
    (300, 59, ay.REQUESTS, True),   # falls below a fifth
    (300, 60, ay.REQUESTS, False),
])
def test_is_jump(before, after, figure, expected) -> None:
    assert ay.is_jump(before, after, figure) is expected


def test_declaration() -> None:
    assert ay.CHECK_IDS == ("carry_over", "jump", "peer_zero")
    assert ay.check("jump").description("zh") == (
        "同一机关相邻两年的同一数字相差超过5倍(增加或减少)，且较大的一年达到一定规模"
        "(本年新收申请至少100件、行政复议至少10件、行政诉讼至少10件)。")
    assert "100" in ay.check("peer_zero").description("en")
    with pytest.raises(KeyError, match="carry_over, jump, peer_zero"):
        ay.check("nothing")


# --- the chat: questions answered with the findings and both years' cells ------------------


@pytest.fixture(scope="module")
def changed_corpus(tmp_path_factory: pytest.TempPathFactory):
    from tests.conftest import open_corpus

    root = tmp_path_factory.mktemp("across-chat")
    yield from open_corpus(ingest_folder(write_all(root / "src"), root / "data"))


def _asked(corpus, question: str):
    from qa import ask

    answer = ask(question, None, corpus)
    assert answer.plan.intent == "quality" and answer.plan.quality in ("carry_over", "jump", "peer_zero", "years"), \
        (question, answer.text)
    return answer


@pytest.mark.parametrize("question", ["哪些机关的结转数前后对不上?", "which agencies' carry-over doesn't match the next year",
                                      "平潭综合实验区2025年的结转数和上一年对得上吗"])
def test_chat_carry_over(changed_corpus, question) -> None:
    answer = _asked(changed_corpus, question)
    zh = answer.lang == "zh"
    assert ("2024年报告结转下年度继续办理12件，2025年报告上年结转填0件" if zh else
            "The 2024 report carries 12 requests forward") in answer.text
    assert "跳变" not in answer.text and "jump" not in answer.text.lower().replace("jumps from", "")
    # Both reports cited with their cells: year N's 结转下年度 12 and year N+1's 上年结转 0.
    cells = {(c["source"], c["field"], c["value"]) for c in answer.cells}
    assert cells == {("06-carry-12.html", "applications.carried_forward.total", 12.0),
                     ("19.html", "applications.carried_over.total", 0.0)}
    assert [note["rule"] for note in answer.audit] == ["across_years.carry_over.applications.carried_forward.total"]


def test_chat_jumps_of_the_figure_asked(changed_corpus) -> None:
    answer = _asked(changed_corpus, "申请数量有异常跳变的机关")
    assert "本年新收申请2023年为10件，2024年为218件，约为上一年的21.8倍" in answer.text
    assert "行政诉讼" not in answer.text.split("核对规则")[0]  # only the figure asked about
    assert len(answer.table["rows"]) == 1


def test_chat_figure_not_checked_is_said(changed_corpus) -> None:
    answer = _asked(changed_corpus, "主动公开有没有异常跳变")
    assert "所问的数字不在其中" in answer.text
    assert not answer.cells and answer.table is None


def test_chat_peer_zero(changed_corpus) -> None:
    answer = _asked(changed_corpus, "哪些机关同级都有几百件申请却填0")
    assert f"{ZERO_COUNTY}:2025年报告本年新收申请填0件，而同年本省同级机关6个的中位数为154件" in answer.text
    # The report's own 0 and the cell of the peer at the median.
    zero = [c for c in answer.cells if c["source"] == "zero.html"]
    median = [c for c in answer.cells if c["source"] != "zero.html"]
    assert [c["value"] for c in zero] == [0.0] and [c["value"] for c in median] == [154.0]


def test_chat_none_found_says_what_was_compared(real) -> None:
    # The real corpus: 2021→2022 (1 and 1) and 2024→2025 (0 and 0) both match.
    answer = _asked(real, "哪些机关的结转数前后对不上?")
    assert "已核对同一机关相邻两年的报告2对:每份报告结转下年度的件数都与下一年报告的上年结转一致" in answer.text


def test_lookup_of_carry_over_is_no_check(changed_corpus) -> None:
    from qa import ask

    answer = ask("2022年上年结转多少", None, changed_corpus)
    assert answer.plan.intent != "quality"


@pytest.mark.parametrize("question, checks", [
    ("哪些机关的结转数前后对不上?", ["carry_over"]),
    ("平潭综合实验区2025年的结转数和上一年对得上吗", ["carry_over"]),
    ("which agencies' carry-over doesn't match the next year", ["carry_over"]),
    ("申请数量有异常跳变的机关", ["jump"]),
    ("哪些机关同级都有几百件申请却填0", ["peer_zero"]),
    ("跨年度核对", ["carry_over", "jump", "peer_zero"]),
    # The figure named, not the check (a regression: 结转到下一年 was read as a carry-over check).
    ("平潭综合实验区2025年结转到下一年的申请有几件？", []),
    ("2022年上年结转多少", []),
    ("2024年结转下年度的件数正文和表格一致吗", []),   # the text against the table
    ("which other agencies had zero lawsuits", []),
])
def test_which_checks_a_question_asks(question, checks) -> None:
    from qa.across import asked

    assert asked(question)[0] == checks


def test_a_follow_up_keeps_the_check(changed_corpus) -> None:
    from qa import ask
    from qa.session import Conversation

    conversation = Conversation()
    ask("哪些机关的结转数前后对不上?", conversation, changed_corpus)
    answer = ask("2025年呢", conversation, changed_corpus)
    assert answer.plan.quality == "carry_over" and answer.plan.years == [2025]
    assert "2024年报告结转下年度继续办理12件" in answer.text
    assert "跳变" not in answer.text and "同级" not in answer.text


# --- the page, without a browser ------------------------------------------------------------


def test_quality_page_section_without_a_browser(monkeypatch, seeds_store, tmp_path_factory) -> None:
    from tests.test_app import open_app

    root = tmp_path_factory.mktemp("across-app")
    at = open_app(monkeypatch, ingest_folder(write_all(root / "src"), root / "data"), page="quality")
    years = next(t for t in at.tabs if t.label.startswith("跨年度核对"))
    assert years.label == "跨年度核对(6)"
    assert {m.label: m.value for m in years.metric} == {"结转数前后对不上": "1", "数字异常跳变": "4",
                                                      "同级机关数以百计而本机关填0": "1"}
    shown = years.dataframe[0].value
    assert shown["发现"].iloc[0] == "2024年报告结转下年度继续办理12件，2025年报告上年结转填0件，相差12件。"
    assert shown["报告"].iloc[0].startswith("./reports?report=") and shown["对照报告"].notna().all()
    # The five seeds: single years, nothing to pair.
    at = open_app(monkeypatch, seeds_store, page="quality")
    years = next(t for t in at.tabs if t.label.startswith("跨年度核对"))
    assert years.label == "跨年度核对(0)"
    assert [s.value for s in years.success] == [
        "当前范围内没有机关有相邻两年的报告，无从跨年度核对；与同级机关的比较也没有发现问题。"]
