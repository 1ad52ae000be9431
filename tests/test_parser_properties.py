"""Property tests: no input, however mangled, makes the parser raise anything but ParseError.

Inputs mix the template's own labels, digit runs, absent markers, pipes and newlines, so
hypothesis reaches deep into the table matchers rather than stopping at "not a report".
A ParseError that merely wraps an internal crash (its ``__cause__`` is a foreign
exception) fails the test too: it would hide a bug behind a polite message.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsing import parse_bytes, parse_text
from parsing.errors import GongkaiError, ParseError
from parsing.record import Report
from parsing.template import ABSENT_MARKERS, RESULT_GROUPS, SECTIONS, TEMPLATES

LABELS = sorted({
    *(r.label for t in TEMPLATES.values() for table in t.tables.values() for r in table.rows),
    *(c.label for t in TEMPLATES.values() for table in t.tables.values() for c in table.columns),
    *(table.heading for t in TEMPLATES.values() for table in t.tables.values()),
    *(m for t in TEMPLATES.values() for m in t.markers),
    *(g[0] for g in RESULT_GROUPS.values()),
    *(s.title for s in SECTIONS),
    "示例区2022年政府信息公开工作年度报告", "发布日期:2023-01-10", "三、本年度办理结果", "万元", "元",
})

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

tokens = st.one_of(
    st.sampled_from(LABELS),
    st.from_regex(r"-?\d{1,12}(\.\d{1,4})?", fullmatch=True),
    st.sampled_from(ABSENT_MARKERS),
    st.text(max_size=8),
)
separators = st.sampled_from([" | ", "|", "\n", " ", "", "\t", "\n\n", "｜", "\r\n"])


@st.composite
def report_like_text(draw) -> str:
    parts = draw(st.lists(st.tuples(tokens, separators), max_size=120))
    return "".join(token + sep for token, sep in parts)


def _assert_clean_failure(error: ParseError) -> None:
    cause = error.__cause__
    assert cause is None or isinstance(cause, GongkaiError), f"internal crash behind {error!r}: {cause!r}"


def _parse_text(text: str) -> None:
    try:
        report = parse_text(text, "prop.txt")
    except ParseError as error:
        _assert_clean_failure(error)
        return
    assert isinstance(report, Report)


def _parse_bytes(data: bytes, name: str) -> None:
    try:
        report = parse_bytes(data, name)
    except ParseError as error:
        _assert_clean_failure(error)
        return
    assert isinstance(report, Report)


@PROPERTY
@given(st.text(max_size=400))
def test_any_text_parses_or_raises_parse_error(text):
    _parse_text(text)


@PROPERTY
@given(report_like_text())
def test_template_soup_parses_or_raises_parse_error(text):
    _parse_text(text)


@PROPERTY
@given(st.binary(max_size=600), st.sampled_from(["x.txt", "x.html", "x.docx", "x.pdf", "x"]))
def test_any_bytes_parse_or_raise_parse_error(data, name):
    _parse_bytes(data, name)


@PROPERTY
@given(
    st.sampled_from([b"", b"PK\x03\x04", b"%PDF-1.7\n", b"<html><body>", b"<table><tr><td>", b"\xef\xbb\xbf",
                     b"\xff\xfe", b"\xfe\xff"]),
    report_like_text(),
    st.sampled_from(["utf-8", "gb18030", "big5", "utf-16-le"]),
    st.binary(max_size=40),
)
def test_encoded_and_prefixed_soup_parses_or_raises_parse_error(prefix, text, encoding, noise):
    data = prefix + text.encode(encoding, errors="ignore") + noise
    _parse_bytes(data, "soup.html" if prefix.startswith(b"<") else "soup.txt")
