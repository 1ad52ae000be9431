"""The report's sections (一 … 六) and their sub-items.

Headings are found on the simplified working lines; section text is taken from the
original lines, so traditional-script narrative stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from parsing.record import Section, SubItem
from parsing.template import SECTIONS, TEMPLATE_2019, TEMPLATE_2021, TEMPLATE_UNKNOWN, TEMPLATES
from parsing.vocabulary import HEADING_DIGITS, TITLE_ENDINGS, TITLE_MAX

_DIGITS = HEADING_DIGITS
# Heading numerals 一 … 九十九 (a pre-2019 report may run past 十: 十一、十二、…).
NUMERALS = {**_DIGITS, "十": 10, **{"十" + c: 10 + n for c, n in _DIGITS.items()},
            **{c + "十": 10 * n for c, n in _DIGITS.items() if n > 1},
            **{c + "十" + d: 10 * n + m for c, n in _DIGITS.items() if n > 1 for d, m in _DIGITS.items()}}
_HEADING = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．,，]\s*(\S.{0,45}?)\s*[?？|｜]*\s*$")
# Table row labels that look like headings ("一、本年新收…", "四、结转下年度继续办理").
_ROW_LIKE = ("本年新收", "上年结转", "结转下年度", "本年度办理结果", "办理结果")

_ITEM_MARKERS = (
    # (pattern, style) in order of preference: the first style the section uses wins.
    (re.compile(r"(?:^|(?<=[。；;:：\n]))\s*([(（][一二三四五六七八九十]{1,2}[)）])"), "paren"),
    (re.compile(r"([一二三四五六七八九十]{1,2}是)"), "shi"),
    (re.compile(r"(?:^|(?<=[。；;:：\n]))\s*(\d{1,2}[.、．](?!\d))"), "arabic"),
)


@dataclass(frozen=True)
class Heading:
    line: int
    no: int
    title: str


def _title_ok(title: str) -> bool:
    """A heading title: short, no table-row label, no pipe, no sentence inside it."""
    return bool(title) and not (any(k in title for k in _ROW_LIKE) or "|" in title
                                or len(title) > TITLE_MAX or "。" in title)


# A line whose text (after spaces and pipes) starts with a numeral: where candidates can stand.
_NUMERAL_LINE = re.compile(r"^[^\S\n]*[|｜]*[^\S\n]*[一二三四五六七八九十]", re.M)


def _numeral_lines(work_lines: Sequence[str]) -> Iterable[int]:
    """Indices of the lines that may open with a numeral (a superset, found in one pass)."""
    joined = "\n".join(work_lines)
    if joined.count("\n") != len(work_lines) - 1:  # a line holding a newline: look at every line
        yield from range(len(work_lines))
        return
    line, pos = 0, 0
    for match in _NUMERAL_LINE.finditer(joined):
        line += joined.count("\n", pos, match.start())
        pos = match.start()
        yield line


def _candidates(work_lines: Sequence[str]) -> list[Heading]:
    out = []
    for i in _numeral_lines(work_lines):
        line = work_lines[i]
        stripped = line.strip().strip("|｜").strip()
        if stripped[:1] not in NUMERALS:
            continue
        match = _HEADING.match(stripped)
        if not match or match.group(1) not in NUMERALS:  # 十一 is a numeral, 三四 is not
            continue
        title = match.group(2).strip().rstrip("?？").strip()
        if not _title_ok(title):
            continue
        out.append(Heading(i, NUMERALS[match.group(1)], title))
    return out


def _accept(candidates: Sequence[Heading], template: str) -> list[Heading]:
    """The candidates that are section headings, in order.

    For the national templates a candidate "N、title" is taken as section N when it comes
    after the previous heading and its title carries a keyword of section N; this skips
    table rows such as "一、本年新收…".  Reports on no template keep their own numbering.
    """
    found: list[Heading] = []
    expected = 1
    if template != TEMPLATE_UNKNOWN:
        for cand in candidates:
            if cand.no < expected or cand.no > len(SECTIONS):
                continue
            spec = SECTIONS[cand.no - 1]
            if any(k in _squeeze(cand.title) for k in spec.match):
                found.append(cand)
                expected = cand.no + 1
        return found
    for cand in candidates:
        if cand.no == expected or (found and cand.no == found[-1].no + 1):
            found.append(cand)
            expected = cand.no + 1
    return found


def find_headings(work_lines: Sequence[str], template: str) -> list[Heading]:
    """The section headings, in order (see :func:`_accept`)."""
    return _accept(_candidates(work_lines), template)


def _squeeze(title: str) -> str:
    """A title with the spaces OCR puts between characters removed ("总 体 情 况")."""
    return re.sub(r"\s+", "", title)


# ---------------------------------------------------------------------------
# Headings in any dress: markdown, bold, heading and text on one line, one-line bodies
# ---------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^\s*#{1,6}\s*")
_MD_BOLD = re.compile(r"\*\*|__")
# A numeral that may open a heading inside a line: at the start, or after a space, the end
# of a sentence, a closing bracket, or an ASCII letter or digit (an e-mail address, a table
# row's figures).  Never after a Chinese character ("统一、规范" is not a heading).
_INLINE = re.compile(r"(?:^|(?<=[\sA-Za-z0-9。；;！!？?）)」”』>】]))([一二三四五六七八九十]{1,2})[ \t]*[、.．,，][ \t]*")
# After any character, a numeral opens a heading only when the template's full section title
# follows it ("…32.52元三、收到和处理政府信息公开申请情况…").
_ANY_NUMERAL = re.compile(r"[一二三四五六七八九十][ \t]*[、.．,，]")
_INLINE_ANY = re.compile(r"([一二三四五六七八九十]{1,2})[ \t]*[、.．,，][ \t]*")
_FULL_TITLES: dict[int, tuple[str, ...]] = {
    spec.no: tuple(t for t in (spec.title, *spec.match) if len(t) >= 6) for spec in SECTIONS}
for _table in (*TEMPLATES[TEMPLATE_2021].tables.values(), *TEMPLATES[TEMPLATE_2019].tables.values()):
    _no = next(no for no, kind in ((2, "active_disclosure"), (3, "applications"), (4, "review_litigation"))
               if kind == _table.key)
    _FULL_TITLES[_no] += tuple(t for t in _table.heading_match if len(t) >= 6)
# Where a title stops at the latest: a space, a digit, a sub-item "（一）", a clause mark.
_TITLE_STOP = re.compile(r"\s|[0-9０-９]|[（(][一二三四五六七八九十0-9]|[。，,；;：:！!？?|｜]")
# What a heading alone on its line never holds (OCR may space its characters: "总 体 情 况").
_WHOLE_LINE_STOP = re.compile(r"[0-9０-９。，,；;！!？?]")
_TITLE_END = re.compile("|".join(map(re.escape, TITLE_ENDINGS)))


def unmark(line: str) -> str:
    """A line without markdown heading marks and bold ("## （一）…", "**一、总体情况**")."""
    if line.lstrip().startswith("#"):
        line = _MD_HEADING.sub("", line)
    if "**" in line or "__" in line:
        line = _MD_BOLD.sub("", line)
    return line


def _inline_title(line: str, start: int) -> int | None:
    """Where the title that starts at ``start`` ends, or ``None`` when there is no title.

    A title alone on its line runs to the end of the line.  A title followed by text ends at
    the longest stretch that ends with a title word (情况, 措施, 概述 …); failing that, at a
    space or a sub-item "（一）" right after it.
    """
    rest = line[start:]
    tokens = rest.split()
    if (len(rest.strip()) <= TITLE_MAX and not _WHOLE_LINE_STOP.search(rest)
            and (len(tokens) == 1 or max(map(len, tokens), default=0) <= 2)):
        return start + len(rest.rstrip()) if tokens else None  # the line is the heading
    stop = _TITLE_STOP.search(rest[:TITLE_MAX + 1])
    window = rest[:stop.start()] if stop else rest[:TITLE_MAX + 1]
    if not rest[len(window):].strip():
        return start + len(window.rstrip()) if window.strip() else None
    ends = [m.end() for m in _TITLE_END.finditer(window)]
    if ends:
        return start + max(ends)
    if stop and 2 <= len(window) <= TITLE_MAX and (rest[stop.start()].isspace() or rest[stop.start()] in "（("):
        return start + len(window)
    return None


@dataclass(frozen=True)
class _Inline:
    line: int
    start: int  # where the numeral stands in the line
    end: int  # where the title ends
    no: int
    title: str


def _inline_candidates(lines: Sequence[str], work_lines: Sequence[str],
                       convert: Callable[[list[str]], list[str]]) -> list[_Inline]:
    out: list[_Inline] = []
    found: list[_Inline] = []
    for i, line in enumerate(lines):
        if not _ANY_NUMERAL.search(line):
            continue
        work = work_lines[i] if len(work_lines[i]) == len(line) else None
        for m in _INLINE_ANY.finditer(line):
            end = _inline_title(line, m.end())
            if end is None or m.group(1) not in NUMERALS:
                continue
            raw = work[m.end():end] if work is not None else convert([line[m.end():end]])[0]
            title = raw.strip().rstrip("?？").strip()
            after_text = m.start() > 0 and not _INLINE.match(line, m.start())
            if after_text and not _squeeze(title).startswith(_FULL_TITLES.get(NUMERALS[m.group(1)], ("\0",))):
                continue
            if _title_ok(title):
                found.append(_Inline(i, m.start(1), end, NUMERALS[m.group(1)], title))
        out += _without_lists(line, found)
        found = []
    return out


_LIST_GAP = re.compile(r"^[\s；;，,、。.:：]*$")


def _without_lists(line: str, found: list[_Inline]) -> list[_Inline]:
    """Drop the titles of a contents list ("本报告包括：一、总体情况；二、主动公开…"): two or more
    numbered titles with nothing but punctuation between them are no headings."""
    keep = [True] * len(found)
    for k in range(1, len(found)):
        if _LIST_GAP.match(line[found[k - 1].end:found[k].start]):
            keep[k - 1] = keep[k] = False
    return [c for c, kept in zip(found, keep) if kept]


def split_headings(lines: list[str], work_lines: list[str], template: str,
                   convert: Callable[[list[str]], list[str]]) -> tuple[list[str], list[str]]:
    """``lines`` and ``work_lines`` with every section heading on a line of its own.

    A heading printed with its text on the same line ("一、总体情况 2024年，…"), or inside a
    crawled page's one-line body ("…联系。一、概述2018年以来…二、主动公开…"), is cut out of
    its line when it is accepted as a section heading by the same rule as
    :func:`find_headings`; ``convert`` turns original lines into working lines.
    """
    inline = _inline_candidates(lines, work_lines, convert)
    if not inline:
        return lines, work_lines
    accepted = _accept([Heading(c.line, c.no, c.title) for c in inline], template)
    keep = {(h.line, h.no, h.title) for h in accepted}
    cuts: dict[int, list[_Inline]] = {}
    for cand in inline:
        if (cand.line, cand.no, cand.title) in keep:
            line = lines[cand.line]
            if cand.start == 0 and not line[cand.end:].strip():
                continue  # already a heading line
            cuts.setdefault(cand.line, []).append(cand)
    if not cuts:
        return lines, work_lines
    new_lines: list[str] = []
    new_work: list[str] = []
    for i, line in enumerate(lines):
        if i not in cuts:
            new_lines.append(line)
            new_work.append(work_lines[i])
            continue
        pieces, pos = [], 0
        for cand in sorted(cuts[i], key=lambda c: c.start):
            pieces += [line[pos:cand.start], line[cand.start:cand.end]]
            pos = cand.end
        pieces.append(line[pos:])
        pieces = [p.strip() for p in pieces if p.strip()]
        new_lines += pieces
        new_work += convert(pieces)
    return new_lines, new_work


def split_items(text: str) -> list[SubItem]:
    """Sub-items of a section: (一)(二)…, else 一是/二是…, else 1./2. …"""
    for pattern, _style in _ITEM_MARKERS:
        marks = list(pattern.finditer(text))
        if len(marks) < 2:
            continue
        items = []
        for mark, nxt in zip(marks, [*marks[1:], None]):
            end = nxt.start(1) if nxt else len(text)
            body = text[mark.end(1):end].strip()
            items.append(SubItem(mark.group(1).strip(), body))
        return items
    return []


_DEBRIS = re.compile(r"^[\u4e00-\u9fff]{1,4}$")
# Spaces OCR puts between the characters of a title ("存 在 的 主 要 问 题").
_OCR_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def build_sections(lines: Sequence[str], headings: Sequence[Heading], narrative: frozenset[int]) -> list[Section]:
    """Sections from the original ``lines`` between consecutive headings.

    Narrative sections (``narrative`` holds their numbers) get sub-items, and their
    one-to-four-character lines, table-header debris displaced by the page export, are dropped.
    """
    sections = []
    for head, nxt in zip(headings, [*headings[1:], None]):
        end = nxt.line if nxt else len(lines)
        body = [ln.strip() for ln in lines[head.line + 1:end]]
        body = [ln for ln in body if ln]
        if head.no in narrative:
            body = [ln for ln in body if not _DEBRIS.match(ln.strip("|｜ "))]
        text = "\n".join(body)
        original_title = lines[head.line].strip().strip("|｜").strip()
        original_title = re.sub(r"^[一二三四五六七八九十]{1,2}\s*[、.．,，]\s*", "", original_title).rstrip("?？:： ")
        original_title = _OCR_SPACE.sub("", original_title)
        items = split_items(text) if head.no in narrative else []
        sections.append(Section(head.no, original_title, text, items))
    _restore_displaced_items(sections)
    return sections


def _restore_displaced_items(sections: list[Section]) -> None:
    """Put back a numbered item that a page export moved to the end of the report.

    Seen in the wild: item "2." of section 五 printed after section 六.  When the last
    section ends with a line "N.…" and an earlier section's items skip exactly N, the line
    goes back there.
    """
    if len(sections) < 2:
        return
    last = sections[-1]
    lines = last.text.split("\n")
    moved = False
    for line in list(lines):
        m = re.match(r"^(\d{1,2})[.、．](?!\d)", line)
        if not m:
            continue
        n = int(m.group(1))
        for section in sections[:-1]:
            marks = list(re.finditer(r"(?:^|\n)(\d{1,2})[.、．](?!\d)", section.text))
            gap = next((b for a, b in zip(marks, marks[1:])
                        if int(a.group(1)) == n - 1 and int(b.group(1)) == n + 1), None)
            if gap is None:
                continue
            pos = gap.start(1)
            section.text = section.text[:pos] + line + "\n" + section.text[pos:]
            section.items = split_items(section.text)
            lines.remove(line)
            moved = True
            break
    if moved:
        last.text = "\n".join(lines)
        last.items = split_items(last.text)
