"""Questions end to end: the real store, passage index and model over the seeds and a demo corpus.

Every example of ../shared/questions/examples.jsonl and every question of tests/questions/
passes through the checker ``gongkai eval`` uses (:func:`qa.evaluate.check`).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from qa.corpus import Corpus
from qa.dialogue import Conversation
from qa.evaluate import check, evaluate, load
from qa.rephrase import Endpoint
from qa.session import ask
from tests.conftest import ROOT
from tests.qa_corpus import QUESTIONS, demo_corpus, demo_questions, seeds_corpus

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "questions" / "examples.jsonl"
ALL_INTENTS = {"lookup", "list", "count", "rank", "compare", "trend", "total", "average", "narrative", "quality",
               "mixed", "no_data"}


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    return seeds_corpus(tmp_path_factory)


@pytest.fixture(scope="module")
def seeds_handle(seeds):
    with Corpus(seeds) as corpus:
        yield corpus


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_corpus(tmp_path_factory)


@pytest.fixture(scope="module")
def demo_handle(demo):
    with Corpus(demo[0]) as corpus:
        yield corpus


def _ids(items):
    return [item["id"] for item in items]


def _failures(item, corpus) -> list[str]:
    return evaluate([item], corpus).failures


# ---------------------------------------------------------------------------
# Question files
# ---------------------------------------------------------------------------


EXAMPLE_ITEMS = load(EXAMPLES) if EXAMPLES.exists() else []
SEED_ITEMS = load(QUESTIONS / "seeds.jsonl")


def test_examples_file_is_there():
    assert EXAMPLE_ITEMS, f"{EXAMPLES} is missing: the examples live in ../shared/questions"


@pytest.mark.parametrize("item", EXAMPLE_ITEMS, ids=_ids(EXAMPLE_ITEMS))
def test_example(seeds_handle, item):
    assert _failures(item, seeds_handle) == []


@pytest.mark.parametrize("item", SEED_ITEMS, ids=_ids(SEED_ITEMS))
def test_seed_question(seeds_handle, item):
    assert _failures(item, seeds_handle) == []


def test_demo_questions(demo, demo_handle):
    items = demo_questions(demo[1])
    failures = evaluate(items, demo_handle).failures
    assert failures == []


def test_own_questions_cover_every_intent_in_both_languages(demo):
    items = SEED_ITEMS + demo_questions(demo[1])
    turns = [(q, item.get("intent")) for item in items for q in item["turns"]]
    assert len(turns) >= 80
    intents = Counter()
    for item in items:
        intent = item.get("intent")
        for i in range(len(item["turns"])):
            intents[intent[i] if isinstance(intent, list) else intent] += 1
    assert set(intents) == ALL_INTENTS, intents
    english = [q for q, _ in turns if re.search(r"[A-Za-z]{4,}", q) and not re.search(r"[\u4e00-\u9fff]{4,}", q)]
    assert len(english) >= 20
    assert sum(len(item["turns"]) > 1 for item in items) >= 10


# ---------------------------------------------------------------------------
# Exactness and provenance
# ---------------------------------------------------------------------------


def test_a_sum_is_shown_with_its_arithmetic_over_stored_cells(seeds_handle):
    answer = ask("越城区2021年不予公开的申请有多少件？", Conversation(), seeds_handle)
    denied = [c for c in answer.cells if c["field"].startswith("applications.denied.") and c["value"]]
    assert {c["value"] for c in denied} == {1.0, 2.0}
    assert all(c["source"] == "000_9b265bb38da02cc5.txt" and c["year"] == 2021 for c in denied)
    assert re.search(r"3件 \(= .*1 \+ .*2\)", answer.text)


def test_absent_cells_are_absent_not_zero(seeds_handle):
    answer = ask("安康高新区2019年本年制发的规范性文件有多少件？", Conversation(), seeds_handle)
    issued = [c for c in answer.cells if c["field"] == "active_disclosure.normative_documents.issued"]
    assert issued and all(c["value"] is None for c in issued)
    assert "0件" not in answer.text and answer.no_data
    assert "本年新制作数量" in answer.text


def test_every_figure_names_agency_year_table_and_file(seeds_handle):
    answer = ask("大涌镇2022年行政许可处理决定数量是多少？", Conversation(), seeds_handle)
    assert "中山市大涌镇2022年" in answer.text and "6181件" in answer.text
    assert "主动公开政府信息情况" in answer.text and "004_2621131c2785ac51.txt" in answer.text
    (cell,) = [c for c in answer.cells if c["field"] == "active_disclosure.licensing.decisions"]
    assert cell["value"] == 6181 and cell["agency"] == "中山市大涌镇"
    assert answer.queries and "$p" in answer.queries[0]["sql"]


def test_comparison_has_a_table_and_a_bar_chart(seeds_handle):
    answer = ask("比较将乐县和越城区本年新收的申请数量", Conversation(), seeds_handle)
    assert answer.table["rows"] == [["将乐县人民政府办公室", "2024", 5], ["绍兴市越城区人民政府办公室", "2021", 36]]
    assert answer.chart["type"] == "bar" and answer.chart["x"] == answer.table["columns"][0]
    assert "36 − 5 = 31" in answer.text
    assert any("不同年份" in w for w in answer.warnings)


def test_trend_has_a_line_chart(demo, demo_handle):
    answer = ask("近三年各机关收到申请合计的变化趋势", Conversation(), demo_handle)
    assert answer.chart["type"] == "line"
    newest = max(e["truth"]["year"] for e in demo[1])
    assert [row[0] for row in answer.table["rows"]] == [str(y) for y in range(newest - 2, newest + 1)]


def test_loose_and_ambiguous_names_are_warned_about(tmp_path):
    """Two agencies that answer to the same short name: both are shown, none is picked silently."""
    from corpus.demo import generate_records
    from index.tables import store
    from index.tables.resolve import agency_forms
    from parsing.record import Region, Report

    batch = store.Batch()
    for demo_record in generate_records(40, range(2024, 2025), seed=1):
        report = Report(id=demo_record.digest()[:12], source=f"{demo_record.index}.txt", agency=demo_record.agency,
                        region=Region(**demo_record.region), year=demo_record.year, published=None,
                        template=demo_record.template, script="simplified",
                        applications=demo_record.applications)
        batch.add(store.StoredReport(report, report.to_json(), f"/t/{report.source}", report.id, "text", report.id))
    with store.open_write(tmp_path) as con:
        store.write_batch(con, batch)
    with Corpus(tmp_path) as corpus:
        agencies = corpus.vocabulary().index.agencies
        by_form: dict[str, set[str]] = {}
        for agency in agencies.values():
            for form, how in agency_forms(agency.name, agency.region):
                if how == "without province or city":
                    by_form.setdefault(form, set()).add(agency.name)
        form, names = next((f, n) for f, n in sorted(by_form.items()) if len(n) == 2)
        answer = ask(f"{form}2024年收到多少政府信息公开申请？", Conversation(), corpus)
    assert answer.plan.entities[0].ambiguous
    assert all(name in answer.text for name in names)
    assert any(form in w and all(n in w for n in names) for w in answer.warnings)
    assert {row[0] for row in answer.table["rows"]} == names


def test_a_scope_chosen_outside_fills_what_the_question_leaves_open(seeds_handle):
    scope = SimpleNamespace(year_from=2019, year_to=2019, region=(), agencies=(), level=None)
    answer = ask("哪些机关有行政诉讼？", Conversation(), seeds_handle, scope=scope)
    assert "安康高新区" in answer.text and "越城区" not in answer.text
    named = ask("2021年哪些机关有行政诉讼？", Conversation(), seeds_handle, scope=scope)
    assert "越城区" in named.text and "安康高新区" not in named.text  # the question's own year wins


def test_a_phrasing_the_names_miss_falls_back_to_embedding_similarity(seeds_handle):
    answer = ask("大涌镇2022年发出的罚单有多少？", Conversation(), seeds_handle)
    assert answer.plan.metrics == ["active_disclosure.penalty.decisions"]
    assert "191件" in answer.text
    assert any("近似匹配" in w for w in answer.warnings)


def test_structured_answers_do_not_load_the_model(seeds):
    """Only narrative answers (and the metric fallback) need the embedding model."""
    code = (
        "import sys\n"
        "from qa import Conversation, Corpus, ask\n"
        f"answer = ask('大涌镇2022年行政处罚决定有多少件？', Conversation(), Corpus({str(seeds)!r}))\n"
        "assert '191件' in answer.text, answer.text\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------


def test_ask_json_is_one_object_per_question(seeds):
    result = CliRunner().invoke(cli, ["ask", "--data", str(seeds), "--json",
                                      "大涌镇2022年行政处罚决定有多少件？", "那行政强制呢？", "大涌镇存在哪些主要问题？"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 3
    for line in lines:
        # The fields tools rely on are all there (fields are added over time, never renamed).
        assert {"question", "answer", "table", "chart", "sources", "cells", "plan", "warnings", "audit"} <= set(line)
    first, second, third = lines
    assert first["question"] == "大涌镇2022年行政处罚决定有多少件？" and "191" in first["answer"]
    (cell,) = [c for c in first["cells"] if c["field"] == "active_disclosure.penalty.decisions"]
    assert cell == {"report_id": cell["report_id"], "source": "004_2621131c2785ac51.txt", "agency": "中山市大涌镇",
                    "year": 2022, "field": "active_disclosure.penalty.decisions", "value": 191.0}
    assert second["plan"]["follow_up"] and second["plan"]["inherited"] == ["agencies", "years"]
    assert "1件" in second["answer"] and second["plan"]["read_as_zh"] in second["answer"]
    assert second["plan"]["queries"][0]["sql"].startswith("SELECT")
    assert third["sources"] and all(set(s) == {"report_id", "source", "agency", "year", "section", "kind", "text"}
                                    for s in third["sources"])
    assert all(s["source"] == "004_2621131c2785ac51.txt" and s["section"] == 5 for s in third["sources"])
    assert check(third, {"sources_from": ["004_2621131c2785ac51.txt"], "source_section": 5}) == []


def test_ask_prints_text_table_and_warnings(seeds):
    result = CliRunner().invoke(cli, ["ask", "--data", str(seeds), "Which agencies had lawsuits?"])
    assert result.exit_code == 0, result.output
    assert "绍兴市越城区人民政府办公室" in result.output and "安康高新区" in result.output
    assert "Agency" in result.output  # the table's header


def test_ask_without_a_corpus_says_what_to_do(tmp_path):
    result = CliRunner().invoke(cli, ["ask", "--data", str(tmp_path / "none"), "越城区收到多少申请"])
    assert result.exit_code == 1
    assert "gongkai ingest" in result.output


def test_eval_prints_accuracy_per_intent(seeds):
    result = CliRunner().invoke(cli, ["eval", str(EXAMPLES), "--data", str(seeds), "--strict"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^lookup\s+7\s+7\s+100\.0%$", result.output, re.M)
    assert re.search(r"^all\s+13\s+13\s+100\.0%$", result.output, re.M)


def test_eval_reports_failures(seeds, tmp_path):
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text(json.dumps({"id": "w1", "intent": "lookup", "turns": ["越城区2021年收到多少申请？"],
                                 "expect": [{"numbers": [37]}]}, ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(wrong), "--data", str(seeds), "--strict"])
    assert result.exit_code == 1
    assert "w1#1 [lookup]" in result.output and "number 37 not in the answer" in result.output


def test_chat_answers_until_exit(seeds):
    result = CliRunner().invoke(cli, ["chat", "--data", str(seeds)],
                                input="将乐县2024年收到多少申请？\n那行政诉讼呢？\nexit\n")
    assert result.exit_code == 0, result.output
    assert "5件" in result.output and "理解为" in result.output


# ---------------------------------------------------------------------------
# The optional language model, against a real HTTP server
# ---------------------------------------------------------------------------


class _Endpoint(BaseHTTPRequestHandler):
    reply = ""
    requests: list[dict] = []
    llm: Endpoint

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "body": body})
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": type(self).reply}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data.encode("utf-8"))

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endpoint():
    server = HTTPServer(("127.0.0.1", 0), _Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Endpoint.requests = []
    _Endpoint.llm = Endpoint(f"http://127.0.0.1:{server.server_port}/v1", "tiny")
    yield _Endpoint
    server.shutdown()
    server.server_close()


def test_rephrasing_with_the_facts_numbers_is_used(seeds_handle, endpoint):
    endpoint.reply = "中山市大涌镇在2022年共作出191件行政处罚决定。"
    answer = ask("大涌镇2022年行政处罚决定有多少件？", Conversation(), seeds_handle, llm=endpoint.llm)
    # The scope line is added after rephrasing: a model cannot drop it.
    assert answer.rephrased and answer.text == f"{endpoint.reply}\n{answer.scope}"
    assert "191件" in answer.composed
    (request,) = endpoint.requests
    assert request["path"] == "/v1/chat/completions" and request["body"]["model"] == "tiny"
    sent = json.loads(request["body"]["messages"][-1]["content"])
    assert sent["answer"] == answer.composed and sent["question"] == "大涌镇2022年行政处罚决定有多少件？"


def test_rephrasing_with_a_wrong_number_is_rejected(seeds_handle, endpoint):
    endpoint.reply = "中山市大涌镇在2022年共作出192件行政处罚决定。"
    answer = ask("大涌镇2022年行政处罚决定有多少件？", Conversation(), seeds_handle, llm=endpoint.llm)
    assert not answer.rephrased and answer.text == f"{answer.composed}\n{answer.scope}"
    assert "191件" in answer.text and "192" not in answer.text
    assert any("192" in w and "弃用" in w for w in answer.warnings)


def test_the_sidebar_scope_reaches_the_answer(seeds_handle):
    """The app's filters (index.tables.summary.Scope) narrow what a question leaves open."""
    from index.tables.summary import Scope

    question = "哪些机关有行政诉讼？"
    everywhere = ask(question, Conversation(), seeds_handle)
    assert "安康高新区" in everywhere.text and "越城区" in everywhere.text
    in_2021 = ask(question, Conversation(), seeds_handle, scope=Scope(year_from=2021, year_to=2021))
    assert "越城区" in in_2021.text and "安康高新区" not in in_2021.text
    in_shaanxi = ask(question, Conversation(), seeds_handle, scope=Scope(region=(("province", "陕西省"),)))
    assert "安康高新区" in in_shaanxi.text and "越城区" not in in_shaanxi.text
    # What the question itself says wins over the scope.
    named = ask("2019年哪些机关有行政诉讼？", Conversation(), seeds_handle,
                scope=Scope(year_from=2021, year_to=2021))
    assert "安康高新区" in named.text


def test_a_balance_question_about_one_balanced_report_says_so(seeds_handle):
    """Regression: a quality question whose agency has no failed check crashed (empty rule column),
    and an empty list of failed checks was reported as "no report matches".  It now says that every
    check passes, with table 三's figures (36 + 2 = 38 + 0)."""
    for question in ("越城区表三的勾稽关系对得上吗", "绍兴越城区2021年报的统计表平不平衡？"):
        answer = ask(question, Conversation(), seeds_handle)
        assert "全部核对通过" in answer.text and "38" in answer.text
        assert not any("没有符合这些条件的报告" in w for w in answer.warnings)


@pytest.fixture(scope="module")
def pre_2019(tmp_path_factory) -> Corpus:
    """A 2015 report (no national template) of ../shared/real, tables only."""
    from corpus.ingest import ingest

    files = tmp_path_factory.mktemp("pre2019-files")
    (files / "2015.txt").write_bytes((ROOT.parent / "shared" / "real" / "crawl" / "14.txt").read_bytes())
    data = tmp_path_factory.mktemp("pre2019")
    assert not ingest([files], data, workers=1, progress=False, passages=False).failed
    with Corpus(data) as corpus:
        yield corpus


@pytest.mark.parametrize("question", [
    "平潭综合实验区2015年收到多少政府信息公开申请？",
    "2015年平潭综合实验区接到过多少件信息公开申请？",
    "How many disclosure requests did Pingtan Comprehensive Experimental Zone receive in 2015?",
])
def test_a_pre_2019_report_answers_from_the_figures_it_states(pre_2019, question):
    """Read in the 2015 report: "2015年全区未收到有关政府信息公开申请。" and its own table's 2015 column 0.
    The answer quotes the sentence, gives 0 and says it is not a table cell."""
    answer = ask(question, Conversation(), pre_2019)
    assert "2015年全区未收到有关政府信息公开申请" in answer.text
    assert re.search(r"(?<![\d.])0条", answer.text)
    assert "不是统计表单元格" in answer.text or "not table cells" in answer.text
