"""An agency name → its region, through maintained gazetteers.

* ``cpca`` resolves province / city / county (with its own adcode table);
* the township level comes from ``jionlp``'s ``china_location`` gazetteer, which lists
  every township under its county.  jionlp is installed without its dependencies and never
  imported: only its data file is read.

Names the gazetteers do not know (fictional demo agencies, development zones) fall back to
the administrative suffixes the name itself carries (…省…市…区…镇).
"""

from __future__ import annotations

import importlib.metadata
import io
import re
import warnings
import zipfile
from functools import lru_cache

from parsing.record import Region

# A township name ends the place part of an agency name: what follows is the office.
_AFTER_TOWNSHIP = r"(?=人民政府|政府|办事处|党委|党工委|$)"
_TOWNSHIP = re.compile(r"([\u4e00-\u9fff]{1,10}?(?:民族乡|镇|乡|街道|苏木))" + _AFTER_TOWNSHIP)
_SUFFIX_LEVELS = (
    ("province", re.compile(r"^([\u4e00-\u9fff]{1,8}?(?:省|自治区))")),
    # A city's name holds no county/township character ("汀门县市场监督管理局" is a county's
    # 市场监督管理局, not the city "汀门县市"), and 市场/区域 are words, not suffixes.
    ("city", re.compile(r"^([^县区旗镇乡\W\d]{1,8}?(?:市(?!场)|自治州|盟|地区))")),
    ("county", re.compile(r"^([^镇乡\W\d]{1,8}?(?:自治县|县|区(?!域)|旗))")),
    ("township", re.compile(r"^([\u4e00-\u9fff]{1,8}?(?:民族乡|镇|乡|街道|苏木))" + _AFTER_TOWNSHIP)),
)


@lru_cache(maxsize=1)
def _townships() -> dict[str, list[tuple[str, str, str]]]:
    """Township name → [(province, city, county)] from jionlp's gazetteer (empty if absent)."""
    try:
        path = importlib.metadata.distribution("jionlp").locate_file("jionlp/dictionary/china_location.zip")
        with zipfile.ZipFile(str(path)) as zf:
            raw = zf.read(zf.namelist()[0]).decode("utf-8")
    except (importlib.metadata.PackageNotFoundError, OSError, KeyError, zipfile.BadZipFile):
        return {}
    index: dict[str, list[tuple[str, str, str]]] = {}
    province = city = county = ""
    for line in io.StringIO(raw):
        depth = len(line) - len(line.lstrip("\t"))
        name = line.strip().split("\t", 1)[0]
        if depth == 0:
            province = name
        elif depth == 1:
            city = name
        elif depth == 2:
            county = name
        elif depth == 3:
            index.setdefault(name, []).append((province, city, county))
    return index


@lru_cache(maxsize=1)
def _cpca():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import cpca
    return cpca


def places_in_name(name: str) -> Region:
    region = Region()
    rest = name
    for level, pattern in _SUFFIX_LEVELS:
        match = pattern.match(rest)
        if match:
            setattr(region, level, match.group(1))
            rest = rest[match.end():]
    return region


def _clean(value: object) -> str | None:
    # cpca's placeholder for cities without counties (中山市, 东莞市 …) is not a county.
    if not isinstance(value, str) or value in ("", "县", "市辖区") or value.endswith("行政区划"):
        return None
    return value


_LEVEL_SUFFIX = re.compile(r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|省|市|区|县|盟|旗|地区)$")


def _named_in(agency: str, region: Region) -> bool:
    """True when some place cpca returned is spelt in the name (at least its two-character stem)."""
    for place in (region.province, region.city, region.county):
        stem = _LEVEL_SUFFIX.sub("", place or "")
        if len(stem) >= 2 and stem in agency:
            return True
    return False


def trim_to_region(agency: str, region: Region) -> str:
    """Drop words a name pattern swallowed before the first place name ("请与将乐县…" → "将乐县…")."""
    starts = [agency.find(p) for p in (region.province, region.city, region.county, region.township) if p]
    starts = [s for s in starts if s > 0]
    if starts and all(agency.find(p) != 0 for p in (region.province, region.city, region.county,
                                                    region.township) if p):
        return agency[min(starts):]
    return agency


@lru_cache(maxsize=20_000)
def resolve_region(agency: str | None) -> Region:
    """The region an agency name points to; fields the name does not fix stay ``None``."""
    if not agency:
        return Region()
    frame = _cpca().transform([agency])
    row = frame.iloc[0]
    region = Region(_clean(row["省"]), _clean(row["市"]), _clean(row["区"]))
    if region.province and not (_named_in(agency, region) and _consistent(agency, region)):
        region = Region()
    if not (region.province or region.city or region.county):
        # Unknown to the gazetteer: read the administrative suffixes the name carries.
        region = places_in_name(agency)
    else:
        township = _TOWNSHIP.match(_clean(row["地址"]) or "")
        if township:
            region.township = township.group(1)
    if region.township and not region.county:
        places = _townships().get(region.township, [])
        if region.city:
            places = [p for p in places if p[1] == region.city]
        if len(places) == 1:
            province, city, county = places[0]
            region.province, region.city, region.county = province, city, _clean(county)
    return region


def _consistent(agency: str, region: Region) -> bool:
    """False when the name spells a city or province the gazetteer's answer contradicts.

    cpca infers the province and city from a county name alone; a fictional "示例市东川区"
    must not become 昆明市东川区.
    """
    for level, pattern in _SUFFIX_LEVELS[:2]:
        match = pattern.match(agency)
        if not match:
            continue
        named = match.group(1)
        found = getattr(region, level)
        if found and named != found and not found.startswith(named.rstrip("省市")):
            return False
    return True
