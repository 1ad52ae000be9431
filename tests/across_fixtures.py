"""Fixture corpora for the checks across years, written as real report files at test time.

The real reports of ``../shared/real`` (平潭综合实验区, 2021–2025) are copied into a temporary
folder (never into the project) with a year or an agency renamed and a table row changed, then
ingested with the real pipeline.  What each copy changes is said beside it; the expected values
in the tests were read in the reports themselves.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REAL

HTML = REAL / "html"
AGENCY = "平潭综合实验区"
# A cell of the published tables: <p ...>17</p>
_CELL = re.compile(r">\s*(\d+)\s*</p>")
# Six counties of Fujian, the province of the real reports: peers of one level and province.
PEER_COUNTIES = ("闽侯县人民政府", "连江县人民政府", "罗源县人民政府", "闽清县人民政府", "永泰县人民政府")
ZERO_COUNTY = "长泰县人民政府"


def set_row(html: str, label: str, values: list[int]) -> str:
    """The published page with the table row headed ``label`` holding ``values`` (its first cells after
    the label, in order)."""
    start = html.index(label)
    out, at = [html[:start]], start
    for value in values:
        found = _CELL.search(html, at)
        assert found is not None, f"no cell after {label}"
        out.append(html[at:found.start(1)] + str(value))
        at = found.end(1)
    out.append(html[at:])
    return "".join(out)


def _read(number: str) -> str:
    return (HTML / f"{number}.html").read_text(encoding="utf-8")


def write_years(folder: Path) -> Path:
    """平潭综合实验区 2021–2025: the real 2021, 2022 and 2025 reports; a 2023 report made from the 2024
    one (year renamed, 本年新收 set to 9+1 = 10); the 2024 report with 结转下年度继续办理 set to 12
    (natural persons 12), while the real 2025 report carried over 0."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in ("11", "12", "19"):
        (folder / f"{number}.html").write_text(_read(number), encoding="utf-8")
    made = set_row(_read("06").replace("2024", "2023"), "本年新收政府信息公开申请数量", [9, 1, 0, 0, 0, 0, 10])
    (folder / "2023-made.html").write_text(made, encoding="utf-8")
    changed = set_row(_read("06"), "结转下年度继续办理</p>", [12, 0, 0, 0, 0, 0, 12])
    (folder / "06-carry-12.html").write_text(changed, encoding="utf-8")
    return folder


def write_peers(folder: Path) -> Path:
    """The real 2025 report under five Fujian counties' names (本年新收 154 each), and under a sixth
    name with 本年新收 all 0."""
    folder.mkdir(parents=True, exist_ok=True)
    page = _read("19")
    for i, name in enumerate(PEER_COUNTIES):
        (folder / f"peer-{i}.html").write_text(page.replace(AGENCY, name), encoding="utf-8")
    zero = set_row(page.replace(AGENCY, ZERO_COUNTY), "本年新收政府信息公开申请数量", [0] * 7)
    (folder / "zero.html").write_text(zero, encoding="utf-8")
    return folder


def write_all(folder: Path) -> Path:
    """Both of the above in one folder: every kind of finding in one corpus (the 2025 peers then
    include the real 平潭综合实验区 report too)."""
    write_years(folder)
    return write_peers(folder)


def ingest_folder(source: Path, data: Path) -> Path:
    from corpus.ingest import ingest

    result = ingest([source], data, workers=1, progress=False, passages=False)
    assert not result.failed, result.failed
    return data
