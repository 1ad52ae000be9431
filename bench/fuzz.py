"""Fuzzing the reading entry: N mutated report files through what ``gongkai parse`` runs.

Every input is made from a real file (the seeds ``../shared/seeds/*.txt`` in UTF-8, GBK,
Big5, GB18030 and UTF-16; the published HTML pages ``../shared/real/html``; the DOCX and PDF
fixtures ``tests/fixtures/reports``) by a recipe of mutations drawn from a seeded random
generator, so input ``i`` of seed ``s`` is the same bytes on every machine: byte flips,
truncation (also inside a multibyte character), splices between reports, deleted and
duplicated table rows, huge numbers, nested tags, absurd rowspan/colspan, entity soup,
zip members corrupted, dropped or inflated for DOCX, damaged objects, lengths and page trees
for PDF.  Each input goes through ``parsing.parse_bytes`` (the function ``gongkai parse``
calls) and the report is described and written as JSON like the command does.

Outcomes, by kind:

* ``parsed``: a report came back;
* ``refused``: a :class:`parsing.errors.ParseError` whose code is a declared reason
  (an ``upload.reason.<code>`` the interface says in Chinese and English, or ``limit``,
  whose reason words itself in both) and which does not wrap a foreign exception;
* ``unexpected``: any other exception, or a refusal with an undeclared code or wrapping an
  internal crash (it would hide a bug behind a polite message) — must be 0;
* ``hang``: the input ran past ``--timeout`` CPU seconds (or ten times that in wall-clock
  time); its worker process is killed and the run goes on;
* ``crash``: the worker process died (a segfault, a kill by the system);
* ``memory``: the worker's peak RSS passed ``--rss-mb`` while reading this input.

Inputs run in worker processes (``--workers``), each input bounded by ``--timeout``; every
input of a kind other than parsed/refused is saved under ``--out`` (default
``bench/out/fuzz-failures/``) as ``<seed>-<index>.bin`` with ``<seed>-<index>.json`` holding
its recipe, source file name, outcome and traceback.  Prints the rate (inputs/s), outcomes
by kind and reason code, the slowest input and the peak RSS of a worker; ``--json`` prints
the same as one JSON object (``tests/test_fuzz.py`` runs a short form of this script).
OCR is off (``ocr=False``): a damaged PDF page that lost its text layer is skipped with a
warning instead of spending seconds in the OCR model.

    python bench/fuzz.py [--inputs 100000] [--seed 13] [--workers 2] [--timeout 20] [--json]
"""

from __future__ import annotations

import argparse
import codecs
import io
import json
import logging
import os
import random
import re
import resource
import signal
import sys
import time
import traceback
import warnings
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Callable

# The date every member of a mutated DOCX carries (inputs must be the same bytes every time).
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsing import parse_bytes  # noqa: E402
from parsing.bounded import die_with_parent  # noqa: E402
from parsing.errors import GongkaiError, LimitExceeded, ParseError  # noqa: E402
from parsing.summary import describe  # noqa: E402

SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
REAL_HTML = SHARED / "real" / "html"
FIXTURES = ROOT / "tests" / "fixtures" / "reports"
FIXTURE_FILES = ("report.docx", "table_blank_cells.docx", "report.pdf", "report_mixed.pdf")
DEFAULT_OUT = ROOT / "bench" / "out" / "fuzz-failures"
GOOD = ("parsed", "refused")
TEXT_ENCODINGS = ("utf-8", "utf-8", "utf-8", "gbk", "gb18030", "big5", "utf-16", "utf-8-sig")


def declared_codes() -> frozenset[str]:
    """Reason codes the interface says in both languages: an ``upload.reason.<code>`` sentence,
    or a refusal that words itself in both (a file over a limit, ``LimitExceeded``)."""
    from gongkai.ui.i18n import STRINGS

    prefix = "upload.reason."
    return frozenset(key[len(prefix):] for key in STRINGS if key.startswith(prefix)) | {LimitExceeded.code}


# ---------------------------------------------------------------- the base files


@dataclass
class Base:
    name: str        # file name handed to the parser (its extension matters)
    kind: str        # "text" | "html" | "docx" | "pdf"
    data: bytes
    text: str = ""   # decoded text of a text or HTML file


def load_bases() -> list[Base]:
    bases: list[Base] = []
    for path in sorted(SEEDS.glob("*.txt")):
        data = path.read_bytes()
        bases.append(Base(path.name, "text", data, data.decode("utf-8", errors="replace")))
    for path in sorted(REAL_HTML.glob("*.html")):
        data = path.read_bytes()
        bases.append(Base(path.name, "html", data, data.decode("utf-8", errors="replace")))
    for name in FIXTURE_FILES:
        path = FIXTURES / name
        if path.is_file():
            bases.append(Base(name, path.suffix[1:], path.read_bytes()))
    if not any(b.kind == "text" for b in bases):
        raise SystemExit(f"no seed reports in {SEEDS}: the fuzz run needs ../shared beside the repository")
    return bases


# ---------------------------------------------------------------- text mutations

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_HUGE = ("9" * 40, "1" + "0" * 400, "-1", "-999999999999", "1e309", "NaN", "0.0000000001", "１２３４５",
         "18446744073709551616", "9223372036854775808", "3" * 5000, "٣٤٥", "½", "Ⅻ")


def _lines_op(text: str, rng: random.Random, recipe: list[str]) -> str:
    lines = text.split("\n")
    if len(lines) < 2:
        return text
    op = rng.choice(("delete_rows", "duplicate_rows", "shuffle_rows", "join_rows", "cut_cells", "pad_cells"))
    start = rng.randrange(len(lines))
    count = min(len(lines) - start, rng.choice((1, 1, 2, 5, 20)))
    recipe.append(f"{op}@{start}+{count}")
    block = lines[start:start + count]
    if op == "delete_rows":
        del lines[start:start + count]
    elif op == "duplicate_rows":
        lines[start:start] = block * rng.choice((1, 2, 50))
    elif op == "shuffle_rows":
        rng.shuffle(block)
        lines[start:start + count] = block
    elif op == "join_rows":
        lines[start:start + count] = [rng.choice(("", " ", " | ")).join(block)]
    elif op == "cut_cells":
        lines[start:start + count] = [line.replace(" | ", rng.choice(("", " ", "|", "｜", "\t"))) for line in block]
    else:
        lines[start:start + count] = [line + " |" * rng.choice((1, 5, 300)) for line in block]
    return "\n".join(lines)


def _numbers_op(text: str, rng: random.Random, recipe: list[str]) -> str:
    spans = [m.span() for m in _NUMBER.finditer(text)]
    if not spans:
        return text
    picked = sorted(rng.sample(spans, min(len(spans), rng.choice((1, 3, 10, 100)))), reverse=True)
    huge = rng.choice(_HUGE)
    recipe.append(f"numbers[{len(picked)}]={huge[:12]}{'…' if len(huge) > 12 else ''}")
    for a, b in picked:
        text = text[:a] + huge + text[b:]
    return text


_NOISE = ("\x00", "\u202e", "\ufeff", "\u0301" * 50, "\r", "\x0c", "\ud800", "𠀀", "|", "｜", "（", "）", "年",
          "万元", "总计", "一、", "二、", "三、", "第二十条第（一）项", "政府信息公开工作年度报告", "\\", "&#0;",
          "<", ">", "]]>", "\x1b[31m")


def _noise_op(text: str, rng: random.Random, recipe: list[str]) -> str:
    at = rng.randrange(len(text) + 1)
    noise = rng.choice(_NOISE) * rng.choice((1, 1, 3, 1000))
    recipe.append(f"insert@{at}={noise[:8]!r}x{len(noise)}")
    return text[:at] + noise + text[at:]


def _splice_op(text: str, other: str, rng: random.Random, recipe: list[str]) -> str:
    a = rng.randrange(len(text) + 1)
    b = rng.randrange(len(other) + 1)
    recipe.append(f"splice@{a}+other@{b}")
    return text[:a] + other[b:]


def _text_mutate(text: str, others: list[str], rng: random.Random, recipe: list[str]) -> str:
    for _ in range(rng.choice((1, 1, 2, 3, 6))):
        op = rng.random()
        if op < 0.35:
            text = _lines_op(text, rng, recipe)
        elif op < 0.55:
            text = _numbers_op(text, rng, recipe)
        elif op < 0.8:
            text = _noise_op(text, rng, recipe)
        else:
            text = _splice_op(text, rng.choice(others), rng, recipe)
    return text


# ---------------------------------------------------------------- HTML mutations

_TAGS = ("div", "table", "tr", "td", "span", "p", "font", "tbody", "b", "th")
_ATTRS = ('rowspan="99999999"', 'colspan="99999999"', 'colspan="-3"', 'rowspan="0"', 'colspan="1e9"',
          'rowspan="abc"', 'colspan=""', 'rowspan="65535"', 'colspan="1000"', 'style="display:none"')
_ENTITIES = ("&#0;", "&#xFFFFFFFF;", "&#x110000;", "&#55296;", "&nbsp;" * 200, "&amp;amp;", "&#", "&lt;td&gt;",
             "<!--", "]]>", "<![CDATA[", "<?xml version='1.0'?>", "<script>", "</body></html>", "<svg><g>")


def _html_mutate(text: str, rng: random.Random, recipe: list[str]) -> str:
    for _ in range(rng.choice((1, 1, 2, 3))):
        op = rng.random()
        if op < 0.2:
            depth = rng.choice((10, 200, 300, 1000, 3000))
            tag = rng.choice(_TAGS)
            at = rng.randrange(len(text) + 1)
            close = rng.random() < 0.5
            recipe.append(f"nest<{tag}>x{depth}@{at}{'' if close else ' unclosed'}")
            text = text[:at] + f"<{tag}>" * depth + text[at:] + (f"</{tag}>" * depth if close else "")
        elif op < 0.45:
            rows = [m.span() for m in re.finditer(r"<tr\b.*?</tr>", text, re.S | re.I)]
            if rows:
                a, b = rng.choice(rows)
                what = rng.choice(("delete", "duplicate", "duplicate"))
                recipe.append(f"tr_{what}@{a}")
                text = text[:a] + (text[a:b] * rng.choice((2, 30)) if what == "duplicate" else "") + text[b:]
        elif op < 0.6:
            cells = [m.end() - 1 for m in re.finditer(r"<t[dh]\b[^>]*>", text, re.I)]
            if cells:
                at = rng.choice(cells)
                attr = rng.choice(_ATTRS)
                recipe.append(f"attr@{at}={attr}")
                text = text[:at] + " " + attr + text[at:]
        elif op < 0.75:
            tags = [m.span() for m in re.finditer(r"</?\w+[^>]*>", text)]
            if tags:
                a, b = rng.choice(tags)
                recipe.append(f"drop_tag@{a}")
                text = text[:a] + text[b:]
        else:
            at = rng.randrange(len(text) + 1)
            entity = rng.choice(_ENTITIES)
            recipe.append(f"entity@{at}={entity[:10]}")
            text = text[:at] + entity + text[at:]
    return text


# ---------------------------------------------------------------- byte mutations

_PREFIXES = (b"PK\x03\x04", b"%PDF-1.7\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"<html>", b"\xd0\xcf\x11\xe0",
             b"{\\rtf", b"\x1f\x8b", b"\x00")


def _bytes_mutate(data: bytes, rng: random.Random, recipe: list[str], region: tuple[int, int] | None = None) -> bytes:
    buf = bytearray(data)
    lo, hi = region or (0, len(buf))
    for _ in range(rng.choice((1, 1, 2, 4))):
        if not buf:
            break
        hi = min(hi, len(buf))
        at = rng.randrange(lo, hi) if hi > lo else rng.randrange(len(buf))
        op = rng.random()
        if op < 0.3:
            n = rng.choice((1, 1, 3, 16))
            recipe.append(f"flip@{at}x{n}")
            for k in range(n):
                if at + k < len(buf):
                    buf[at + k] ^= 1 << rng.randrange(8)
        elif op < 0.5:
            recipe.append(f"truncate@{at}")
            del buf[at:]
        elif op < 0.6:
            n = rng.choice((1, 7, 100, 4096))
            recipe.append(f"delete@{at}+{n}")
            del buf[at:at + n]
        elif op < 0.7:
            n = rng.choice((1, 16, 512))
            recipe.append(f"zero@{at}+{n}")
            buf[at:at + n] = bytes(len(buf[at:at + n]))
        elif op < 0.8:
            n = rng.choice((4, 64, 1024))
            recipe.append(f"repeat@{at}+{n}x{3}")
            buf[at:at] = bytes(buf[at:at + n]) * 3
        elif op < 0.9:
            n = rng.choice((1, 8, 200))
            recipe.append(f"random@{at}+{n}")
            buf[at:at] = rng.randbytes(n)
        else:
            prefix = rng.choice(_PREFIXES)
            recipe.append(f"prefix={prefix!r}")
            buf[0:0] = prefix
    return bytes(buf)


def _encode(text: str, rng: random.Random, recipe: list[str]) -> bytes:
    encoding = rng.choice(TEXT_ENCODINGS)
    recipe.append(f"encode={encoding}")
    return text.encode(encoding, errors=rng.choice(("replace", "ignore", "surrogatepass" if encoding.startswith("utf") else "replace")))


# ---------------------------------------------------------------- DOCX mutations

_DOCX_XML = ('<w:gridSpan w:val="99999999"/>', '<w:gridSpan w:val="-1"/>', '<w:vMerge/>', '<w:vMerge w:val="restart"/>',
             "<w:tbl>", "</w:tbl>", "<w:tr>", "<w:tc><w:p><w:r><w:t>9999999999999999999</w:t></w:r></w:p></w:tc>",
             '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>', "&a;", "<w:p>", "\x00")


def _docx_mutate(data: bytes, rng: random.Random, recipe: list[str]) -> bytes:
    if rng.random() < 0.25:
        return _bytes_mutate(data, rng, recipe)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            members = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return _bytes_mutate(data, rng, recipe)
    op = rng.random()
    names = [name for name, _ in members]
    if op < 0.15:
        victim = rng.choice(names)
        recipe.append(f"zip_drop={victim}")
        members = [(n, d) for n, d in members if n != victim]
    elif op < 0.25:
        victim = rng.choice(names)
        recipe.append(f"zip_duplicate={victim}")
        members.append((victim, dict(members)[victim]))
    elif op < 0.35:
        recipe.append("zip_inflate=document.xml")
        xml = dict(members).get("word/document.xml", b"")
        body = re.search(rb"<w:body>(.*)</w:body>", xml, re.S)
        if body:
            times = rng.choice((10, 50, 200))
            recipe.append(f"x{times}")
            xml = xml[:body.start(1)] + body.group(1) * times + xml[body.end(1):]
            members = [(n, xml if n == "word/document.xml" else d) for n, d in members]
    else:
        target = "word/document.xml" if rng.random() < 0.8 else rng.choice(names)
        member = dict(members).get(target, b"").decode("utf-8", errors="replace")
        recipe.append(f"member={target}")
        if rng.random() < 0.5:
            member = (_text_mutate(member, [member], rng, recipe) if rng.random() < 0.4
                      else _html_like_xml(member, rng, recipe))
            raw = member.encode("utf-8", errors="surrogatepass")
        else:
            raw = _bytes_mutate(member.encode("utf-8", errors="replace"), rng, recipe)
        members = [(n, raw if n == target else d) for n, d in members]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target_zip, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": a duplicated member is the point
        for name, payload in members:
            # A fixed timestamp: writestr(name, …) stamps the clock's time, so the same input
            # made twice across a two-second boundary differed in its bytes.
            member_info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            target_zip.writestr(member_info, payload, compress_type=zipfile.ZIP_DEFLATED)
    result = out.getvalue()
    if rng.random() < 0.15:
        result = _bytes_mutate(result, rng, recipe)  # and damage the archive itself (CRC, headers)
    return result


def _html_like_xml(xml: str, rng: random.Random, recipe: list[str]) -> str:
    op = rng.random()
    if op < 0.4:
        rows = [m.span() for m in re.finditer(r"<w:tr\b.*?</w:tr>", xml, re.S)]
        if rows:
            a, b = rng.choice(rows)
            what = rng.choice(("delete", "duplicate"))
            recipe.append(f"w:tr_{what}@{a}")
            return xml[:a] + (xml[a:b] * rng.choice((2, 40)) if what == "duplicate" else "") + xml[b:]
    if op < 0.7:
        spots = [m.end() for m in re.finditer(r"<w:tcPr>|<w:tc>|<w:body>|<w:p>", xml)]
        if spots:
            at = rng.choice(spots)
            snippet = rng.choice(_DOCX_XML) * rng.choice((1, 1, 500))
            recipe.append(f"xml_insert@{at}={snippet[:20]}")
            return xml[:at] + snippet + xml[at:]
    tags = [m.span() for m in re.finditer(r"</?w:\w+[^>]*>", xml)]
    if tags:
        a, b = rng.choice(tags)
        recipe.append(f"xml_drop_tag@{a}")
        return xml[:a] + xml[b:]
    return xml


# ---------------------------------------------------------------- PDF mutations

_PDF_EDITS = (
    (rb"/Length \d+", (b"/Length 0", b"/Length 99999999999", b"/Length -5", b"/Length 3 0 R")),
    (rb"/Count \d+", (b"/Count 0", b"/Count 999999999", b"/Count -1")),
    (rb"/Parent \d+ 0 R", (b"/Parent 1 0 R", b"/Parent 99 0 R", b"/Kids [1 0 R]")),
    (rb"/Kids \[[^\]]*\]", (b"/Kids []", b"/Kids [3 0 R 3 0 R]", b"/Kids [1 0 R]", b"/Kids [ 99999 0 R ]")),
    (rb"/Root \d+ 0 R", (b"/Root 99 0 R", b"/Root 2 0 R")),
    (rb"/MediaBox \[[^\]]*\]", (b"/MediaBox [0 0 0 0]", b"/MediaBox [0 0 1e308 1e308]", b"/MediaBox [0 0 -5 x]")),
    (rb"/Filter /\w+", (b"/Filter /LZWDecode", b"/Filter /Nope", b"/Filter [/FlateDecode /FlateDecode]")),
    (rb"/Font\b", (b"/Fnt", b"/Font <<>>")),
    (rb"startxref\s+\d+", (b"startxref\n0", b"startxref\n999999999")),
)


def _pdf_stream_mutate(data: bytes, rng: random.Random, recipe: list[str]) -> bytes:
    """Inflate one content stream, mutate its operators as text, and store it back."""
    streams = [m for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S)]
    rng.shuffle(streams)
    for match in streams[:5]:
        try:
            content = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        text = content.decode("latin-1")
        recipe.append(f"pdf_stream@{match.start(1)}")
        text = _text_mutate(text, [text], rng, recipe)
        new = zlib.compress(text.encode("latin-1", errors="replace"))
        return data[:match.start(1)] + new + data[match.end(1):]
    return _bytes_mutate(data, rng, recipe)


def _pdf_mutate(data: bytes, rng: random.Random, recipe: list[str]) -> bytes:
    op = rng.random()
    if op < 0.4:
        pattern, replacements = rng.choice(_PDF_EDITS)
        spots = list(re.finditer(pattern, data))
        if spots:
            spot = rng.choice(spots)
            new = rng.choice(replacements)
            recipe.append(f"pdf_edit@{spot.start()}={new.decode()}")
            return data[:spot.start()] + new + data[spot.end():]
        return _bytes_mutate(data, rng, recipe)
    if op < 0.6:
        return _pdf_stream_mutate(data, rng, recipe)
    if op < 0.7:
        objects = [m.span() for m in re.finditer(rb"\n\d+ 0 obj.*?endobj", data, re.S)]
        if objects:
            a, b = rng.choice(objects)
            recipe.append(f"pdf_drop_obj@{a}")
            return data[:a] + data[b:]
    # Damage outside the streams (dictionaries, xref, trailer) more often than inside.
    tail = max(0, len(data) - 4096)
    region = (tail, len(data)) if rng.random() < 0.4 else None
    return _bytes_mutate(data, rng, recipe, region)


# ---------------------------------------------------------------- one input


@dataclass
class Input:
    index: int
    name: str
    base: str
    recipe: list[str]
    data: bytes


def make_input(bases: list[Base], seed: int, index: int) -> Input:
    """Input ``index`` of the run seeded ``seed`` (the same bytes every time)."""
    rng = random.Random(f"{seed}:{index}")
    texts = [b for b in bases if b.kind == "text"]
    htmls = [b for b in bases if b.kind == "html"]
    docxs = [b for b in bases if b.kind == "docx"]
    pdfs = [b for b in bases if b.kind == "pdf"]
    recipe: list[str] = []
    pick = rng.random()
    if pick < 0.55 or not (htmls or docxs or pdfs):
        base = rng.choice(texts)
        text = _text_mutate(base.text, [b.text for b in texts], rng, recipe)
        data = _encode(text, rng, recipe)
        if rng.random() < 0.35:
            data = _bytes_mutate(data, rng, recipe)
        name = rng.choice((base.name, base.name, "report", "x.html", "x.docx", "x.pdf"))
    elif pick < 0.75 and htmls:
        base = rng.choice(htmls)
        text = base.text
        if rng.random() < 0.5:
            text = _html_mutate(text, rng, recipe)
        if rng.random() < 0.4:
            text = _text_mutate(text, [b.text for b in texts], rng, recipe)
        if not recipe:
            text = _html_mutate(text, rng, recipe)
        data = _encode(text, rng, recipe)
        if rng.random() < 0.3:
            data = _bytes_mutate(data, rng, recipe)
        name = rng.choice((base.name, base.name, "page.txt"))
    elif pick < 0.88 and docxs:
        base = rng.choice(docxs)
        data = _docx_mutate(base.data, rng, recipe)
        name = base.name
    else:
        base = rng.choice(pdfs or docxs or htmls)
        data = _pdf_mutate(base.data, rng, recipe) if base.kind == "pdf" else _bytes_mutate(base.data, rng, recipe)
        name = base.name
    return Input(index, name, base.name, recipe, data)


# ---------------------------------------------------------------- running one input


def classify(data: bytes, name: str, codes: frozenset[str]) -> tuple[str, str, str]:
    """``(kind, code, detail)`` of reading one input the way ``gongkai parse`` does."""
    try:
        report = parse_bytes(data, name, ocr=False)
        describe(report)
        report.to_json()
    except ParseError as error:
        cause = error.__cause__
        if cause is not None and not isinstance(cause, GongkaiError):
            trace = "".join(traceback.format_exception(type(cause), cause, cause.__traceback__))
            return "unexpected", error.code, f"refusal wraps an internal crash: {error}\n{trace}"
        if error.code not in codes:
            return "unexpected", error.code, f"refusal with an undeclared reason code {error.code!r}: {error}"
        return "refused", error.code, ""
    except Exception as error:  # noqa: BLE001 - every other exception is the finding
        return "unexpected", type(error).__name__, traceback.format_exc()
    return "parsed", "", ""


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _quiet() -> None:
    """No library log lines or warnings about damaged files (thousands of them) on the terminal."""
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")


def _worker(conn: Connection, seed: int, rss_mb: float, parent: int) -> None:
    die_with_parent(parent)  # a killed run leaves no worker behind
    _quiet()
    bases = load_bases()
    codes = declared_codes()
    text = next(b for b in bases if b.kind == "text")
    classify(text.data, text.name, codes)  # the parser's tables load once, before any input is timed
    while True:
        try:
            index = conn.recv()
        except (EOFError, OSError):  # the run was stopped
            return
        if index is None:
            return
        item = make_input(bases, seed, index)
        before = _peak_rss_mb()
        start = time.perf_counter()
        kind, code, detail = classify(item.data, item.name, codes)
        seconds = time.perf_counter() - start
        peak = _peak_rss_mb()
        if kind in GOOD and peak > rss_mb > before:
            kind, detail = "memory", f"peak RSS of the worker rose from {before:.0f} to {peak:.0f} MB on this input"
        conn.send((index, kind, code, seconds, peak, detail))
        if kind == "memory":
            return  # a fresh worker starts with a small RSS


# ---------------------------------------------------------------- the run


@dataclass
class Totals:
    inputs: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    slowest: float = 0.0
    slowest_index: int = -1
    peak_rss_mb: float = 0.0
    stopped_early: bool = False
    failures: list[dict[str, Any]] = field(default_factory=list)


def _cpu_seconds(pid: int | None) -> float | None:
    """CPU seconds a process has used (Linux ``/proc``), ``None`` where that cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class _Slot:
    def __init__(self, seed: int, rss_mb: float) -> None:
        context = get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, seed, rss_mb, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.index: int | None = None
        self.started = 0.0
        self.cpu: float | None = None

    def send(self, index: int) -> None:
        self.index, self.started, self.cpu = index, time.monotonic(), _cpu_seconds(self.process.pid)
        self.conn.send(index)

    def over(self, timeout: float) -> bool:
        """Past the bound: ``timeout`` CPU seconds on this input (wall-clock time on a busy machine
        says little), or ten times that in wall-clock time (a worker blocked without computing)."""
        wall = time.monotonic() - self.started
        cpu = _cpu_seconds(self.process.pid)
        if cpu is None or self.cpu is None:
            return wall > timeout
        return cpu - self.cpu > timeout or wall > 10 * timeout

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


def _save(out: Path, seed: int, item: Input, outcome: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{seed}-{item.index:06d}"
    (out / f"{stem}.bin").write_bytes(item.data)
    record = {"seed": seed, "index": item.index, "name": item.name, "base": item.base, "recipe": item.recipe,
              "bytes": len(item.data), **outcome}
    (out / f"{stem}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")


def run(inputs: int, seed: int = 13, workers: int = 2, timeout: float = 20.0, rss_mb: float = 1500.0,
        out: Path = DEFAULT_OUT, start: int = 0, progress: Callable[[Totals, float], None] | None = None,
        minutes: float = 0.0) -> Totals:
    """Run inputs ``start .. start+inputs-1`` of seed ``seed``; failures are saved in ``out``.

    ``minutes``: hand out no new input after that long (0: no bound); the inputs run are then
    ``start .. start + totals.inputs - 1``, all of them, and ``totals.stopped_early`` is set."""
    _quiet()
    bases = load_bases()
    totals = Totals()
    pending = iter(range(start, start + inputs))
    slots = [_Slot(seed, rss_mb) for _ in range(max(1, workers))]
    began = time.monotonic()
    last_report = began

    def record(index: int, kind: str, code: str, seconds: float, detail: str) -> None:
        totals.inputs += 1
        totals.kinds[kind] += 1
        if kind == "refused":
            totals.codes[code] += 1
        if seconds > totals.slowest:
            totals.slowest, totals.slowest_index = seconds, index
        if kind not in GOOD:
            item = make_input(bases, seed, index)
            outcome = {"kind": kind, "code": code, "seconds": round(seconds, 3), "detail": detail}
            _save(out, seed, item, outcome)
            totals.failures.append({"index": index, "name": item.name, "recipe": item.recipe, **outcome})

    def feed(slot: _Slot) -> bool:
        if minutes and time.monotonic() - began > minutes * 60:
            totals.stopped_early = True
            slot.index = None
            return False
        index = next(pending, None)
        if index is None:
            slot.index = None
            return False
        slot.send(index)
        return True

    try:
        live = [slot for slot in slots if feed(slot)]
        for slot in slots:
            if slot not in live:
                slot.kill()
        while live:
            ready = wait([slot.conn for slot in live], timeout=1.0)
            for slot in list(live):
                replace = False
                if slot.conn in ready:
                    try:
                        index, kind, code, seconds, peak, detail = slot.conn.recv()
                    except (EOFError, OSError):
                        assert slot.index is not None
                        record(slot.index, "crash", "", time.monotonic() - slot.started,
                               f"the worker died (exit code {slot.process.exitcode})")
                        replace = True
                    else:
                        totals.peak_rss_mb = max(totals.peak_rss_mb, peak)
                        record(index, kind, code, seconds, detail)
                        replace = kind == "memory"
                elif slot.over(timeout):
                    assert slot.index is not None
                    record(slot.index, "hang", "", time.monotonic() - slot.started,
                           f"still running after {timeout:g} CPU seconds; the worker was killed")
                    replace = True
                else:
                    continue
                if replace:
                    slot.kill()
                    slots[slots.index(slot)] = fresh = _Slot(seed, rss_mb)
                    live[live.index(slot)] = fresh
                    slot = fresh
                if not feed(slot):
                    live.remove(slot)
                    slot.conn.send(None)
                    slot.process.join(timeout=10)
                    if slot.process.is_alive():
                        slot.kill()
            if progress is not None and time.monotonic() - last_report > 30:
                last_report = time.monotonic()
                progress(totals, last_report - began)
    finally:
        for slot in slots:
            if slot.process.is_alive():
                slot.kill()
    totals_seconds = time.monotonic() - began
    if progress is not None:
        progress(totals, totals_seconds)
    totals.failures.sort(key=lambda f: f["index"])
    setattr(totals, "seconds", totals_seconds)
    return totals


def summary(totals: Totals, seconds: float, seed: int, workers: int) -> dict[str, Any]:
    return {
        "seed": seed, "workers": workers, "inputs": totals.inputs, "stopped_early": totals.stopped_early,
        "seconds": round(seconds, 1),
        "inputs_per_second": round(totals.inputs / seconds, 1) if seconds else 0.0,
        "kinds": {kind: totals.kinds.get(kind, 0) for kind in ("parsed", "refused", "unexpected", "hang", "crash", "memory")},
        "refused_by_code": dict(totals.codes.most_common()),
        "slowest_seconds": round(totals.slowest, 3), "slowest_index": totals.slowest_index,
        "peak_rss_mb": round(totals.peak_rss_mb, 1),
        "failures": [{k: v for k, v in f.items() if k != "detail"} | {"detail": f["detail"][-2000:]}
                     for f in totals.failures[:50]],
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--start", type=int, default=0, help="first input index (to resume a run)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=20.0,
                        help="CPU seconds one input may take (or ten times that in wall-clock time)")
    parser.add_argument("--rss-mb", type=float, default=1500.0, help="a worker peak RSS that counts as a finding")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--minutes", type=float, default=0.0,
                        help="hand out no new input after this many minutes, then print the figures (0: no bound)")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.add_argument("--show", type=int, metavar="INDEX", help="print the recipe of one input and exit")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the workers are killed too
    if args.show is not None:
        item = make_input(load_bases(), args.seed, args.show)
        print(json.dumps({"index": item.index, "name": item.name, "base": item.base, "recipe": item.recipe,
                          "bytes": len(item.data)}, ensure_ascii=False))
        return 0

    def progress(totals: Totals, seconds: float) -> None:
        rate = totals.inputs / seconds if seconds else 0.0
        kinds = " ".join(f"{k}={v}" for k, v in sorted(totals.kinds.items()))
        print(f"[{time.strftime('%H:%M:%S')}] {totals.inputs}/{args.inputs} inputs, {rate:.1f}/s, {kinds}",
              file=sys.stderr, flush=True)

    totals = run(args.inputs, args.seed, args.workers, args.timeout, args.rss_mb, args.out, args.start, progress,
                 args.minutes)
    seconds = float(getattr(totals, "seconds"))
    result = summary(totals, seconds, args.seed, args.workers)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        kinds = result["kinds"]
        last = args.start + result["inputs"] - 1
        print(f"fuzz: {result['inputs']} inputs (seed {args.seed}, inputs {args.start}..{last}"
              f"{'; stopped early after --minutes' if totals.stopped_early else ''}) "
              f"in {result['seconds']} s = {result['inputs_per_second']} inputs/s on {args.workers} workers")
        print("  " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
        print("  refused by reason code: " + ", ".join(f"{k} {v}" for k, v in result["refused_by_code"].items()))
        print(f"  slowest input: {result['slowest_seconds']} s (index {result['slowest_index']}); "
              f"peak RSS of a worker: {result['peak_rss_mb']} MB; load average {result['load_average']}")
        for failure in totals.failures[:20]:
            print(f"  {failure['kind']} #{failure['index']} {failure['name']} {failure['code']} "
                  f"{' '.join(failure['recipe'])[:200]}: {failure['detail'].strip().splitlines()[-1:]}")
        if totals.failures:
            print(f"  inputs and recipes saved in {args.out}")
    bad = sum(result["kinds"][k] for k in ("unexpected", "hang", "crash", "memory"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
