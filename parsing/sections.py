"""The report's sections (一 … 六) and their sub-items.

Headings are found on the simplified working lines; section text is taken from the
original lines, so traditional-script narrative stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from parsing.record import Section, SubItem
from parsing.template import SECTIONS, TEMPLATE_UNKNOWN

NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_HEADING = re.compile(r"^([一二三四五六七八九十]{1,2})\s*[、.．,，]\s*(\S.{0,45}?)\s*[?？|｜]*\s*$")
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


def _candidates(work_lines: Sequence[str]) -> list[Heading]:
    out = []
    for i, line in enumerate(work_lines):
        stripped = line.strip().strip("|｜").strip()
        if stripped[:1] not in NUMERALS:
            continue
        match = _HEADING.match(stripped)
        if not match:
            continue
        title = match.group(2).strip().rstrip("?？").strip()
        if any(k in title for k in _ROW_LIKE) or title.count("|") or len(title) > 40:
            continue
        # A heading has no sentence inside it.
        if "。" in title:
            continue
        out.append(Heading(i, NUMERALS[match.group(1)], title))
    return out


def find_headings(work_lines: Sequence[str], template: str) -> list[Heading]:
    """The section headings, in order.

    For the national templates a candidate "N、title" is taken as section N when it comes
    after the previous heading and its title carries a keyword of section N; this skips
    table rows such as "一、本年新收…".  Reports on no template keep their own numbering.
    """
    candidates = _candidates(work_lines)
    found: list[Heading] = []
    expected = 1
    if template != TEMPLATE_UNKNOWN:
        for cand in candidates:
            if cand.no < expected or cand.no > len(SECTIONS):
                continue
            spec = SECTIONS[cand.no - 1]
            if any(k in cand.title for k in spec.match):
                found.append(Heading(cand.line, cand.no, cand.title))
                expected = cand.no + 1
        return found
    for cand in candidates:
        if cand.no == expected or (found and cand.no == found[-1].no + 1):
            found.append(cand)
            expected = cand.no + 1
    return found


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
        original_title = re.sub(r"^[一二三四五六七八九十]{1,2}\s*[、.．,，]\s*", "", original_title).rstrip("?？ ")
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
