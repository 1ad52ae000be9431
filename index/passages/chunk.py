"""Report narrative → searchable passages: the one place a passage is chunked.

Each section is cut at the report's own sub-item boundaries — (一)(二), 一是/二是, 1./2.,
then paragraphs, then sentences — and the pieces are merged or split towards
``chunk_chars`` characters.  Section 五 is first split into the problems found and the
measures planned.  Table dumps inside sections 二–四 are not narrative and are skipped.

Traditional-script text is kept as written in ``text``; ``simplified`` is what BM25
tokenises and the embedding model encodes, so simplified queries match it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from index.passages.settings import IndexSettings
from index.passages.topics import MEASURE_CUES, MEASURE_LEADS, PROBLEM_CUES, tag_topics
from parsing.meta import to_simplified
from parsing.record import Report
from parsing.template import IMPROVEMENT_MARKERS, PROBLEM_MARKERS, SECTIONS
from parsing.vocabulary import CHINESE_UNITS, HEADING_DIGITS

KINDS = ("overview", "active_disclosure", "requests", "review_litigation", "problems", "measures", "other")
_KIND_OF_SECTION = {s.no: s.kind for s in SECTIONS}
PROBLEMS_SECTION = 5
# Sections whose body is mostly the statistics tables: only sentences count as narrative.
_TABLE_SECTIONS = frozenset({2, 3, 4})
# A passage needs this many letters or digits to be worth indexing ("(无)" is not).
_MIN_CONTENT = 6
PIECE_MIN_CHARS = 20


@dataclass
class Passage:
    """A searchable piece of one report's narrative."""

    id: str
    report_id: str
    source: str
    agency: str | None
    year: int | None
    province: str | None
    city: str | None
    county: str | None
    township: str | None
    section_no: int
    section_title: str
    kind: str
    ordinal: int
    marker: str
    text: str
    simplified: str
    topics: list[str] = field(default_factory=list)
    duplicate_of: str | None = None

    @property
    def region(self) -> str:
        return "".join(p for p in (self.province, self.city, self.county, self.township) if p)

    @property
    def hash(self) -> str:
        """sha1 of the text the model encodes: the key of the embedding cache."""
        return text_hash(self.simplified)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def embedding_pieces(simplified: str) -> list[str]:
    """The sentences of a passage that the dense retriever encodes one by one.

    A mean-pooled vector of a passage that lists several measures is the average of
    them all; a vector per sentence keeps each findable (Recall@5 of the dense retriever
    on the labelled set rose from 0.75 to 0.91).  A passage scores as its best piece.
    Fragments shorter than ``PIECE_MIN_CHARS`` join their neighbour.
    """
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(simplified):
        sentence = sentence.strip()
        if not sentence:
            continue
        if pieces and (len(pieces[-1]) < PIECE_MIN_CHARS or len(sentence) < PIECE_MIN_CHARS // 2):
            pieces[-1] += sentence
        else:
            pieces.append(sentence)
    return pieces or [simplified]


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


# Section kinds tried on a title's words, most specific first: "因政府信息公开申请行政复议…"
# is about reconsideration, not requests; "存在的主要问题及改进情况" about problems.
_TITLE_ORDER = ("problems", "review_litigation", "other", "requests", "active_disclosure", "overview")


def section_kind(no: int, title: str = "") -> str:
    """A section's kind by the words of its title, else by its number on the national template.

    Reports before 2019 number their sections their own way (六、主要问题和改进措施 in 2015,
    四、… in 2011): the title says what a section is wherever it stands.
    """
    simplified = to_simplified(title)
    by_kind = {s.kind: s for s in SECTIONS}
    for kind in _TITLE_ORDER:
        section = by_kind.get(kind)
        if section is not None and simplified and any(w in simplified for w in section.match):
            return kind
    return _KIND_OF_SECTION.get(no, "other")


def chunk_report(report: Report, chunk_chars: int = IndexSettings.chunk_chars) -> list[Passage]:
    """The report's narrative as passages, in reading order."""
    target = int(chunk_chars)
    passages: list[Passage] = []
    region = report.region
    for section in report.sections:
        body = narrative_text(section.text, section.no in _TABLE_SECTIONS)
        if not body:
            continue
        kind = section_kind(section.no, section.title)
        if kind == _KIND_OF_SECTION[PROBLEMS_SECTION]:
            blocks = split_problems_measures(body)
        else:
            blocks = [(kind, body)]
        for kind, block in blocks:
            for marker, text in chunk_text(block, target):
                simplified = aligned_simplified(text)
                if _content_length(simplified) < _MIN_CONTENT:
                    continue
                ordinal = len(passages)
                passages.append(Passage(
                    id=f"{report.id}-{ordinal:03d}",
                    report_id=report.id,
                    source=report.source,
                    agency=report.agency,
                    year=report.year,
                    province=region.province,
                    city=region.city,
                    county=region.county,
                    township=region.township,
                    section_no=section.no,
                    section_title=section.title,
                    kind=kind,
                    ordinal=ordinal,
                    marker=marker,
                    text=text,
                    simplified=simplified,
                    topics=tag_topics(simplified),
                ))
    return passages


# ---------------------------------------------------------------------------
# Narrative lines
# ---------------------------------------------------------------------------

_NUMBERS_ONLY = re.compile(r"^[\d\s.,，、%％/／\-—()（）万元件条个]*$")


def narrative_text(text: str, table_section: bool) -> str:
    """``text`` without the lines of a table dump.

    Table rows are printed with pipes or one cell per line; narrative lines are
    sentences.  In the table sections a line must hold a full stop to count.
    """
    keep = []
    for line in text.split("\n"):
        line = line.strip()
        if not line or "|" in line or "｜" in line or _NUMBERS_ONLY.match(line):
            continue
        if table_section and "。" not in line:
            continue
        keep.append(line)
    return "\n".join(keep)


def _content_length(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def aligned_simplified(text: str) -> str:
    """``text`` in simplified script, character for character (same length, same offsets)."""
    simplified = to_simplified(text)
    if len(simplified) == len(text):
        return simplified
    # A phrase conversion changed the length: convert one character at a time instead.
    out = []
    for ch in text:
        converted = to_simplified(ch)
        out.append(converted if len(converted) == 1 else ch)
    return "".join(out)


# ---------------------------------------------------------------------------
# Section 五: problems found and measures planned
# ---------------------------------------------------------------------------

# Where a segment may begin: the start, after a line break or a sentence end, or at an
# item marker such as "(二)".
_SEGMENT_START = re.compile(r"(?:^|(?<=[\n。；;！!？?]))\s*|[(（][一二三四五六七八九十]{1,2}[)）]")
_MARKER_WINDOW = 24
_SEGMENT_END = re.compile(r"[\n。；;！!？?]")


def split_problems_measures(text: str) -> list[tuple[str, str]]:
    """Section 五 as [("problems", …), ("measures", …)] blocks, empty ones left out.

    The measures start at the first segment that opens with an improvement marker
    (改进措施, 下一步, 努力方向 …, see ``parsing.template``) and names no problem; else
    where the numbering starts over ("一是…四是… 2024年我办将…: 一是…"), the second list
    being the measures.  A section with neither is classified item by item by its wording.
    """
    simplified = aligned_simplified(text)
    start = measures_start(simplified)
    if start is None:
        start = second_list_start(simplified)
    if start is not None:
        blocks = [("problems", text[:start].strip()), ("measures", text[start:].strip())]
        return [(kind, block) for kind, block in blocks if block]
    return _classify_units(text)


def second_list_start(simplified: str) -> int | None:
    """Where a second enumeration begins, counted from the start of its lead-in sentence.

    The second list must use the first list's item style or an outer one, so sub-items
    numbered inside an item ((一) … 一是 二是) do not count as a restart.
    """
    first: tuple[int, re.Match[str]] | None = None
    for style, pattern in enumerate(_LEVELS):
        marks = _item_marks(simplified, pattern)
        if marks and (first is None or marks[0].start(1) < first[1].start(1)):
            first = (style, marks[-1])
    if first is None:
        return None
    style, last = first
    for pattern in _LEVELS[:style + 1]:
        for match in pattern.finditer(simplified, last.end(1)):
            if _number(match.group(2)) != 1 or not _item_marks(simplified[match.start(1):], pattern):
                continue
            # Back up to the start of the lead-in ("2024年我办将…:"), which ends at the list.
            ends = [m.end() for m in _SEGMENT_END.finditer(simplified, last.end(1), match.start(1))
                    if simplified[m.end():match.start(1)].strip()]
            return ends[-1] if ends else match.start(1)
    return None


def measures_start(simplified: str) -> int | None:
    """Offset where the measures half of section 五 begins, if a heading says so."""
    for match in _SEGMENT_START.finditer(simplified):
        begin = match.end() if not match.group(0).strip() else match.start()
        # The segment's opening words, up to its own end: a heading, not the next one.
        window = _SEGMENT_END.split(simplified[begin:begin + _MARKER_WINDOW], 1)[0]
        if any(m in window for m in IMPROVEMENT_MARKERS) and not any(m in window for m in PROBLEM_MARKERS):
            return begin
    return None


_ITEM_HEAD = re.compile(r"^\s*(?:[(（]?[一二三四五六七八九十\d]{1,3}[)）.、．]|[一二三四五六七八九十]{1,3}是)\s*")
_MEASURE_LEAD = re.compile(r"^\s*(?:(?:19|20)\d{2}\s*年度?\s*[,，]?\s*)?(?:我[区县市镇办局委乡]|我们|本[区县市镇办局]|[^\s,，。]{0,8}?)?"
                           r"(?:" + "|".join(MEASURE_LEADS) + ")")


def _with_measure_leads(units: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The units, with a sentence that announces the measures ("2015年，我区将…") cut off the
    item it trails as a unit of its own."""
    out: list[tuple[str, str]] = []
    for marker, unit in units:
        sentences = [s for s in _SENTENCE_END.split(unit) if s.strip()]
        cut = next((i for i, s in enumerate(sentences) if i and re.match(r"^\s*(?:(?:19|20)\d{2}\s*年|下一步|下步)", s)
                    and _MEASURE_LEAD.match(aligned_simplified(s))), None)
        if cut is None:
            out.append((marker, unit))
        else:
            out.append((marker, "".join(sentences[:cut]).strip()))
            out.append(("", "".join(sentences[cut:]).strip()))
    return out


def _classify_units(text: str) -> list[tuple[str, str]]:
    """Section 五 with no heading between its halves: each unit by its wording.

    An untitled preamble that names a problem is the problems half (it often reads
    "…等问题, 下一步做好以下工作:"); an item is a problem when problem words outnumber
    measure words, and on a tie takes the kind of the unit before it.
    """
    blocks: list[tuple[str, str]] = []
    previous = lead = "problems"
    for marker, unit in _with_measure_leads(split_units(text, 0)):
        simplified = aligned_simplified(unit)
        problem = sum(simplified.count(w) for w in PROBLEM_CUES)
        measure = sum(simplified.count(w) for w in MEASURE_CUES)
        head = _ITEM_HEAD.sub("", simplified, count=1)
        if not marker:
            kind = lead = "problems" if problem else "measures"
        elif head.startswith(MEASURE_CUES):
            kind = "measures"  # 一是加强… : an item that opens with a verb of doing
        elif problem > measure or lead == "problems":
            kind = "problems"  # the items of "存在以下问题：" are problems unless they open with a verb
        elif measure > problem:
            kind = "measures"
        else:
            kind = previous
        if blocks and blocks[-1][0] == kind:
            blocks[-1] = (kind, blocks[-1][1] + "\n" + unit)
        else:
            blocks.append((kind, unit))
        previous = kind
    return blocks


# ---------------------------------------------------------------------------
# Chunking
# ---------------------------------------------------------------------------

_CN_DIGITS = {**HEADING_DIGITS, "十": CHINESE_UNITS["十"]}
_CN = "[一二三四五六七八九十]{1,3}"
# Item styles from outermost to innermost: (一), 一是, 1.
_LEVELS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"(?:^|(?<=[\n。；;：:！!？?\s]))([(（]({_CN})[)）])"),
    re.compile(rf"(({_CN})是)"),
    re.compile(r"(?:^|(?<=[\n。；;：:！!？?\s]))((\d{1,2})[.、．](?!\d))"),
)
_SENTENCE_END = re.compile(r"(?<=[。；;！!？?\n])")


def _number(token: str) -> int:
    if token.isdigit():
        return int(token)
    if len(token) == 1:
        return _CN_DIGITS.get(token, 0)
    tens, _, ones = token.partition("十")
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _item_marks(text: str, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    """Marks of one style that count 1, 2, 3 … in order (other matches are prose).

    The count stops where it starts over at 1: that is a second list.
    """
    marks: list[re.Match[str]] = []
    for match in pattern.finditer(text):
        number = _number(match.group(2))
        if number == len(marks) + 1:
            marks.append(match)
        elif number == 1 and len(marks) >= 2:
            break
    return marks if len(marks) >= 2 else []


def _split_at(text: str, marks: list[re.Match[str]]) -> list[tuple[str, str]]:
    units = []
    head = text[:marks[0].start(1)].strip()
    if head:
        units.append(("", head))
    for mark, nxt in zip(marks, [*marks[1:], None]):
        end = nxt.start(1) if nxt else len(text)
        units.append((mark.group(1), text[mark.start(1):end].strip()))
    return units


def split_units(text: str, level: int) -> list[tuple[str, str]]:
    """(marker, text) units at the outermost item style from ``level`` on that the text uses.

    Falls back to paragraphs, then sentences; a unit keeps its marker in its text.
    """
    shadow = aligned_simplified(text)
    for pattern in _LEVELS[level:]:
        marks = _item_marks(shadow, pattern)
        if marks:
            return _split_at(text, marks)
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    if len(paragraphs) > 1:
        return [("", p) for p in paragraphs]
    return [("", s.strip()) for s in _SENTENCE_END.split(text) if s.strip()]


def chunk_text(text: str, target: int) -> list[tuple[str, str]]:
    """(marker, passage) pieces of ``text``: one per item, merged or split towards ``target``."""
    longest, shortest = target * 3 // 2, target // 5
    return _merge(_pieces(text, 0, longest), target, longest, shortest)


def _pieces(text: str, level: int, longest: int) -> list[tuple[str, str]]:
    """Units no longer than ``longest``: an item too long is cut at its own sub-items."""
    units = split_units(text, level)
    if len(units) == 1 and units[0][1] == text.strip() and len(text) > longest:
        return _by_sentences(text, longest)
    out: list[tuple[str, str]] = []
    for marker, unit in units:
        if len(unit) <= longest:
            out.append((marker, unit))
            continue
        # The item's own marker stays in its first piece's text; that piece, when it is
        # only the item's title, then reads as a lead-in to the sub-item after it.
        out.extend(_pieces(unit, _inner_level(marker, level), longest))
    return out


def _inner_level(marker: str, level: int) -> int:
    """The item style to cut a too-long unit by: the one inside its own marker's style."""
    style = _style(marker)
    return level if style is None else style + 1


def _by_sentences(text: str, longest: int) -> list[tuple[str, str]]:
    """Sentences packed greedily up to ``longest``; a longer sentence is cut in windows."""
    out: list[tuple[str, str]] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        if current and len(current) + len(sentence) > longest:
            out.append(("", current.strip()))
            current = ""
        current += sentence
    if current.strip():
        out.append(("", current.strip()))
    return [piece for _, part in out for piece in _windows(part, longest)]


def _windows(text: str, longest: int) -> list[tuple[str, str]]:
    """Text with no sentence end to cut at (rare: lists pasted as one line): fixed windows."""
    return [("", text[i:i + longest]) for i in range(0, len(text), longest)]


def _style(marker: str) -> int | None:
    """Which item style ``marker`` is written in (index into ``_LEVELS``), None for none."""
    for i, pattern in enumerate(_LEVELS):
        if marker and pattern.match(marker):
            return i
    return None


def _merge(units: list[tuple[str, str]], target: int, longest: int, shortest: int) -> list[tuple[str, str]]:
    """Join units shorter than ``shortest`` to a neighbour.

    A short unmarked unit (a lead-in such as "下一步改进措施:") goes with the item after
    it, up to ``longest``.  Short items join the sibling items of their own style, up to
    half of ``target``, so that a passage names one or two measures, not a whole list; a
    short item of another style stays alone: it is a separate point of the report.
    """
    out: list[tuple[str, str]] = []
    lead = ""
    for marker, unit in units:
        if lead and len(lead) + len(unit) + 1 <= longest:
            unit = lead + "\n" + unit
        elif lead:
            out.append(("", lead))
        lead = ""
        if not marker and len(unit) < shortest:
            lead = unit
            continue
        if out and _style(marker) is not None and _style(marker) == _style(out[-1][0]) \
                and (len(out[-1][1]) < shortest or len(unit) < shortest) \
                and len(out[-1][1]) + len(unit) + 1 <= target // 2:
            out[-1] = (out[-1][0], out[-1][1] + "\n" + unit)
        else:
            out.append((marker, unit))
    if lead:
        if out and len(out[-1][1]) + len(lead) + 1 <= longest:
            out[-1] = (out[-1][0], out[-1][1] + "\n" + lead)
        else:
            out.append(("", lead))
    return out
