"""Issue 12, answers: every answer states its scope; a figure's sources are the cells that make
it, largest first, with a table of every contributing report; narrative answers fold
near-identical passages (simplified and traditional copies) and say how many reports mention
the topic.

Expected values come from SQL on the store or from the passages as indexed, never from the
answers.  Nothing is mocked: the stores are ingested from the seeds, ../shared/real, a demo
corpus and a seed with its own traditional-script copy.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import opencc
import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from index.passages.topics import topic as find_topic
from index.tables.summary import Scope
from parsing.meta import to_simplified
from qa import Conversation, ask
from qa.cited_cells import contribution_table, contributors, report_groups
from qa.passage_groups import fold_copies, similarity
from tests.charts_corpus import charts_corpus, sql
from tests.conftest import open_corpus, seed_path, stated
from index.tables import store as table_store

YUECHENG = "000"  # the seed of 绍兴市越城区人民政府办公室, 2021


def _store(data: Path) -> duckdb.DuckDBPyConnection:
    return table_store.open_read(data)


# ---------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------

# What the sidebar builds (gongkai/ui/sidebar.py: _filters) for 2021 and county level.
SIDEBAR_2021_COUNTY = Scope(year_from=2021, year_to=2021, region=(), agencies=(), level="county")


def test_a_total_under_the_sidebar_scope_says_it_and_is_the_sql_of_that_scope(seeds):
    answer = ask("各机关一共收到多少申请", Conversation(), seeds, scope=SIDEBAR_2021_COUNTY)
    assert answer.scope == "范围:2021年 · 县级机关(按侧栏筛选)。"
    assert answer.text.splitlines()[-1] == answer.scope
    assert answer.to_dict()["scope"] == answer.scope
    con = seeds.connection()
    total, reports = con.execute(
        "SELECT sum(c.value), count(DISTINCT r.report_id) FROM cells c JOIN reports r USING (report_id) "
        "WHERE r.year = 2021 AND r.level = 'county' AND c.\"table\" = 'applications' "
        "AND c.\"row\" = 'new_received' AND c.\"column\" = 'total'").fetchone()
    whole = con.execute("SELECT count(*) FROM cells WHERE \"table\" = 'applications' "
                        "AND \"row\" = 'new_received' AND \"column\" = 'total'").fetchone()[0]
    assert reports == 1 and whole > 1  # the scope narrowed five reports to one
    assert stated(str(int(total)), answer.text), answer.text
    assert f"{reports}份报告" in answer.text


def test_the_english_statement(seeds):
    answer = ask("How many requests were received in total?", Conversation(), seeds, scope=SIDEBAR_2021_COUNTY)
    assert answer.scope == "Scope: 2021 · county agencies (sidebar filter)."
    assert answer.text.endswith(answer.scope)


@pytest.mark.parametrize("question, scope, expected", [
    # No sidebar filter: what the question narrowed to, unmarked.
    ("越城区2021年收到多少申请", None, "范围:2021年 · 绍兴市越城区人民政府办公室。"),
    ("哪些机关有行政诉讼", None, "范围:全部报告。"),
    ("Which agencies had lawsuits?", None, "Scope: every report in the corpus."),
    # The question's year wins over the sidebar's: said.
    ("2022年各机关收到多少申请", Scope(year_from=2021, year_to=2021),
     "范围:2022年;侧栏所选的年份未采用,以问题为准。"),
    # The sidebar's level, the question's year.
    ("2021年哪些机关有行政诉讼", Scope(level="county"), "范围:2021年 · 县级机关(按侧栏筛选)。"),
    ("语料库里有多少份报告", Scope(level="township"), "范围:全部年份 · 乡镇级机关(按侧栏筛选)。"),
])
def test_every_structured_answer_ends_with_its_scope(seeds, question, scope, expected):
    answer = ask(question, Conversation(), seeds, scope=scope)
    assert answer.scope == expected, answer.text
    assert answer.text.splitlines()[-1] == expected


def test_a_township_count_of_reports_is_the_sql_of_that_level(seeds):
    answer = ask("语料库里有多少份报告", Conversation(), seeds, scope=Scope(level="township"))
    con = seeds.connection()
    township = con.execute("SELECT count(*) FROM reports WHERE level = 'township'").fetchone()[0]
    every = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert township != every
    assert stated(str(township), answer.text.splitlines()[0]), answer.text


@pytest.fixture(scope="module")
def indexed(seeds_index):
    yield from open_corpus(seeds_index, words_only=False)


def test_narrative_and_quality_answers_keep_to_the_sidebar_level_and_say_so(indexed):
    con = indexed.connection()
    township = {r[0] for r in con.execute("SELECT report_id FROM reports WHERE level = 'township'").fetchall()}
    national = con.execute("SELECT count(*) FROM reports WHERE level = 'township' "
                           "AND template IN ('2019', '2021')").fetchone()[0]
    scope = Scope(level="township")
    answer = ask("存在哪些问题", Conversation(), indexed, scope=scope)
    assert answer.sources and {s["report_id"] for s in answer.sources} <= township
    # The section the question asked about is part of a passage answer's scope.
    assert answer.scope == "范围:全部年份 · “存在的问题”部分 · 乡镇级机关(按侧栏筛选)。"
    quality = ask("哪些报告的勾稽关系不平衡", Conversation(), indexed, scope=scope)
    assert quality.plan.intent == "quality"
    assert quality.scope == "范围:全部年份 · 乡镇级机关(按侧栏筛选)。" and quality.text.endswith(quality.scope)
    assert f"已核对{national}份报告" in quality.text, quality.text


# ---------------------------------------------------------------------------
# Sources of a figure
# ---------------------------------------------------------------------------


def test_a_totals_cells_are_cited_largest_first_with_every_contributing_report(real):
    answer = ask("各年行政诉讼合计多少", Conversation(), real)
    fields = sorted({c["field"] for c in answer.cells})
    assert fields == ["review_litigation.litigation_after_review.total", "review_litigation.litigation_direct.total"]
    con = real.connection()
    per_report = con.execute(
        "SELECT report_id, sum(value) FROM cells WHERE \"table\" = 'review_litigation' "
        "AND \"row\" IN ('litigation_direct', 'litigation_after_review') AND \"column\" = 'total' "
        "AND value IS NOT NULL GROUP BY report_id ORDER BY sum(value) DESC").fetchall()
    groups = report_groups(answer.cells)
    assert groups[0]["report_id"] == per_report[0][0] and groups[0]["total"] == per_report[0][1]
    totals = [g["total"] for g in contributors(groups)]
    assert totals == sorted(totals, reverse=True) and totals[0] > 0
    zeros = [r for r, v in per_report if v == 0]
    assert zeros and groups[0]["report_id"] not in zeros
    table = contribution_table(groups, "zh")
    assert len(table) == len(per_report)  # one row per contributing report, none absent
    assert list(table.columns[:2]) == ["机关", "年份"] and table.columns[-1] == "来源文件"
    first = table.iloc[0]
    assert int(first.iloc[2]) + int(first.iloc[3]) == per_report[0][1]


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    return charts_corpus(tmp_path_factory)


def test_the_chat_cites_the_largest_reports_and_the_table_the_caption_points_to(monkeypatch, many):
    from gongkai.ui.answer_view import MAX_FIGURE_SOURCES
    from tests.test_app import ask as ask_app, open_app

    rows = sql(many, "SELECT r.agency, c.value FROM cells c JOIN reports r USING (report_id) WHERE r.year = 2025 "
                     "AND c.\"table\" = 'applications' AND c.\"row\" = 'new_received' AND c.\"column\" = 'total' "
                     "AND c.value IS NOT NULL ORDER BY c.value DESC")
    assert len(rows) > MAX_FIGURE_SOURCES
    at = ask_app(open_app(monkeypatch, many, page="chat"), "2025年各机关收到的申请一共多少")
    labels = [e.label for e in at.expander]
    cited = [label for label in labels if label.endswith("年 · 依申请公开情况") or "· 2025年 ·" in label]
    assert cited and cited[0].startswith(rows[0][0]), labels
    zeros = sum(1 for _, v in rows[MAX_FIGURE_SOURCES:] if v == 0)
    caption = f"另有 {len(rows) - MAX_FIGURE_SOURCES} 份报告(其中 {zeros} 份为0),见下面的“全部出处”表。"
    assert caption in [c.value for c in at.caption]
    assert f"全部出处:{len(rows)} 份报告(按数值从大到小)" in labels
    tables = [d.value for d in at.dataframe if "来源文件" in d.value.columns]
    assert tables and len(tables[0]) == len(rows)
    assert list(tables[0]["机关"])[0] == rows[0][0]


# ---------------------------------------------------------------------------
# Narrative answers
# ---------------------------------------------------------------------------


_BUILT: dict[str, Path] = {}


def traditional_copy_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 越城区 seed and its traditional-script copy as the agency's next year's report (years
    moved on by one, as a report copied from the year before), ingested with ``gongkai ingest``
    once per session."""
    if "trad" not in _BUILT:
        _BUILT["trad"] = _ingest_traditional_copy(tmp_path_factory)
    return _BUILT["trad"]


@pytest.fixture(scope="module")
def with_traditional_copy(tmp_path_factory) -> Path:
    return traditional_copy_corpus(tmp_path_factory)


def _ingest_traditional_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = tmp_path_factory.mktemp("trad-files")
    seed = seed_path(YUECHENG)
    text = seed.read_text(encoding="utf-8")
    (files / seed.name).write_text(text, encoding="utf-8")
    moved = text.replace("2022", "2023").replace("2021", "2022")
    (files / "yuecheng-2022-traditional.txt").write_text(opencc.OpenCC("s2t").convert(moved), encoding="utf-8")
    data = tmp_path_factory.mktemp("trad-data")
    result = CliRunner().invoke(cli, ["ingest", str(files), "--data", str(data)])
    assert result.exit_code == 0, result.output
    return data


def test_a_traditional_copy_is_one_passage_and_two_reports_are_counted(with_traditional_copy):
    with _store(with_traditional_copy) as con:
        reports = dict(con.execute("SELECT report_id, script FROM reports").fetchall())
    assert sorted(reports.values()) == ["simplified", "traditional"]
    for corpus in open_corpus(with_traditional_copy, words_only=False):
        answer = ask("越城区存在哪些问题", Conversation(), corpus)
    shown = [s for s in answer.sources if not s.get("copy_of")]
    copies = [s for s in answer.sources if s.get("copy_of")]
    problems = [s for s in shown if s["kind"] == "problems"]
    assert len(problems) == 1, answer.text
    folded = [c for c in copies if c["copy_of"] == problems[0]["id"]]
    assert len(folded) == 1 and folded[0]["report_id"] != problems[0]["report_id"]
    assert {reports[problems[0]["report_id"]], reports[folded[0]["report_id"]]} == {"simplified", "traditional"}
    assert answer.text.count("几乎相同的文字另见") == sum(1 for s in shown if any(c["copy_of"] == s.get("id") for c in copies))
    counted = len({s["report_id"] for s in answer.sources})
    assert counted == 2 and f"{counted}份报告在“存在的问题”部分提到相关内容" in answer.text
    assert "不是全部报告" in answer.text  # what N counts is said


def test_a_topic_is_counted_over_every_report_in_scope(indexed):
    answer = ask("政策解读方面做了哪些工作", Conversation(), indexed)
    assert answer.plan.topic == "policy_interpretation"
    topic = find_topic("policy_interpretation")
    passages = indexed.passages()
    assert passages is not None
    mention = {r.report_id for r in passages.itertuples()
               if any(k in to_simplified(str(r.text)) for k in topic.keywords)}
    agencies = {r.agency for r in passages.itertuples() if r.report_id in mention}
    assert 1 < len(mention) <= passages["report_id"].nunique()
    assert f"{len(mention)}份报告提到“政策解读”({len(agencies)}个机关;" in answer.text, answer.text
    # An English question names no topic the tagger knows (its keywords are Chinese): the count
    # is then over the passages shown, and says so.
    english = ask("What did agencies do on policy interpretation?", Conversation(), indexed)
    shown = {s["report_id"] for s in english.sources}
    assert english.plan.topic is None
    assert f"Among the most relevant passages retrieved, {len(shown)} reports mention the question's subject" in english.text
    assert "not the whole corpus" in english.text


def test_what_is_folded_and_what_is_not():
    text = seed_path(YUECHENG).read_text(encoding="utf-8")
    paragraph = next(p for p in text.splitlines() if len(p) > 80 and re.search(r"\d+[件条个]", p))
    count = re.search(r"(\d+)([件条个])", paragraph)
    assert count is not None
    changed_count = paragraph.replace(count.group(0), f"{int(count.group(1)) + 7}{count.group(2)}", 1)
    other = next(p for p in text.splitlines() if len(p) > 80 and p != paragraph)
    traditional = opencc.OpenCC("s2t").convert(paragraph)
    assert traditional != paragraph and similarity(paragraph, traditional) == 1.0
    from index.passages.search import Hit

    def hit(i: int, body: str) -> Hit:
        return Hit(id=str(i), report_id=f"r{i}", source="", agency="甲", year=2021, region="", section_no=1,
                   section_title="", kind="overview", marker="", text=body, topics=[], duplicate_of=None, score=1.0)

    kept, copies = fold_copies([hit(0, paragraph), hit(1, traditional), hit(2, changed_count), hit(3, other),
                                hit(4, paragraph.replace("2021", "2022"))])
    assert [h.id for h in kept] == ["0", "2", "3"]  # a changed figure is another text
    assert [h.id for h in copies["0"]] == ["1", "4"]  # the script and the year are not


@pytest.mark.parametrize("question, summed", [
    ("各年行政诉讼合计多少", True),
    ("行政诉讼最少的三个机关", False),  # a ranking keeps its order: the least first
    ("哪些机关有行政诉讼", False),
    ("平潭综合实验区2024年行政诉讼有多少", False),
])
def test_only_a_sum_over_reports_cites_them_largest_first(real, question, summed):
    from qa.cited_cells import largest_first

    answer = ask(question, Conversation(), real)
    assert largest_first(answer.plan) is summed, answer.plan.intent
    in_order = [g["report_id"] for g in report_groups(answer.cells, by_size=False)]
    assert in_order == list(dict.fromkeys(c["report_id"] for c in answer.cells))
