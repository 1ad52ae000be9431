"""The narrative cross-check on statements written the ways reports write them."""

from __future__ import annotations

import pytest

from parsing.checks import narrative_checks

APPS = {"new_received": {"total": 3}, "carried_over": {"total": 1}, "total_processed": {"total": 4}}
REVIEW = {"review": {"total": 2}, "litigation_direct": {"total": 1}, "litigation_after_review": {"total": 0}}
ACTIVE = {"normative_documents": {"issued": 5, "repealed": 2, "in_force": 40}}
TABLES = {"applications": APPS, "review_litigation": REVIEW, "active_disclosure": ACTIVE}


@pytest.mark.parametrize("text, rule, ok", [
    ("全年收到政府信息公开申请3件。", "narrative.applications.requests", True),
    ("全年共办理政府信息公开申请4件。", "narrative.applications.requests", True),
    ("全年收到政府信息公开申请7件。", "narrative.applications.requests", False),
    ("全年未收到政府信息公开申请。", "narrative.applications.requests", False),
    ("因信息公开引起行政复议2件,行政诉讼1件。", "narrative.review_litigation.review.total", True),
    ("因信息公开引起行政复议2件,行政诉讼1件。", "narrative.review_litigation.litigation.total", True),
    ("全年未发生政府信息公开行政复议和诉讼案件。", "narrative.review_litigation.litigation.total", False),
    ("全年未发生政府信息公开行政复议和诉讼案件。", "narrative.review_litigation.review.total", False),
    ("制定规范性文件5件,废止规范性文件9件。", "narrative.active_disclosure.normative_documents.repealed", False),
    ("制定规范性文件5件,废止规范性文件2件,现行有效40件。",
     "narrative.active_disclosure.normative_documents.in_force", True),
    # A total followed by its parts: the parts do not contradict the table.
    ("关于规范性文件:本年共废止文件2份,其中1份因到期自动失效。",
     "narrative.active_disclosure.normative_documents.repealed", True),
])
def test_narrative_checks(text, rule, ok):
    checks = {c.rule: c for c in narrative_checks(text, TABLES, "2021")}
    assert checks[rule].ok is ok, checks[rule].detail


@pytest.mark.parametrize("text", [
    "主动公开信息中发布行政规范性文件26件,图文解读19件。",  # 发布 is not 制发
    "事先事中做好复议诉讼准备。",
    "无正当理由大量反复申请的,不予处理。",
])
def test_statements_that_claim_nothing(text):
    assert narrative_checks(text, TABLES, "2021") == []


def test_unknown_template_is_not_cross_checked():
    assert narrative_checks("全年收到政府信息公开申请7件。", TABLES, "unknown") == []
