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
from collections.abc import Mapping
from functools import lru_cache

from parsing.record import Region
from parsing.user_cache import cached, file_stamp, source_hash
from parsing.vocabulary import ZONE_SUFFIXES

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
def _jionlp_path() -> str:
    """Where jionlp's ``china_location`` gazetteer is ("" when jionlp is not installed)."""
    try:
        return str(importlib.metadata.distribution("jionlp").locate_file("jionlp/dictionary/china_location.zip"))
    except importlib.metadata.PackageNotFoundError:
        return ""


@lru_cache(maxsize=1)
def _jionlp_gazetteer() -> str:
    """The text of jionlp's ``china_location`` gazetteer (tab-indented levels), "" if absent."""
    if not _jionlp_path():
        return ""
    try:
        with zipfile.ZipFile(_jionlp_path()) as zf:
            return zf.read(zf.namelist()[0]).decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile):
        return ""


@lru_cache(maxsize=1)
def _townships() -> dict[str, list[tuple[str, str, str]]]:
    """Township name → [(province, city, county)] from jionlp's gazetteer (empty if absent)."""
    raw = _jionlp_gazetteer()
    if not raw:
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


def _cpca_row(agency: str) -> Mapping[str, object]:
    """cpca's answer for one name: the row ``cpca.transform([agency])`` holds (省, 市, 区, 地址,
    adcode), read without building its one-row DataFrame (most of transform's cost)."""
    cpca = _cpca()
    one = getattr(cpca, "_get_one_addr", None)
    if one is not None:
        return one(agency, False, {})  # type: ignore[no-any-return]
    return cpca.transform([agency]).iloc[0]  # type: ignore[no-any-return]


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
    row = _cpca_row(agency)
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


# ---------------------------------------------------------------------------
# Zones (综合实验区, 开发区, 新区 …) and OCR variants of place names
# ---------------------------------------------------------------------------

_ZONE = re.compile("|".join(map(re.escape, sorted(ZONE_SUFFIXES, key=len, reverse=True))))
_LEVEL_NAMES = re.compile(r"[\u4e00-\u9fff]{2,}?(?:省|自治区|市|自治州|盟|地区|县|自治县|区|旗)")


def is_zone(name: str) -> bool:
    """True for a zone's name (综合实验区, 开发区, 新区 …): not a district to prefix with its city."""
    return bool(_ZONE.search(name))


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, list[tuple[str, str | None, str | None]]]:
    """Province / city / county names and their short forms → [(province, city, county)].

    Read from jionlp's ``china_location`` gazetteer (empty if it is absent).
    """
    raw = _jionlp_gazetteer()
    if not raw:
        return {}
    index: dict[str, list[tuple[str, str | None, str | None]]] = {}
    province = city = ""
    for line in io.StringIO(raw):
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 2:
            continue
        parts = [p for p in line.strip().split("\t") if p and not p.isdigit()]
        if not parts:
            continue
        if depth == 0:
            province = parts[0]
            place: tuple[str, str | None, str | None] = (province, None, None)
        elif depth == 1:
            city = parts[0]
            place = (province, city, None)
        else:
            place = (province, city, parts[0])
        for name in dict.fromkeys(parts):
            if place not in index.setdefault(name, []):
                index[name].append(place)
    return index


def _unique(places: list[tuple[str, str | None, str | None]]) -> tuple[str, str | None, str | None] | None:
    return places[0] if len(set(places)) == 1 else None


def zone_region(agency: str, region: Region) -> Region:
    """The province and city of a zone ("平潭综合实验区" → 福建省 福州市), through the gazetteer.

    The name before the zone word is looked up as a province, city or county name or short
    name; when exactly one place answers, its province and city fill the fields the name
    did not fix.  The zone keeps its own name in the county field.
    """
    zone = _ZONE.search(agency)
    if not zone or (region.province and (region.city or region.county)):
        return region
    stem = agency[:zone.start()]
    for m in _LEVEL_NAMES.finditer(stem):  # "福建省平潭…": drop places already spelt out
        if m.start() == 0 and m.end() < len(stem):
            stem = stem[m.end():]
    place = _unique(_gazetteer().get(stem, [])) if len(stem) >= 2 else None
    if place is None:
        return region
    province, city, county = place
    if region.province and region.province != province:
        return region
    out = Region(province, region.city or city, region.county, region.township)
    if county is None and city and region.city is None:
        out.city = city
    if out.county is None:
        out.county = stem + zone.group(0) if zone.group(0).endswith("区") else None
    return out


@lru_cache(maxsize=1)
def _masked_names() -> dict[str, list[str]]:
    """Gazetteer names of three or more characters by each one-character mask ("沭?县" …)."""
    out: dict[str, list[str]] = {}
    for name in _gazetteer():
        if len(name) >= 3 and _LEVEL_SUFFIX.search(name):
            for i in range(len(name) - 1):  # the level suffix itself is never the variant
                out.setdefault(name[:i] + "\0" + name[i + 1:], []).append(name)
    return out


@lru_cache(maxsize=1)
def _char_shapes() -> dict[str, tuple[str, str, str]]:
    """Character → (radical, four-corner code, wubi code), from jionlp's character dictionary."""
    try:
        path = importlib.metadata.distribution("jionlp").locate_file("jionlp/dictionary/chinese_char_dictionary.zip")
        with zipfile.ZipFile(str(path)) as zf:
            raw = zf.read(zf.namelist()[0]).decode("utf-8")
    except (importlib.metadata.PackageNotFoundError, OSError, KeyError, zipfile.BadZipFile):
        return {}
    out = {}
    for line in raw.splitlines():
        parts = line.split("\t")
        if len(parts) >= 7 and len(parts[0]) == 1:
            out[parts[0]] = (parts[1], parts[3], parts[6])
    return out


def look_alike(a: str, b: str) -> bool:
    """Two characters OCR confuses: same radical, and one's wubi code (its strokes' shape
    code) extends the other's: 沐 ISY / 沭 ISYY."""
    shapes = _char_shapes()
    if a not in shapes or b not in shapes:
        return False
    (rad_a, _, wubi_a), (rad_b, _, wubi_b) = shapes[a], shapes[b]
    if rad_a != rad_b:
        return False
    return bool(wubi_a and wubi_b) and (wubi_a.startswith(wubi_b) or wubi_b.startswith(wubi_a))


def near_place(name: str) -> str | None:
    """The gazetteer name an OCR variant stands for (沐阳县 → 沭阳县), if exactly one fits.

    A fit differs from ``name`` in one character (never the level suffix), and the two
    characters look alike (:func:`look_alike`).
    """
    if len(name) < 3 or name in _gazetteer():
        return None
    found = set()
    for i in range(len(name) - 1):
        for other in _masked_names().get(name[:i] + "\0" + name[i + 1:], []):
            if look_alike(name[i], other[i]):
                found.add(other)
    return found.pop() if len(found) == 1 else None


def region_of(agency: str | None) -> tuple[Region, list[str]]:
    """The agency's region, and warnings on what had to be read into the name.

    Beyond :func:`resolve_region`: a zone (综合实验区, 开发区 …) is placed through the
    gazetteer, and a place name one character off a gazetteer name (沐阳县 for 沭阳县, an OCR
    misreading) is read as that name, with a warning.
    """
    if not agency:
        return Region(), []
    region = resolve_region(agency)
    zoned = zone_region(agency, region)
    if zoned is not region:
        return zoned, []
    spelt = places_in_name(agency)
    known = {p for p in (region.province, region.city, region.county) if p in _gazetteer()}
    for place in (spelt.province, spelt.city, spelt.county):
        if not place or place in known:
            continue
        near = near_place(place)
        if near:
            fixed = resolve_region(agency.replace(place, near, 1))
            if near in (fixed.province, fixed.city, fixed.county):
                return fixed, [f"region: “{place}” is not in the gazetteer; read as “{near}” "
                               f"(the only gazetteer name one look-alike character away)"]
    return region, []


@lru_cache(maxsize=1)
def place_names() -> dict[str, list[tuple[str, str | None, str | None, str | None]]]:
    """Every name of the gazetteers (provinces, cities, counties with their short forms, and
    townships) → the places it names, as (province, city, county, township).

    Every question reads it: building it from the gazetteer's text costs about 0.4 s, reading it
    from the user's cache (keyed by the gazetteer file and this module's source) a few ms.
    """
    key = f"{file_stamp(_jionlp_path())}-{source_hash(__file__)}"
    return cached("place-names", key, _build_place_names)


def _build_place_names() -> dict[str, list[tuple[str, str | None, str | None, str | None]]]:
    out: dict[str, list[tuple[str, str | None, str | None, str | None]]] = {}
    for name, places in _gazetteer().items():
        out[name] = [(p, c, _clean(k) if k else None, None) for p, c, k in places]
    for name, towns in _townships().items():
        out.setdefault(name, []).extend((p, c, _clean(k), name) for p, c, k in towns)
    return out
