"""Copied sections: how much of a report's section repeats another report's text, boilerplate left out.

Every report repeats stock sentences ("本年度没有发出收费通知…", an opening paragraph handed down
by the level above): they are shared by many agencies and say nothing about copying.  A
section is *copied* when a stretch of its text is found, as a whole, in a few reports only,
one of them earlier than it.  The unit of judgement is the copied stretch, not its sentences:
a whole section taken from one report is copying even when each of its sentences is a stock
one, because no other report has that stretch.

How (all on the text normalised to letters and digits, simplified script, half-width; digits
are compared as written, so a statistics table printed as text with this year's figures is not
a copy of last year's, and the figures of a text copied with new figures are not counted as
copied: on the demo corpus, reading every digit as 0 flagged 105 reports instead of 98, the
extra ones an agency's own closing lines with the year changed):

1. Every section (a report's passages of one section number, in order) is cut into
   overlapping ``shingle``-character windows, hashed.
2. A window's *spread* is the number of distinct agencies whose reports contain it (an
   agency's reports of several years count once: copying one's own previous report is
   copying).  A window found in more than :meth:`CopySettings.limit` agencies is
   *boilerplate*; the others are *rare*.
3. Two sections sharing a rare window are compared: the windows of the later one (year, then
   report id) also present in the earlier one form stretches; a stretch is copied when it
   is at least ``min_run`` characters long and holds a rare window (a stretch made only of
   boilerplate windows is a stock passage: every window spanning the joint of two stock
   sentences would be rare if the two were not commonly written together).
4. ``share`` = copied characters / the section's characters.  Each section keeps the earlier
   section it shares most with (ties: the earliest); it is *flagged* when ``share`` reaches
   ``min_share`` and ``min_chars``.  The ranking is by ``share``, then copied characters.

The spans of both sections are returned as offsets into the texts :func:`section_texts`
builds, so a page can mark them.  Work grows with the corpus: only sections sharing a rare
window are compared, and a rare window is in few sections by definition.  It is not part of a
sync: :func:`copied_sections` finds them when a reader first asks about a generation and keeps
them in its folder.
"""

from __future__ import annotations

import os
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from index.passages.segments import read_passages

# The columns of the passage index this module reads.
PASSAGE_COLUMNS = ["report_id", "source", "agency", "year", "section_no", "section_title", "ordinal",
                   "text", "simplified"]
COLUMNS = ["report_id", "agency", "year", "source", "section_no", "section_title",
           "source_report_id", "source_agency", "source_year", "source_source", "source_section_no",
           "source_section_title", "share", "copied_chars", "section_chars", "spans", "source_spans"]
# Sections are joined from their passages with this between two passages.
JOINER = "\n"
# Kept in a generation's folder by its first reader: every section with a copied stretch, flagged or not.
COPIES_FILE = "copies.parquet"


@dataclass(frozen=True)
class CopySettings:
    """When shared text counts as copying.  The defaults are the product's.

    * ``shingle``: characters per window. 10 normalised characters are about half a clause:
      short enough that a copied sentence yields many windows, long enough that two reports
      share one by chance only through stock wording.
    * ``boilerplate_agencies``: text found in the reports of more than this many agencies is
      boilerplate.  Copying links a report to one or two others (its own previous year, a
      neighbour); a template handed down reaches every agency below.  On the demo corpus
      (300 agencies) the twelve stock paragraphs the old passage check flagged most are each in
      the reports of 25–102 agencies; a planted copy is in those of 1 or 2.  Flagged reports
      there: 103 with 3, 105 with 5, 110 with 10, 130 with 20 (digits read as 0 then).
    * ``boilerplate_share``: … or more than this share of the corpus's agencies, so a small
      corpus (five agencies) also has boilerplate; never fewer than 3 agencies (two agencies
      sharing a text is what copying looks like).
    * ``min_run``: a copied stretch has at least this many characters (a long clause).
    * ``min_share``: a section is flagged when at least this share of its characters is copied …
    * ``min_chars``: … and at least this many characters (about two sentences): a closing line
      ("本年度未收取信息处理费。XX局") repeated from one's own previous report is not worth a flag.
    """

    shingle: int = 10
    boilerplate_agencies: int = 5
    boilerplate_share: float = 0.2
    min_run: int = 20
    min_share: float = 0.5
    min_chars: int = 100

    def limit(self, n_agencies: int) -> int:
        """Most agencies a text may be found in and still count as copied (not boilerplate)."""
        return max(2, min(self.boilerplate_agencies, int(self.boilerplate_share * n_agencies)))


@dataclass(frozen=True)
class Section:
    """One section of one report as the copy check reads it."""

    report_id: str
    agency: str | None
    year: int | None
    source: str
    section_no: int
    section_title: str
    text: str  # as written, passages joined by JOINER

    @property
    def key(self) -> tuple[str, int]:
        return self.report_id, self.section_no


# ---------------------------------------------------------------------------
# Normalising: letters and digits, one form each, with their place in the text
# ---------------------------------------------------------------------------

def _tables() -> tuple[np.ndarray, np.ndarray]:
    keep = np.zeros(0x10000, dtype=bool)
    fold = np.arange(0x10000, dtype=np.uint32)
    for code in range(0x10000):
        ch = chr(code)
        if ch.isalnum():
            keep[code] = True
            folded = unicodedata.normalize("NFKC", ch).lower()
            if len(folded) == 1:
                fold[code] = ord(folded)
    return keep, fold


_KEEP, _FOLD = _tables()


def normalised(text: str, simplified: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(codes, offsets): the letters and digits of ``text`` folded to one form, and where each is.

    ``simplified`` (the same text in simplified script, same length) is what is compared, so a
    traditional-script copy of a simplified report is still a copy; offsets point into ``text``.
    """
    compared = simplified if simplified is not None and len(simplified) == len(text) else text
    codes = np.frombuffer(compared.encode("utf-32-le"), dtype=np.uint32)
    small = codes < 0x10000
    keep = np.where(small, _KEEP[np.where(small, codes, 0)], True)
    offsets = np.flatnonzero(keep)
    kept = codes[offsets]
    kept = np.where(kept < 0x10000, _FOLD[np.where(kept < 0x10000, kept, 0)], kept)
    return kept.astype(np.uint64), offsets


_BASE = np.uint64(1000003)


def window_hashes(codes: np.ndarray, size: int) -> np.ndarray:
    """64-bit hash of every ``size``-code window of ``codes`` (none when shorter)."""
    n = len(codes) - size + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(size):
            hashes = hashes * _BASE + codes[j:j + n] + np.uint64(1)
    return hashes


# ---------------------------------------------------------------------------
# Sections from the passage index
# ---------------------------------------------------------------------------

def section_texts(passages: pd.DataFrame) -> tuple[list[Section], list[str]]:
    """Every (report, section) of the passage index as written, and its simplified-script text.

    A section's text is its passages in order joined by :data:`JOINER`; the page showing a copy
    builds the same text, so the spans found here fall on the same characters.
    """
    if passages.empty:
        return [], []
    frame = passages.sort_values(["report_id", "section_no", "ordinal"], kind="stable")
    sections: list[Section] = []
    simplified: list[str] = []
    columns = [frame[c].tolist() for c in ("report_id", "section_no", "text", "simplified", "agency", "year",
                                            "source", "section_title")]
    start = 0
    rows = list(zip(*columns))
    for end in range(1, len(rows) + 1):
        if end < len(rows) and rows[end][:2] == rows[start][:2]:
            continue
        group = rows[start:end]
        report_id, section_no, _, _, agency, year, source, title = group[0]
        texts = [str(r[2]) for r in group]
        simple = [r[3] if isinstance(r[3], str) and len(r[3]) == len(t) else t for r, t in zip(group, texts)]
        sections.append(Section(
            report_id=str(report_id), agency=agency if isinstance(agency, str) else None,
            year=None if pd.isna(year) else int(year), source=str(source), section_no=int(section_no),
            section_title=str(title or ""), text=JOINER.join(texts)))
        simplified.append(JOINER.join(simple))
        start = end
    return sections, simplified


def section_text(passages: pd.DataFrame, report_id: str, section_no: int) -> str:
    """One section's text exactly as :func:`section_texts` builds it (for showing spans)."""
    rows = passages[(passages["report_id"] == report_id) & (passages["section_no"] == section_no)]
    return JOINER.join(str(t) for t in rows.sort_values("ordinal", kind="stable")["text"])


# ---------------------------------------------------------------------------
# Finding copies
# ---------------------------------------------------------------------------

@dataclass
class _Windows:
    hashes: list[np.ndarray]      # per section, window hashes in text order
    rare: list[np.ndarray]        # per section, whether each window is rare and shared
    offsets: list[np.ndarray]     # per section, text offset of each normalised character
    lengths: np.ndarray           # per section, normalised characters
    ids: list[np.ndarray]         # per section, each window's hash as a number 0 … n_ids - 1
    n_ids: int                    # distinct window hashes of all sections


def _windows(sections: list[Section], simplified: list[str], settings: CopySettings) -> tuple[_Windows, dict]:
    size = settings.shingle
    hashes, offsets = [], []
    for section, simple in zip(sections, simplified):
        codes, where = normalised(section.text, simple)
        hashes.append(window_hashes(codes, size))
        offsets.append(where)
    lengths = np.array([len(o) for o in offsets], dtype=np.int64)
    agency_of: dict[str, int] = {}
    agency_ids = np.array([agency_of.setdefault(s.agency or f"report:{s.report_id}", len(agency_of))
                           for s in sections], dtype=np.int64)
    report_of: dict[str, int] = {}
    report_ids = np.array([report_of.setdefault(s.report_id, len(report_of)) for s in sections], dtype=np.int64)
    counts = np.array([len(h) for h in hashes], dtype=np.int64)
    all_hashes = np.concatenate(hashes) if len(hashes) else np.zeros(0, dtype=np.uint64)
    owner = np.repeat(np.arange(len(sections)), counts)
    limit = settings.limit(len(agency_of))
    # Spread of each hash: distinct agencies, and distinct reports (a copy needs two).
    uniq, inverse = _unique_inverse(all_hashes)
    agencies = _distinct_per(inverse, agency_ids[owner], len(uniq))
    reports = _distinct_per(inverse, report_ids[owner], len(uniq))
    rare_hash = (agencies <= limit) & (reports >= 2)
    rare_all = rare_hash[inverse]
    rare = np.split(rare_all, np.cumsum(counts)[:-1]) if len(sections) else []
    # Sections holding each rare hash: the candidate pairs.
    postings: dict[tuple[int, ...], int] = defaultdict(int)
    picked = np.flatnonzero(rare_all)
    if len(picked):
        width = np.int64(len(sections))
        keys = _unique(inverse[picked].astype(np.int64) * width + owner[picked])
        hash_ids, members_all = keys // width, keys % width
        starts = np.flatnonzero(np.r_[True, hash_ids[1:] != hash_ids[:-1]])
        for members in np.split(members_all, starts[1:]):
            if len(members) > 1:
                postings[tuple(int(m) for m in members)] += 1
    ids = np.split(inverse, np.cumsum(counts)[:-1]) if len(sections) else []
    return _Windows(hashes, rare, offsets, lengths, ids, len(uniq)), {"postings": postings, "limit": limit,
                                                      "agencies": len(agency_of), "report_ids": report_ids}


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (by sorting: numpy's hash-based unique is several times slower here)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def _unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and, for each value, the index of its distinct value."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]] if len(ordered) else np.zeros(0, dtype=bool)
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _distinct_per(group: np.ndarray, value: np.ndarray, n_groups: int) -> np.ndarray:
    """For each group, how many distinct ``value``s it has."""
    if len(group) == 0:
        return np.zeros(n_groups, dtype=np.int64)
    width = np.int64(value.max()) + 1
    keys = _unique(group.astype(np.int64) * width + value.astype(np.int64))
    return np.bincount(keys // width, minlength=n_groups)


def _runs(found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(firsts, lasts) of the stretches of consecutive integers in the sorted ``found``."""
    if len(found) == 0:
        return found, found
    breaks = np.flatnonzero(found[1:] - found[:-1] != 1)
    firsts = found[np.concatenate(([0], breaks + 1))]
    lasts = found[np.concatenate((breaks, [len(found) - 1]))]
    return firsts, lasts


def _copied(found: np.ndarray, rare: np.ndarray, settings: CopySettings) -> list[tuple[int, int]]:
    """Normalised-character intervals [start, end) of a section copied from another.

    ``found``: whether each of the section's windows is in the other section; ``rare``: how many
    of its first windows are rare (cumulative, one more entry than windows, from 0)."""
    positions = np.flatnonzero(found)
    # A stretch of min_run characters is min_run - shingle + 1 windows.
    if len(positions) < settings.min_run - settings.shingle + 1:
        return []
    firsts, lasts = _runs(positions)
    ends = lasts + settings.shingle
    keep = (ends - firsts >= settings.min_run) & (rare[lasts + 1] > rare[firsts])
    return list(zip(firsts[keep].tolist(), ends[keep].tolist()))


def _text_spans(intervals: list[tuple[int, int]], offsets: np.ndarray) -> list[tuple[int, int]]:
    """Normalised intervals as [start, end) offsets in the section's text, touching ones merged."""
    spans: list[tuple[int, int]] = []
    for start, end in intervals:
        a, b = int(offsets[start]), int(offsets[end - 1]) + 1
        if spans and a <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(b, spans[-1][1]))
        else:
            spans.append((a, b))
    return spans


def _chars(intervals: list[tuple[int, int]]) -> int:
    covered, last = 0, -1
    for start, end in sorted(intervals):
        start = max(start, last)
        if end > start:
            covered += end - start
            last = end
    return covered


def find_copies(passages: pd.DataFrame, settings: CopySettings = CopySettings(),
                flagged_only: bool = True) -> pd.DataFrame:
    """Copied sections of the passage index, most copied first (see the module's docstring).

    One row per copied section (``COLUMNS``): the section, the earlier section it repeats,
    ``share`` of its characters copied, and the copied spans of both as lists of [start, end)
    offsets into the texts :func:`section_text` returns.  ``flagged_only=False`` keeps the
    sections below ``min_share`` too.
    """
    sections, simplified = section_texts(passages)
    windows, info = _windows(sections, simplified, settings)
    order = sorted(range(len(sections)), key=lambda i: (sections[i].year if sections[i].year is not None else 9999,
                                                        sections[i].report_id, sections[i].section_no))
    rank = np.empty(len(sections), dtype=np.int64)
    rank[order] = np.arange(len(sections))
    report_ids = info["report_ids"]
    candidates: set[tuple[int, int]] = set()
    for members in info["postings"]:
        for a in members:
            for b in members:
                if report_ids[a] != report_ids[b] and _earlier(sections, b, a):
                    candidates.add((a, b))
    best: dict[int, tuple[int, int, list[tuple[int, int]]]] = {}  # later → (copied chars, earlier, intervals)
    present = np.zeros(windows.n_ids, dtype=bool)

    def copied(section: int, other: int) -> list[tuple[int, int]]:
        """Intervals of ``section`` copied from ``other``."""
        theirs = windows.ids[other]
        present[theirs] = True
        found = present[windows.ids[section]]
        present[theirs] = False
        return _copied(found, rare_before(section), settings)

    counted: dict[int, np.ndarray] = {}

    def rare_before(i: int) -> np.ndarray:
        if i not in counted:
            counted[i] = np.concatenate(([0], np.cumsum(windows.rare[i], dtype=np.int64)))
        return counted[i]

    for later, earlier in sorted(candidates):
        intervals = copied(later, earlier)
        if not intervals:
            continue
        chars = _chars(intervals)
        held = best.get(later)
        if held is None or chars > held[0] or (chars == held[0] and rank[earlier] < rank[held[1]]):
            best[later] = (chars, earlier, intervals)
    rows = []
    for later, (chars, earlier, intervals) in best.items():
        total = int(windows.lengths[later])
        share = chars / total if total else 0.0
        if flagged_only and (share < settings.min_share or chars < settings.min_chars):
            continue
        back = copied(earlier, later)
        a, b = sections[later], sections[earlier]
        rows.append({
            "report_id": a.report_id, "agency": a.agency, "year": a.year, "source": a.source,
            "section_no": a.section_no, "section_title": a.section_title,
            "source_report_id": b.report_id, "source_agency": b.agency, "source_year": b.year,
            "source_source": b.source, "source_section_no": b.section_no, "source_section_title": b.section_title,
            "share": round(share, 4), "copied_chars": chars, "section_chars": total,
            "spans": [list(s) for s in _text_spans(intervals, windows.offsets[later])],
            "source_spans": [list(s) for s in _text_spans(back, windows.offsets[earlier])],
        })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    frame["year"] = frame["year"].astype("Int64")
    frame["source_year"] = frame["source_year"].astype("Int64")
    return rank_copies(frame)


def _earlier(sections: list[Section], b: int, a: int) -> bool:
    """Whether section ``b`` comes before section ``a`` (year, then report id): ``b`` can be the original."""
    ya = sections[a].year if sections[a].year is not None else 9999
    yb = sections[b].year if sections[b].year is not None else 9999
    return (yb, sections[b].report_id) < (ya, sections[a].report_id)


def rank_copies(frame: pd.DataFrame) -> pd.DataFrame:
    """Most copied first: share of the section, then copied characters, then year and agency."""
    return frame.sort_values(["share", "copied_chars", "year", "agency", "section_no"],
                             ascending=[False, False, True, True, True], kind="stable",
                             na_position="last").reset_index(drop=True)


def flagged(frame: pd.DataFrame, settings: CopySettings = CopySettings()) -> pd.DataFrame:
    """The rows of ``frame`` (from :func:`find_copies`) that reach ``min_share`` and ``min_chars``, ranked."""
    if frame.empty:
        return frame
    keep = (frame["share"] >= settings.min_share) & (frame["copied_chars"] >= settings.min_chars)
    return rank_copies(frame[keep])


def copied_sections(folder: Path, settings: CopySettings = CopySettings(),
                    texts: bool = True) -> pd.DataFrame:
    """The flagged copied sections of the index generation in ``folder``, most copied first.

    Found from the generation's live passages the first time a reader asks, then kept in the
    generation's folder as :data:`COPIES_FILE` for every later reader of that generation (a
    folder the reader may not write to: found again next time).  A sync does not compute them:
    the first question about copied reports after an add pays for it (:func:`find_copies` over
    the whole corpus).
    ``texts``: with both sections' texts (``text``, ``source_text``, the texts the spans point
    into) and their kinds (``kind``, ``source_kind``).
    """
    stored = Path(folder) / COPIES_FILE
    passages = None
    # What is kept is every copied section under the product's settings; min_share and
    # min_chars only pick among them (flagged), so other values of those two read it too.
    keepable = replace(settings, min_share=CopySettings.min_share, min_chars=CopySettings.min_chars) == CopySettings()
    if keepable and stored.exists():
        frame = flagged(pd.read_parquet(stored), settings)
        # Spans as lists of [start, end), as found (parquet gives arrays).
        frame = frame.assign(**{c: pd.Series([[[int(a), int(b)] for a, b in spans] for spans in frame[c]],
                                             index=frame.index, dtype=object) for c in ("spans", "source_spans")})
    else:
        passages = read_passages(folder, PASSAGE_COLUMNS + ["kind"])
        frame = find_copies(passages, settings, flagged_only=False)
        if keepable:
            _keep(frame, stored)
    frame = flagged(frame, settings)
    if not texts:
        return frame
    wanted = set(frame["report_id"]) | set(frame["source_report_id"])
    if passages is None:
        passages = read_passages(folder, PASSAGE_COLUMNS + ["kind"])
    passages = passages[passages["report_id"].isin(wanted)].sort_values(["report_id", "section_no", "ordinal"])
    joined = passages.groupby(["report_id", "section_no"], sort=False).agg(
        text=("text", lambda t: JOINER.join(str(x) for x in t)), kind=("kind", "first"))
    own = [(r, int(n)) for r, n in zip(frame["report_id"], frame["section_no"])]
    other = [(r, int(n)) for r, n in zip(frame["source_report_id"], frame["source_section_no"])]
    text = {k: str(v) for k, v in joined["text"].items()}
    kind = {k: str(v) for k, v in joined["kind"].items()}
    return frame.assign(text=[text.get(k, "") for k in own], kind=[kind.get(k, "") for k in own],
                        source_text=[text.get(k, "") for k in other], source_kind=[kind.get(k, "") for k in other])


def _keep(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` atomically (readers see the whole file or none); a folder this
    process may not write to, or one a writer removed meanwhile, is left as it is."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        frame.to_parquet(temporary, index=False)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
