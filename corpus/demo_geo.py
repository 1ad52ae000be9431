"""Fictional geography and agencies of the demo corpus.

Provinces and cities carry one of :data:`FICTIONAL_PREFIXES` (示例省, 样例江澄市 …), so
no full name can be a real division.  Below the province every agency name spells its whole
chain of places (示例省示例市兰塘县交通运输局): a real name is placed by the parser's gazetteers
(杭州市 → 浙江省), but no gazetteer knows a fictional place, so the name must say each level.  County cores are drawn from a fixed syllable pool and
any core that names a real county or city in ``cpca``'s gazetteer is skipped, so a parser
that consults a gazetteer cannot map a demo district onto a real one.  Township names are
always printed under their (fictional, globally unique) county.

The geography itself does not depend on the seed; the seed only picks which agencies a
corpus of ``n`` agencies holds.
"""

from __future__ import annotations

import csv
import importlib.util
import math
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from parsing.errors import GongkaiError

FICTIONAL_PREFIXES: tuple[str, ...] = ("示例", "样例", "演示", "模拟", "虚构", "范例")
CITIES_PER_PROVINCE = 10
COUNTIES_PER_CITY = 10
DISTRICTS_PER_CITY = 3  # the first counties of a city are districts (区), the rest counties (县)
TOWNSHIPS_PER_COUNTY = 14

# Syllable pools: first × second character, read in a fixed interleaved order.
_FIRST = "青白金石云松柏桂兰梅竹枫桐榆柳杏霞岚澄澜汀泽溪岭峰川源泉丰宁安和康乐瑞祥嘉德永长"
_SECOND = "川湖山岭泉溪原岗塘湾林洲滨阳宁丰平桥坪峪渚河江浦台城门庄埠堰"
_TOWN_FIRST = "白沙黄红绿新旧上下前后大小高中东西南北马牛龙凤鹤雁桃李杨槐"
_TOWN_SECOND = "沙桥店铺集坝口营寨屯湾岗坡庙渡家洼圩墩"


class DemoError(GongkaiError):
    """The demo corpus cannot be generated with the parameters given."""


@dataclass(frozen=True)
class DeptKind:
    """A kind of government department and how busy it is on each table row."""

    city_name: str
    province_name: str
    requests: float
    licensing: float
    penalty: float
    coercion: float = 0.0
    at_county: bool = True


DEPARTMENTS: tuple[DeptKind, ...] = (
    DeptKind("发展和改革委员会", "发展和改革委员会", 1.0, 0.3, 0.05),
    DeptKind("教育局", "教育厅", 1.0, 0.3, 0.05),
    DeptKind("科学技术局", "科学技术厅", 0.3, 0.1, 0.0, at_county=False),
    DeptKind("工业和信息化局", "工业和信息化厅", 0.4, 0.2, 0.1),
    DeptKind("公安局", "公安厅", 1.5, 3.0, 4.0, 3.0),
    DeptKind("民政局", "民政厅", 0.8, 0.3, 0.05),
    DeptKind("司法局", "司法厅", 0.6, 0.3, 0.1),
    DeptKind("财政局", "财政厅", 0.8, 0.05, 0.05),
    DeptKind("人力资源和社会保障局", "人力资源和社会保障厅", 1.2, 0.5, 0.3),
    DeptKind("自然资源和规划局", "自然资源厅", 2.5, 1.0, 0.8, 0.5),
    DeptKind("生态环境局", "生态环境厅", 1.5, 0.6, 1.2, 1.0),
    DeptKind("住房和城乡建设局", "住房和城乡建设厅", 2.0, 1.2, 0.6, 0.3),
    DeptKind("交通运输局", "交通运输厅", 0.8, 1.5, 2.0, 0.5),
    DeptKind("水利局", "水利厅", 0.5, 0.6, 0.3),
    DeptKind("农业农村局", "农业农村厅", 0.6, 0.8, 0.5),
    DeptKind("商务局", "商务厅", 0.3, 0.4, 0.1, at_county=False),
    DeptKind("文化广电旅游局", "文化和旅游厅", 0.3, 0.6, 0.4),
    DeptKind("卫生健康委员会", "卫生健康委员会", 1.0, 1.0, 0.8),
    DeptKind("退役军人事务局", "退役军人事务厅", 0.4, 0.0, 0.0),
    DeptKind("应急管理局", "应急管理厅", 0.5, 0.5, 0.8, 0.3),
    DeptKind("审计局", "审计厅", 0.2, 0.0, 0.0, at_county=False),
    DeptKind("市场监督管理局", "市场监督管理局", 1.2, 3.0, 3.0, 2.0),
    DeptKind("统计局", "统计局", 0.2, 0.0, 0.05, at_county=False),
    DeptKind("医疗保障局", "医疗保障局", 0.5, 0.1, 0.3),
    DeptKind("林业局", "林业局", 0.3, 0.6, 0.3, at_county=False),
)


@dataclass(frozen=True)
class Agency:
    """One publishing agency and where it sits."""

    key: str                 # stable id, e.g. "p0.c3.k2.t5"
    name: str                # the full name printed in the title (simplified)
    level: str               # province | city | county | township
    kind: str                # government | department
    province: str
    city: str | None
    county: str | None
    township: str | None
    upper: str               # the government office one level up (named in the preamble)
    place: str               # the place whose portal publishes the report
    district: bool = False   # a 区 (or a township under one) rather than a 县
    dept: DeptKind | None = None

    @property
    def region(self) -> dict[str, str | None]:
        return {"province": self.province, "city": self.city, "county": self.county, "township": self.township}


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def _package_file(package: str, *parts: str) -> Path | None:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*parts)
    return path if path.exists() else None


def _gazetteer_names() -> Iterator[str]:
    """Province, city and county names of cpca's table and jionlp's gazetteer (data only)."""
    path = _package_file("cpca", "resources", "adcodes.csv")
    if path is not None:
        with path.open(encoding="utf-8") as handle:
            yield from (row["name"] for row in csv.DictReader(handle))
    path = _package_file("jionlp", "dictionary", "china_location.zip")
    if path is not None:
        with zipfile.ZipFile(path) as archive:
            text = archive.read(archive.namelist()[0]).decode("utf-8")
        for line in text.split("\n"):
            if line[:3] != "\t\t\t":  # deeper lines are townships and villages
                yield line.strip().split("\t", 1)[0]


@lru_cache(maxsize=1)
def real_place_cores() -> frozenset[str]:
    """Real division names, with and without their suffix, and their first two characters."""
    names: set[str] = set()
    for name in _gazetteer_names():
        if not name:
            continue
        names.add(name)
        for suffix in ("自治县", "自治州", "地区", "省", "市", "县", "区", "旗", "盟"):
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                names.add(name[: -len(suffix)])
                break
        names.add(name[:2])
    return frozenset(names)


def _pairs(first: str, second: str) -> Iterator[str]:
    """Every first+second pair, interleaved so neighbours differ in both characters."""
    n1, n2 = len(first), len(second)
    for shift in range(n2):
        for i in range(n1):
            a, b = first[i], second[(i + shift) % n2]
            if a != b:
                yield a + b


@lru_cache(maxsize=1)
def _cores() -> tuple[str, ...]:
    """County and city cores: unique, not a real place, in a fixed order."""
    real = real_place_cores()
    return tuple(c for c in _pairs(_FIRST, _SECOND) if c not in real)


def _town_cores(county_index: int) -> list[str]:
    cores = list(dict.fromkeys(_pairs(_TOWN_FIRST, _TOWN_SECOND)))
    rng = random.Random(f"towns/{county_index}")
    return rng.sample(cores, TOWNSHIPS_PER_COUNTY)


def province_name(p: int) -> str:
    return FICTIONAL_PREFIXES[p] + "省"


def city_name(p: int, c: int) -> str:
    prefix = FICTIONAL_PREFIXES[p]
    if c == 0:
        return prefix + "市"
    cores = _cores()
    return prefix + cores[(p * CITIES_PER_PROVINCE + c) * 7 % len(cores)] + "市"


def _county_core(p: int, c: int, k: int) -> str:
    cores = _cores()
    city_cores = {cores[(i * 7) % len(cores)] for i in range(len(FICTIONAL_PREFIXES) * CITIES_PER_PROVINCE)}
    usable = [x for x in cores if x not in city_cores]
    index = (p * CITIES_PER_PROVINCE + c) * COUNTIES_PER_CITY + k
    if index >= len(usable):
        raise DemoError(f"the syllable pool holds only {len(usable)} county names; lower COUNTIES_PER_CITY")
    return usable[index]


def _county_name(p: int, c: int, k: int) -> tuple[str, bool]:
    districts = DISTRICTS_PER_CITY + (1 if c == 0 else 0)
    district = k < districts
    return _county_core(p, c, k) + ("区" if district else "县"), district


# ---------------------------------------------------------------------------
# Agencies
# ---------------------------------------------------------------------------


def _variant(key: str, n: int) -> int:
    """A stable choice among ``n`` naming variants for one agency."""
    return random.Random(f"variant/{key}").randrange(n)


def province_agencies(p: int) -> list[Agency]:
    prov = province_name(p)
    office = f"{prov}人民政府办公厅"
    out = [Agency(f"p{p}", office, "province", "government", prov, None, None, None, office, prov)]
    for d, dept in enumerate(DEPARTMENTS):
        out.append(Agency(f"p{p}.d{d}", prov + dept.province_name, "province", "department", prov, None, None,
                          None, office, prov, dept=dept))
    return out


def city_agencies(p: int, c: int) -> list[Agency]:
    prov, city = province_name(p), city_name(p, c)
    prov_office = f"{prov}人民政府办公厅"
    key = f"p{p}.c{c}"
    printed = prov + city
    office = f"{printed}人民政府办公室"
    out = [Agency(key, office, "city", "government", prov, city, None, None, prov_office, printed)]
    for d, dept in enumerate(DEPARTMENTS):
        out.append(Agency(f"{key}.d{d}", printed + dept.city_name, "city", "department", prov, city, None, None,
                          office, printed, dept=dept))
    for k in range(COUNTIES_PER_CITY):
        out.extend(county_agencies(p, c, k))
    return out


def county_agencies(p: int, c: int, k: int) -> list[Agency]:
    prov, city = province_name(p), city_name(p, c)
    county, district = _county_name(p, c, k)
    city_office = f"{prov}{city}人民政府办公室"
    key = f"p{p}.c{c}.k{k}"
    printed = prov + city + county
    office = printed + ("人民政府办公室" if _variant(key, 3) else "人民政府")
    out = [Agency(key, office, "county", "government", prov, city, county, None, city_office, printed, district)]
    for d, dept in enumerate(DEPARTMENTS):
        if dept.at_county:
            out.append(Agency(f"{key}.d{d}", printed + dept.city_name, "county", "department", prov, city, county,
                              None, office, printed, district, dept))
    county_index = (p * CITIES_PER_PROVINCE + c) * COUNTIES_PER_CITY + k
    for t, core in enumerate(_town_cores(county_index)):
        tkey = f"{key}.t{t}"
        if district:
            town = core + ("街道" if t % 3 else "镇")
        else:
            town = core + ("乡" if t % 4 == 3 else "镇")
        suffix = "办事处" if town.endswith("街道") else "人民政府"
        out.append(Agency(tkey, printed + town + suffix, "township", "government", prov, city, county, town,
                          office, printed, district))
    return out


# Shares of each kind of agency in a corpus (weighted round robin, so exact for any n).
_BUCKETS: tuple[tuple[str, int], ...] = (
    ("province/government", 1), ("province/department", 4), ("city/government", 4), ("city/department", 18),
    ("county/government", 16), ("county/department", 30), ("township/government", 27),
)
_PER_CITY_CAPACITY = 110
_PER_CITY_SPREAD = 50  # agencies per city at least, when spreading a corpus over the provinces


def max_agencies() -> int:
    return len(select_agencies_pool(len(FICTIONAL_PREFIXES) * CITIES_PER_PROVINCE))


def select_agencies_pool(n_cities: int) -> list[Agency]:
    """All agencies of the first ``n_cities`` cities (round robin over provinces) and their provinces."""
    n_prov = len(FICTIONAL_PREFIXES)
    cities = [(i % n_prov, i // n_prov) for i in range(n_cities)]
    pool: list[Agency] = []
    for p in sorted({p for p, _ in cities}):
        pool.extend(province_agencies(p))
    for p, c in cities:
        pool.extend(city_agencies(p, c))
    return pool


def choose_agencies(n: int, seed: int) -> list[Agency]:
    """``n`` agencies, deterministic in ``seed``, in a realistic mix of levels.

    The corpus spans just enough cities to hold ``n`` agencies with room to choose, so a
    small corpus still has several agencies per city (a city, its departments, districts),
    and at least one city per province once there are 50 agencies per city to fill.
    """
    if n < 1:
        raise DemoError(f"n_agencies must be at least 1, got {n}")
    total_cities = len(FICTIONAL_PREFIXES) * CITIES_PER_PROVINCE
    # Cities are taken round robin over the provinces: from 300 agencies on, every province has one.
    spread = min(len(FICTIONAL_PREFIXES), n // _PER_CITY_SPREAD)
    n_cities = min(total_cities, max(2, spread, math.ceil(n / _PER_CITY_CAPACITY)))
    pool = select_agencies_pool(n_cities)
    if n > len(pool):
        raise DemoError(f"the demo geography holds {len(pool)} agencies; asked for {n}. "
                        "Use more years instead of more agencies for a larger corpus.")
    rng = random.Random(f"agencies/{seed}")
    buckets: dict[str, list[Agency]] = {name: [] for name, _ in _BUCKETS}
    for agency in pool:
        buckets[f"{agency.level}/{agency.kind}"].append(agency)
    for items in buckets.values():
        rng.shuffle(items)
    # Smooth weighted round robin: every prefix of the order has the target shares.
    weights = dict(_BUCKETS)
    current = {name: 0 for name in weights}
    chosen: list[Agency] = []
    while len(chosen) < n:
        live = [name for name in weights if buckets[name]]
        total = sum(weights[name] for name in live)
        for name in live:
            current[name] += weights[name]
        best = max(live, key=lambda name: current[name])
        current[best] -= total
        chosen.append(buckets[best].pop())
    return chosen
