"""Bytes → str for text and HTML reports: UTF-8, GB18030/GBK or Big5, never guessed silently.

Order: a byte-order mark, then strict UTF-8, then both Chinese legacy encodings decoded
strictly and scored.  The score is the share of non-ASCII characters that are *common*
characters: the first-level hanzi of GB2312 (3,755 simplified characters) and of Big5
(5,401 traditional characters) plus the punctuation rows of both.  Bytes of one encoding
read as the other land on kana, Greek, box drawing, private-use and rare characters, so
the right reading scores far higher.  Both sets are built from the codecs themselves, so
no character list lives in this module.
"""

from __future__ import annotations

import codecs
import re
import threading

from parsing.errors import EncodingError

# A decoding wins only if its score beats the other by this much ...
MIN_MARGIN = 0.2
# ... and at least this share of its non-ASCII characters are common ones.
MIN_SCORE = 0.6
# A file with a few bad bytes (one flipped byte, a multibyte character cut at the end) is
# read with those bytes replaced by U+FFFD and a warning that counts them, when they are at
# most this share of its bytes (at least 1 byte) and at most this many; more is refused.
REPLACED_MAX_SHARE = 0.001
REPLACED_MAX_BYTES = 64

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# The legacy candidates; Big5 falls back to cp950 (Microsoft's Big5, what most files use).
_CANDIDATES = (("gb18030",), ("big5", "cp950"))

# Names a <meta charset> may give, mapped to the codec that reads them strictly.
_ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5",
    "big-5": "big5",
    "cp950": "cp950",
    "big5-hkscs": "big5hkscs",
}

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def _rows(encoding: str, leads: range, trails: tuple[range, ...]) -> str:
    """Every character whose double-byte code in ``encoding`` has a lead in ``leads``."""
    data = bytearray()
    for lead in leads:
        for trail_range in trails:
            for trail in trail_range:
                data += bytes((lead, trail))
    return data.decode(encoding, errors="ignore")


def _common_characters() -> frozenset[str]:
    gb_trails = (range(0xA1, 0xFF),)
    big5_trails = (range(0x40, 0x7F), range(0xA1, 0xFF))
    chars = (
        _rows("gb2312", range(0xA1, 0xA4), gb_trails)  # punctuation, full-width forms
        + _rows("gb2312", range(0xB0, 0xD8), gb_trails)  # level-1 hanzi
        + _rows("big5", range(0xA1, 0xA4), big5_trails)  # punctuation
        + _rows("big5", range(0xA4, 0xC7), big5_trails)  # level-1 hanzi
    )
    return frozenset(chars) - frozenset(chr(c) for c in range(0x80))


_COMMON = _common_characters()
# str.translate deletes common characters in C; the length drop counts them fast.
_DELETE_COMMON = {ord(c): None for c in _COMMON}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def common_share(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common Chinese characters."""
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    if non_ascii == 0:
        return 0.0
    common = len(text) - len(text.translate(_DELETE_COMMON))
    return common / non_ascii


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


_COUNTED = threading.local()


class _TooDamaged(Exception):
    """More bad bytes than a damaged file may have."""


def _count_and_replace(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    _COUNTED.bytes = getattr(_COUNTED, "bytes", 0) + (error.end - error.start)
    if _COUNTED.bytes > getattr(_COUNTED, "allowed", 0):
        raise _TooDamaged()  # stop at once: a file in another encoding fails on every character
    return "\ufffd", error.end


codecs.register_error("gongkai-count", _count_and_replace)


def replaced_allowed(size: int) -> int:
    """How many bad bytes a file of ``size`` bytes may have and still be read."""
    return min(REPLACED_MAX_BYTES, max(1, int(size * REPLACED_MAX_SHARE)))


def _lenient(data: bytes, encoding: str) -> tuple[str, int] | None:
    """``data`` decoded with bad bytes replaced, and how many were; None past the allowance."""
    _COUNTED.bytes, _COUNTED.allowed = 0, replaced_allowed(len(data))
    try:
        text = data.decode(encoding, errors="gongkai-count")
    except (_TooDamaged, UnicodeError, LookupError):
        return None
    return text, _COUNTED.bytes


def replaced_warning(replaced: int, encoding: str) -> str:
    return (f"encoding: {replaced} byte{'s' if replaced != 1 else ''} not valid {encoding} "
            f"replaced by U+FFFD (damaged or cut file); the rest reads cleanly")


def _from_bom(data: bytes) -> tuple[str, str] | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data, name)
            if text is None:
                return None
            return text.lstrip("\ufeff"), name
    return None


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Decode report bytes; returns ``(text, encoding)`` or raises :class:`EncodingError`."""
    text, encoding, _ = decode_report(data, source)
    return text, encoding


def decode_report(data: bytes, source: str) -> tuple[str, str, list[str]]:
    """Decode report bytes: ``(text, encoding, warnings)``, or raises :class:`EncodingError`.

    A file whose bytes decode cleanly in no candidate but with a few bad bytes in one
    (:data:`REPLACED_MAX_SHARE`, :data:`REPLACED_MAX_BYTES`) is read with them replaced,
    and a warning says how many.
    """
    bom = _from_bom(data)
    if bom is not None:
        return bom[0], bom[1], []
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8", []
    # Damaged UTF-8 first: its bytes may still decode strictly, as garbage, in GB18030.
    lenient = _lenient(data, "utf-8")
    if lenient is not None:
        return lenient[0], "utf-8", [replaced_warning(lenient[1], "utf-8")]
    scored: list[tuple[float, str, str]] = []
    for names in _CANDIDATES:
        for name in names:
            text = _strict(data, name)
            if text is not None:
                scored.append((common_share(text), name, text))
                break
    warnings: list[str] = []
    if not scored:
        for names in _CANDIDATES:
            readings = [(name, _lenient(data, name)) for name in names]
            found = [(name, read) for name, read in readings if read is not None]
            if found:
                name, (text, replaced) = min(found, key=lambda f: f[1][1])
                scored.append((common_share(text), name, text))
                warnings.append(replaced_warning(replaced, name))
        if len(scored) > 1:  # keep the warning of the reading that wins below
            order = sorted(range(len(scored)), key=lambda i: scored[i], reverse=True)
            warnings = [warnings[order[0]]]
    if not scored:
        raise EncodingError(
            source,
            "the bytes are not valid UTF-8, GB18030/GBK or Big5; "
            "re-save the file as UTF-8 and try again",
        )
    scored.sort(reverse=True)
    best_score, best_name, best_text = scored[0]
    if best_score < MIN_SCORE:
        raise EncodingError(
            source,
            f"the bytes decode as {best_name} but read as garbled text "
            f"(only {best_score:.0%} common Chinese characters); re-save the file as UTF-8",
        )
    if len(scored) > 1 and best_score - scored[1][0] < MIN_MARGIN:
        raise EncodingError(
            source,
            f"cannot tell GB18030 from Big5 (common-character scores "
            f"{scored[0][1]} {scored[0][0]:.2f}, {scored[1][1]} {scored[1][0]:.2f}); "
            "re-save the file as UTF-8",
        )
    return best_text, best_name, warnings


def declared_charset(data: bytes) -> str | None:
    """The codec named by an HTML ``<meta charset>`` near the top of the page, if any."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    return _ALIASES.get(match.group(1).decode("ascii").lower())


def decode_html(data: bytes, source: str) -> tuple[str, str, list[str]]:
    """Decode an HTML page: honour ``<meta charset>`` only when it reads the bytes cleanly.

    Valid UTF-8 wins over a declared legacy charset: GBK bytes are almost never valid
    UTF-8, while pages that were re-encoded to UTF-8 often keep their old declaration.
    """
    warnings: list[str] = []
    bom = _from_bom(data)
    if bom is not None:
        return bom[0], bom[1], warnings
    declared = declared_charset(data)
    text = _strict(data, "utf-8")
    if text is not None:
        if declared not in (None, "utf-8") and not data.isascii():
            warnings.append(f"page declares charset {declared} but is valid UTF-8; read as UTF-8")
        return text, "utf-8", warnings
    if declared is not None and declared != "utf-8":
        text = _strict(data, declared)
        if text is not None:
            return text, declared, warnings
    text, name, damaged = decode_report(data, source)
    warnings.extend(damaged)
    if declared is not None:
        warnings.append(f"page declares charset {declared} but its bytes do not match; detected {name}")
    return text, name, warnings
