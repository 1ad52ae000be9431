"""What a reader sees is in the interface's language and in plain words (no Streamlit, no browser).

* how a question was read (gongkai.ui.plain_words.reading_rows): no intent keys, metric keys
  or "zh"; names in the interface's language;
* an English answer's warnings and data-quality table: no Chinese except report data (agency
  names from the store, text “in quotation marks”), no rule id; the rule ids in ``audit``;
* upload refusals and failures: said in Chinese in the Chinese interface.
"""

from __future__ import annotations

import re

import pytest

from corpus.upload import FAILED, REJECTED, ingest_uploads
from gongkai.ui.plain_words import outcome_words, reading_rows, script_name, template_name
from qa import ask
from tests.conftest import seed_path

HAN = re.compile(r"[\u3400-\u9fff]")
QUOTED = re.compile(r"“[^”]*”")
RULE_ID = re.compile(r"\b(?:narrative|applications|review_litigation)\.[a-z_.]+")


@pytest.fixture(scope="module")
def agencies(seeds) -> list[str]:
    rows = seeds.connection().execute("SELECT DISTINCT agency FROM reports").fetchall()
    return sorted((r[0] for r in rows), key=len, reverse=True)


def chinese_left(text: str, agencies: list[str]) -> list[str]:
    """Chinese characters of ``text`` outside report data (quotations and agency names)."""
    text = QUOTED.sub("", text)
    for name in agencies:
        text = text.replace(name, "")
    return HAN.findall(text)


def test_how_a_question_was_read_in_english(seeds):
    answer = ask("Which agencies had lawsuits in 2021?", corpus=seeds)
    rows = {piece: read for piece, _, read, _ in reading_rows(answer.plan.readings, "en")}
    assert rows["Kind of question"] == "list of agencies"
    assert rows["Answer language"] == "English"
    assert rows["Figure"] == "lawsuits (direct and after reconsideration), total"
    assert not any(HAN.search(piece + read) for piece, _, read, _ in reading_rows(answer.plan.readings, "en"))
    assert not any("intent" in read or "review_litigation" in read for read in rows.values())


def test_how_a_question_was_read_in_chinese(seeds):
    answer = ask("2021年哪些机关有行政诉讼?", corpus=seeds)
    rows = {piece: read for piece, _, read, _ in reading_rows(answer.plan.readings, "zh")}
    assert rows == {"回答语言": "中文", "年份": "2021年", "指标": "行政诉讼·总计", "问题类型": "列出符合条件的机关"}


def test_script_and_form_named_in_words():
    assert (script_name("simplified", "zh"), script_name("traditional", "zh")) == ("简体", "繁体")
    assert script_name("traditional", "en") == "Traditional Chinese"
    assert template_name("2021", "zh") == "2021年版全国统一表格"
    assert template_name("unknown", "en") == "no national template (a pre-2019 report)"


def test_english_warning_is_plain_and_keeps_its_rule_for_audit(seeds, agencies):
    # Seed 002 (安康高新区 2019): "未發生…行政復議和訴訟案件", table 四 直接起诉 3 + 复议后起诉 0.
    answer = ask("How many lawsuits did Ankang have in 2019?", corpus=seeds)
    (warning,) = [w for w in answer.warnings if "lawsuit" in w and "table" in w]
    assert warning == "安康高新区's 2019 report: The text says there was no lawsuit, but the table gives 3 for lawsuits."
    for text in answer.warnings:
        assert chinese_left(text, agencies) == [], text
        assert not RULE_ID.search(text), text
    (audit,) = [a for a in answer.audit if a["text"] == warning]
    assert audit["rule"] == "narrative.review_litigation.litigation.total"
    assert audit["detail"].endswith("table says 3") and audit["year"] == 2019
    assert answer.to_dict()["audit"] == answer.audit


@pytest.mark.parametrize("question", ["Which reports have data problems?",
                                      "Does the text of Ankang's 2019 report agree with its tables?",
                                      "Which reports have tables that do not add up?"])
def test_english_data_quality_answers_have_no_chinese_but_report_data(seeds, agencies, question):
    answer = ask(question, corpus=seeds)
    table = answer.table or {"columns": [], "rows": []}
    shown = [answer.text, *answer.warnings, *map(str, table["columns"])]
    shown += [str(cell) for row in table["rows"] for cell in row]
    for text in shown:
        assert chinese_left(text, agencies) == [], text
        assert not RULE_ID.search(text), text
    problems = {row[2] for row in table["rows"]}
    assert not problems & {"balance", "narrative", "unit", "copied"}, problems


def test_upload_refusals_in_chinese(tmp_path):
    outcomes = ingest_uploads([("virus.exe", b"MZ"), ("fake.pdf", "这不是PDF".encode()),
                               ("notes.txt", "会议纪要,与年报无关。".encode()), ("empty.txt", b"")], tmp_path, limit=10**7)
    assert [o.status for o in outcomes] == [REJECTED, REJECTED, FAILED, REJECTED]
    assert [o.code for o in outcomes] == ["extension", "not_pdf", "not_report", "empty"]
    zh = [outcome_words(o, "zh") for o in outcomes]
    assert zh == ["不接受扩展名为 .exe 的文件;请上传 .txt, .htm, .html, .docx, .pdf 文件",
                  "文件开头不是PDF格式(没有 %PDF- 标记)",
                  "文件中没有找到年报的标题、章节或统计表,不像是政府信息公开工作年度报告",
                  "文件是空的"]
    en = [outcome_words(o, "en") for o in outcomes]
    assert en[0] == "files ending in .exe are not accepted; upload .txt, .htm, .html, .docx, .pdf files"
    assert not any(HAN.search(text) for text in en), en


def test_a_stored_files_failed_checks_in_plain_words(tmp_path):
    # Seed 001 (将乐县 2024): the text says 废止或宣布失效规范性文件13件, table 二 本年废止件数 4.
    (outcome,) = ingest_uploads([("jiangle.txt", seed_path("001").read_bytes())], tmp_path, limit=10**7)
    assert outcome.checks == [("narrative.active_disclosure.normative_documents.repealed",
                               "text says “废止或宣布失效规范性文件13件” (13), table says 4")]
    assert outcome_words(outcome, "zh") == ("1项校验未通过:正文称“废止或宣布失效规范性文件13件”，"
                                            "表格中行政规范性文件本年废止件数为4件。")
    assert "narrative." not in outcome_words(outcome, "en")
