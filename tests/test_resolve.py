"""Agency and region names → what the store holds: exact, short, traditional, pinyin, fuzzy, ambiguous."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import seed_path
from corpus.ingest import ingest
from index.tables import store
from qa.corpus import Corpus
from index.tables.query import QuerySpec, run
from index.tables.resolve import (
    AgencyIndex, AmbiguousAgency, UnknownAgency, abbreviate, agency_index, english_key, resolve,
    resolve_agency, resolve_region, split_place, strip_government,
)


@pytest.fixture(scope="module")
def con(tmp_path_factory, seeds_dir):
    """The seeds, plus the 高新区 seed moved to another city so that two 高新区 exist."""
    extra = tmp_path_factory.mktemp("extra")
    text = seed_path("002").read_text(encoding="utf-8")
    assert "安康" in text
    (extra / "moved.txt").write_text(text.replace("安康", "寶雞"), encoding="utf-8")
    data = tmp_path_factory.mktemp("resolve") / "data"
    result = ingest([seeds_dir, extra], data, workers=1, progress=False, passages=False)
    assert not result.failed
    connection = store.open_read(data)
    yield connection
    connection.close()


@pytest.mark.parametrize("text, agency, how", [
    ("绍兴市越城区人民政府办公室", "绍兴市越城区人民政府办公室", "exact"),
    ("越城区", "绍兴市越城区人民政府办公室", "without province or city"),
    ("浙江省绍兴市越城区", "绍兴市越城区人民政府办公室", "short name"),
    ("将乐县", "将乐县人民政府办公室", "short name"),
    ("将乐县人民政府", "将乐县人民政府办公室", "short name"),
    ("將樂縣", "将乐县人民政府办公室", "traditional → simplified"),
    ("Jiangle County", "将乐县人民政府办公室", "pinyin"),
    ("安康高新区", "安康高新区", "exact"),
    ("安康高新技术产业开发区", "安康高新区", "abbreviated"),
    ("Ankang High-tech Zone", "安康高新区", "pinyin"),
    ("大涌镇", "中山市大涌镇", "without province or city"),
    ("Dayong Town", "中山市大涌镇", "pinyin"),
    ("宝力根苏木", "宝力根苏木", "exact"),
])
def test_agency_names_resolve(con, text, agency, how):
    resolution = resolve_agency(con, text)
    assert not resolution.ambiguous
    best = resolution.best()
    assert best.agency == agency
    assert how in best.how
    assert 0 < best.confidence <= 1
    assert best.report_ids and best.years


def test_confidence_falls_with_looser_rules(con):
    def confidence(text: str) -> float:
        return resolve_agency(con, text).best().confidence

    assert confidence("将乐县人民政府办公室") == 1.0
    assert 1.0 > confidence("将乐县") > confidence("将乐") > confidence("jiangle")


def test_a_misspelt_name_matches_fuzzily_with_lower_confidence(con):
    best = resolve_agency(con, "绍兴市越成区政府办公室").best()
    assert best.agency == "绍兴市越城区人民政府办公室"
    assert best.how.startswith("fuzzy")
    assert 0.4 < best.confidence < 0.8


def test_two_agencies_matching_equally_are_ambiguous(con):
    resolution = resolve_agency(con, "高新区")
    assert resolution.ambiguous
    with pytest.raises(AmbiguousAgency) as error:
        resolution.best()
    names = {m.agency for m in error.value.candidates}
    assert names == {"安康高新区", "宝鸡高新区"}
    assert "Name one of them" in str(error.value)


def test_a_query_naming_an_ambiguous_agency_asks_which(con):
    with pytest.raises(AmbiguousAgency, match="安康高新区"):
        run(con, QuerySpec(metrics=["applications.new_received.total"], agencies=["高新区"]))


def test_an_unknown_name_is_a_clear_error(con):
    resolution = resolve_agency(con, "北京市朝阳区人民政府")
    assert resolution.matches == []
    with pytest.raises(UnknownAgency, match="北京市朝阳区人民政府") as error:
        resolution.best()
    assert error.value.closest


@pytest.mark.parametrize("text, level, value", [
    ("浙江省", "province", "浙江省"),
    ("浙江", "province", "浙江省"),
    ("Zhejiang Province", "province", "浙江省"),
    ("绍兴", "city", "绍兴市"),
    ("锡林郭勒盟", "city", "锡林郭勒盟"),
    ("大涌镇", "township", "大涌镇"),
])
def test_regions_resolve(con, text, level, value):
    best = resolve_region(con, text).best()
    assert best.agency is None
    assert best.region == {level: value}


def test_either_kind_prefers_the_government_of_a_place(con):
    best = resolve(con, "将乐县").best()
    assert best.agency == "将乐县人民政府办公室"


def test_a_loaded_corpus_keeps_one_index_until_the_store_changes(con):
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    corpus = Corpus(Path(path).parent)
    try:
        first = corpus.vocabulary().index
        assert corpus.vocabulary().index is first
        assert set(first.agencies) == set(agency_index(con).agencies)
    finally:
        corpus.close()


@pytest.mark.parametrize("name, short", [
    ("将乐县人民政府办公室", "将乐县"),
    ("安康高新区管委会", "安康高新区"),
    ("人民政府", "人民政府"),
])
def test_strip_government(name, short):
    assert strip_government(name) == short


@pytest.mark.parametrize("name, expected", [
    ("安康高新技术产业开发区管理委员会", "安康高新区管委会"),
    ("某市经济技术开发区", "某市经开区"),
])
def test_abbreviate(name, expected):
    assert abbreviate(name) == expected


@pytest.mark.parametrize("name, expected", [
    ("将乐县", ("将乐", "县")),
    ("安康高新区", ("安康", "高新区")),
    ("内蒙古自治区", ("内蒙古", "自治区")),
    ("宝力根苏木", ("宝力根", "苏木")),
    ("城区", ("城区", "")),
])
def test_split_place(name, expected):
    assert split_place(name) == expected


@pytest.mark.parametrize("text, expected", [
    ("Jiangle County", ("jiangle", "县")),
    ("Yuecheng District People's Government", ("yuecheng", "区")),
    ("Ankang Hi-tech Zone", ("ankang", "高新区")),
    ("Jiangle", ("jiangle", "")),
    ("将乐县", None),
])
def test_english_key(text, expected):
    assert english_key(text) == expected


def test_an_index_of_an_empty_store_matches_nothing():
    index = AgencyIndex({}, {})
    index._build()
    assert index.resolve("将乐县").matches == []
