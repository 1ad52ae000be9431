"""The five seeds with a copied section, a partially copied one and a stock paragraph, ingested
with their passage index once per session (for tests/test_copies.py and tests/test_browser_copied.py).

* 将乐县 (2024) has 越城区's (2021) section 一 in place of its own: a whole section copied;
* 大涌镇 (2022) has two paragraphs of 安康高新区's (2019) section 一 (traditional script) before
  two of its own: a part of a section copied, its share (``PART_SHARE``) counted from the file text;
* every report's section 六 is the same three sentences (大涌镇's section 六, then 越城区's): a
  paragraph all five agencies print, boilerplate, not copying.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import seed_path

_BUILT: dict[str, Path] = {}


def _lines(prefix: str) -> list[str]:
    return seed_path(prefix).read_text("utf-8").splitlines()


def _section_one(lines: list[str]) -> tuple[int, int]:
    """(heading line, next heading line) of section 一."""
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("一、"))
    end = next(i for i, line in enumerate(lines) if i > start and line.strip().startswith("二、"))
    return start, end


def _body(lines: list[str]) -> list[str]:
    start, end = _section_one(lines)
    return [line for line in lines[start + 1:end] if line.strip()]


def _with_section_one(lines: list[str], body: list[str]) -> list[str]:
    start, end = _section_one(lines)
    return lines[:start + 1] + body + lines[end:]


def _with_section_six(lines: list[str], body: list[str]) -> list[str]:
    six = next(i for i, line in enumerate(lines) if line.strip().startswith("六、"))
    return lines[:six + 1] + body


def letters(text: str) -> int:
    """Letters and digits: what a section's share is counted in."""
    return sum(ch.isalnum() for ch in text)


def _section_six(lines: list[str]) -> list[str]:
    six = next(i for i, line in enumerate(lines) if line.strip().startswith("六、"))
    return [line for line in lines[six + 1:] if line.strip()]


STOCK = _section_six(_lines("004")) + _section_six(_lines("000"))
COPIED_PART = _body(_lines("002"))[2:4]          # 安康高新区 2019, section 一, paragraphs (二) and (三)
OWN_PART = [_body(_lines("004"))[i] for i in (0, 2)]  # 大涌镇's own opening and its paragraph (二)
PART_SHARE = letters("".join(COPIED_PART)) / letters("".join(COPIED_PART + OWN_PART))


def copied_seeds_corpus(factory: Any) -> Path:
    """The changed seeds ingested with their passage index (once per session; read-only)."""
    if "copies" in _BUILT:
        return _BUILT["copies"]
    from corpus.ingest import ingest

    files = factory.mktemp("copies-files")
    texts = {prefix: _lines(prefix) for prefix in ("000", "001", "002", "003", "004")}
    texts["001"] = _with_section_one(texts["001"], _body(texts["000"]))
    texts["004"] = _with_section_one(texts["004"], COPIED_PART + OWN_PART)
    for prefix, lines in texts.items():
        (files / seed_path(prefix).name).write_text("\n".join(_with_section_six(lines, STOCK)) + "\n", "utf-8")
    data = factory.mktemp("copies-data")
    result = ingest([files], data, workers=1, progress=False)
    assert not result.failed and len(result.new) == 5, result
    _BUILT["copies"] = data
    return data
