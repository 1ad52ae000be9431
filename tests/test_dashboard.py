"""The overview's figures: each one is what its linked question answers, and the totals are right.

For every figure the dashboard shows (every year's headline figures and changes; for every
year, its movers and its breakdowns by region and level; the data-quality kinds) the question
behind it (:mod:`gongkai.ui.dashboard_links`) is asked through ``qa.ask`` on the same corpus and
the answer must state the same figure.  Totals are also checked against SQL of our own and
against values read in the seed reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

import qa
from gongkai.ui import dashboard_links as links
from index.tables.dashboard import (CORRECTION_RATE, DISCLOSURE_RATE, LAWSUITS, REQUESTS, REVIEWS, Breakdown,
                                    Dashboard, Mover, QualityKind, YearFigure, dashboard, region_level)
from index.tables.summary import Scope
from tests.conftest import open_corpus


@pytest.fixture(scope="module")
def seeds(seeds_store) -> Iterator[qa.Corpus]:
    yield from open_corpus(seeds_store)


@pytest.fixture(scope="module")
def real(real_store) -> Iterator[qa.Corpus]:
    yield from open_corpus(real_store)


def boards(corpus: qa.Corpus, scope: Scope | None = None) -> list[Dashboard]:
    """The dashboard of ``scope`` with each year of it chosen in turn (movers and breakdowns of every year)."""
    con = corpus.connection()
    first = dashboard(con, scope)
    return [first] + [dashboard(con, scope, year) for year in first.years if year != first.year]


def answer(corpus: qa.Corpus, question: str, scope: Scope | None) -> str:
    return qa.ask(question, qa.Conversation(), corpus, scope=scope).text


def _count(value: float) -> str:
    return f"{value:.0f}"


# What the answer to each kind of question says, per language: a regular expression for the figure.


def value_pattern(figure: YearFigure, lang: str) -> str:
    assert figure.value is not None
    shown = f"{figure.value:.2f}%" if figure.name in links.RATES else _count(figure.value)
    unit = "" if figure.name in links.RATES else "件"
    return rf"合计{re.escape(shown)}{unit}[(]" if lang == "zh" else rf"reports: {re.escape(shown)} \("


def change_matches(figure: YearFigure, text: str, lang: str) -> bool:
    change = figure.change
    assert change is not None
    year, before = figure.year, figure.previous_year
    if change == 0:
        return f"{year}年比{before}年持平" in text if lang == "zh" else f"{year} vs {before}: unchanged" in text
    pattern = rf"{year}年比{before}年(增加|减少)([\d.]+)" if lang == "zh" else rf"{year} vs {before}: (up|down) ([\d.]+)"
    found = re.search(pattern, text)
    if not found:
        return False
    rising = found.group(1) in ("增加", "up")
    return rising == (change > 0) and round(float(found.group(2)), 2) == round(abs(change), 2)


def mover_matches(mover: Mover, text: str, lang: str) -> bool:
    more = mover.change > 0
    amount = _count(abs(mover.change))
    if lang == "zh":
        said = f"{mover.agency}({mover.year_to}年)比{mover.agency}({mover.year_from}年){'多' if more else '少'}{amount}件"
        return said in text and f"{mover.year_from}年:" in text and f"{_count(mover.before)}件" in text \
            and f"{_count(mover.after)}件" in text
    word = "more" if more else "(?:less|fewer)"
    agency = re.escape(mover.agency)
    said = rf"{agency} \({mover.year_to}\) had {amount} {word} than {agency} \({mover.year_from}\)"
    return re.search(said, text) is not None


def group_line(breakdown: Breakdown, group: str | None, value: float, reports: int, lang: str) -> str:
    """The answer's line of one group (a regular expression)."""
    name = re.escape(group if isinstance(group, str) else ("(无)" if lang == "zh" else "(none)"))
    if lang == "zh":
        return rf"{name}: {_count(value)}件[(]{reports}份报告[)]"
    return rf"{name}: {_count(value)} \({reports} reports?\)"


def quality_matches(kind: QualityKind, text: str, lang: str) -> bool:
    if kind.reports == 0:
        return "没有发现" in text if lang == "zh" else "none has" in text or "No report" in text
    if lang == "zh":
        return f"共{kind.reports}份报告" in text
    return re.search(rf"(?<!\d){kind.reports} reports?\b[^.:]*? ha(ve|s) ", text) is not None


def check_every_figure(corpus: qa.Corpus, scope: Scope | None, lang: str) -> int:
    """Ask the question behind every figure shown; return how many figures were checked."""
    checked = 0
    seen: set[str] = set()
    for board in boards(corpus, scope):
        for figure in board.figures if board is not None else []:
            if figure.value is None or figure.metric + str(figure.year) in seen:
                continue
            seen.add(figure.metric + str(figure.year))
            text = answer(corpus, links.value_question(figure, lang), scope)
            assert re.search(value_pattern(figure, lang), text), (links.value_question(figure, lang), figure, text)
            checked += 1
            if figure.change is not None:
                text = answer(corpus, links.change_question(figure, lang), scope)
                assert change_matches(figure, text, lang), (links.change_question(figure, lang), figure, text)
                checked += 1
        for year, reports in board.reports_by_year.items():
            if f"reports{year}" not in seen:
                seen.add(f"reports{year}")
                text = answer(corpus, links.reports_question(year, lang), scope)
                said = rf"共{reports}份年报" if lang == "zh" else rf"{year}\b[^:\n]*: {reports} reports?\b"
                assert re.search(said, text), (links.reports_question(year, lang), reports, text)
                checked += 1
        for mover in board.rises + board.falls:
            text = answer(corpus, links.mover_question(mover, lang), scope)
            assert mover_matches(mover, text, lang), (links.mover_question(mover, lang), mover, text)
            checked += 1
        for breakdown in (board.regions, board.levels):
            assert breakdown is not None
            text = answer(corpus, links.breakdown_question(breakdown, lang), scope)
            for _, row in breakdown.frame.iterrows():
                if row["reports"]:
                    line = group_line(breakdown, row["group"], row["value"], int(row["reports"]), lang)
                    assert re.search(line, text), (links.breakdown_question(breakdown, lang), line, text)
                    checked += 1
    for kind in boards(corpus, scope)[0].quality:
        text = answer(corpus, links.quality_question(kind, lang), scope)
        assert quality_matches(kind, text, lang), (links.quality_question(kind, lang), kind, text)
        checked += 1
    return checked


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_seeds_figure_is_what_its_question_answers(seeds, lang):
    assert check_every_figure(seeds, None, lang) > 30


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_real_figure_is_what_its_question_answers(real, lang):
    assert check_every_figure(real, None, lang) > 15


def test_scoped_figures_are_what_their_questions_answer_in_that_scope(seeds, real):
    # A region chosen in the sidebar: the breakdown goes one level down (cities of 浙江省).
    zhejiang = Scope(region=(("province", "浙江省"),))
    assert region_level(zhejiang) == "city"
    assert check_every_figure(seeds, zhejiang, "zh") > 3
    county = Scope(level="county", year_from=2019)
    assert check_every_figure(real, county, "zh") > 10
    assert check_every_figure(real, Scope(year_from=2021), "en") > 10


# ---------------------------------------------------------------------------
# The totals against our own SQL and the reports themselves
# ---------------------------------------------------------------------------


def test_seed_totals_read_in_the_reports(seeds):
    board = dashboard(seeds.connection())
    # Seed 000 (越城区, the seeds' only 2021 report), table 三: 本年新收 36; 予以公开 14, 部分公开 6, 总计 38.
    requests = board.figure("requests", 2021)
    assert requests is not None and requests.value == 36 and requests.reports == 1
    rate = board.figure("disclosure_rate", 2021)
    assert rate is not None and rate.value == pytest.approx(100 * (14 + 6) / 38)
    # No 2020 report among the seeds: 2021 has no change to show, 2022 has one (seed 004: 4 received).
    assert requests.change is None
    later = board.figure("requests", 2022)
    assert later is not None and later.value == 4 and later.change == 4 - 36
    # 宝力根苏木 2023 (seed 003) processed no request: no 公开率 (a rate over 0 is no figure).
    none = board.figure("disclosure_rate", 2023)
    assert none is not None and none.value is None and none.reports == 0


def test_totals_agree_with_our_own_sql(real):
    con = real.connection()
    board = dashboard(con)
    rows = con.execute(
        "SELECT year, sum(applications__new_received__total), "
        "sum(review_litigation__review__total), "
        "sum(review_litigation__litigation_direct__total + review_litigation__litigation_after_review__total), "
        "100.0 * sum(applications__granted__total + applications__partially_granted__total) "
        "  FILTER (WHERE applications__total_processed__total > 0) "
        "  / sum(applications__total_processed__total) FILTER (WHERE applications__total_processed__total > 0), "
        "100.0 * sum(review_litigation__review__corrected) FILTER (WHERE review_litigation__review__total > 0) "
        "  / sum(review_litigation__review__total) FILTER (WHERE review_litigation__review__total > 0) "
        "FROM metrics GROUP BY year").fetchall()
    assert rows
    for year, requests, reviews, lawsuits, rate, corrected in rows:
        for name, expected in (("requests", requests), ("reviews", reviews), ("lawsuits", lawsuits),
                               ("disclosure_rate", rate), ("correction_rate", corrected)):
            figure = board.figure(name, int(year))
            assert figure is not None
            assert (figure.value is None) == (expected is None), (name, year)
            if expected is not None:
                assert figure.value == pytest.approx(float(expected)), (name, year)
    # 平潭综合实验区 fell from 218 requests (2024) to 154 (2025): the only agency of 2025.
    falls = dashboard(con, year=2025).falls
    assert [(m.agency, m.before, m.after) for m in falls] == [("平潭综合实验区", 218.0, 154.0)]


def test_quality_counts_agree_with_our_own_sql(seeds):
    con = seeds.connection()
    kinds = {k.kind: k for k in dashboard(con).quality}
    narrative = con.execute("SELECT count(DISTINCT report_id) FROM checks "
                            "WHERE NOT ok AND starts_with(rule, 'narrative.')").fetchone()[0]
    arithmetic = con.execute("SELECT count(DISTINCT report_id) FROM checks "
                             "WHERE NOT ok AND NOT starts_with(rule, 'narrative.')").fetchone()[0]
    assert (kinds["narrative"].reports, kinds["balance"].reports) == (narrative, arithmetic)
    # 安康高新区 2019 (seed 002) says no lawsuit in its text, its table says 3; 将乐县 2024 (seed 001)
    # says 13 normative documents repealed, its table 4.
    assert narrative == 2


def test_the_rates_are_the_catalogues_rates():
    assert DISCLOSURE_RATE == "applications.granted_share.total"
    assert CORRECTION_RATE == "review_litigation.review_corrected_share.total"
    assert [d.split(" = ")[0] for d in links.definitions("zh")] == ["公开率", "复议纠错率"]
    assert {REQUESTS, REVIEWS, LAWSUITS} <= set(qa_metric_keys())


def qa_metric_keys() -> list[str]:
    from index.tables.metrics import catalogue

    return list(catalogue())


def test_scope_is_said_in_words():
    scope = Scope(year_from=2021, year_to=2022, region=(("province", "福建省"),), level="county",
                  agencies=("甲", "乙", "丙", "丁"))
    assert links.scope_text(scope, 12, "zh") == "范围:2021–2022年 · 福建省 · 县级 · 甲、乙、丙等1个机关 · 12份报告"
    assert links.scope_text(Scope(), 1800, "en") == "Scope: all reports · 1,800 reports"


def test_a_figure_asked_in_the_middle_of_a_conversation_keeps_its_figure(seeds):
    """A figure clicked after other questions: its question names all it needs, nothing is carried over."""
    conversation = qa.Conversation()
    qa.ask("大涌镇2022年行政处罚决定有多少件？", conversation, seeds)
    board = dashboard(seeds.connection())
    for figure in board.figures:
        if figure.value is not None:
            text = qa.ask(links.value_question(figure, "zh"), conversation, seeds).text
            assert re.search(value_pattern(figure, "zh"), text), (figure, text)
