"""Region resolution and report metadata, table-driven."""

from __future__ import annotations

import pytest

from parsing import meta, parse_text
from index.tables.level import report_level
from parsing.region import resolve_region


@pytest.mark.parametrize("agency, expected", [
    ("越城区人民政府办公室", ("浙江省", "绍兴市", "越城区", None)),
    ("将乐县人民政府办公室", ("福建省", "三明市", "将乐县", None)),
    ("中山市大涌镇", ("广东省", "中山市", None, "大涌镇")),
    # The township gazetteer fills in the county, city and province.
    ("宝力根苏木", ("内蒙古自治区", "锡林郭勒盟", "锡林浩特市", "宝力根苏木")),
    # Names unknown to the gazetteers keep the places they spell.
    ("示例省示例市东川区人民政府办公室", ("示例省", "示例市", "东川区", None)),
    ("青石县白沙镇人民政府", (None, None, "青石县", "白沙镇")),
    ("示例市示例区住房和城乡建设局", (None, "示例市", "示例区", None)),
])
def test_resolve_region(agency, expected):
    region = resolve_region(agency)
    assert (region.province, region.city, region.county, region.township) == expected


@pytest.mark.parametrize("agency, level", [
    ("示例市教育局", "department"),
    ("示例市示例区人民政府办公室", "county"),
    ("中山市大涌镇", "township"),
    ("示例省人民政府办公厅", "province"),
])
def test_level(agency, level):
    assert report_level(agency, resolve_region(agency)) == level


@pytest.mark.parametrize("text, year", [
    ("报告中所列数据的统计起止时间为2024年1月1日至2024年12月31日。", 2024),
    ("现将2023年政府信息公开工作情况报告如下:", 2023),
    ("2021年我区收到申请。2021年完成培训。2022年将继续努力。", 2021),
])
def test_report_year(text, year):
    assert meta.report_year(text, None, text) == year


@pytest.mark.parametrize("line, agency, year", [
    ("中山市大涌镇2022年政府信息公开工作年度报告", "中山市大涌镇", 2022),
    ("文件名称: | 示例县人民政府2020年度政府信息公开工作年度报告 | ||", "示例县人民政府", 2020),
    ("示例市示例区司法局关于2021年政府信息公开工作年度报告", "示例市示例区司法局", 2021),
])
def test_find_title(line, agency, year):
    assert meta.find_title(["无障碍版 登录", line])[:2] == (agency, year)


@pytest.mark.parametrize("text, date", [
    ("信息来源:本网 发布日期:2023-01-10 分享:", "2023-01-10"),
    ("索引號: | x | 公开日期: | 2020-02-13 09:04 |", "2020-02-13"),
    ("成文日期：2022年1月5日", "2022-01-05"),
    ("没有日期", None),
])
def test_published_date(text, date):
    assert meta.published_date(text) == date


def test_agency_from_text_without_a_title():
    text = ("一、总体情况\n2021年请与示例县政府办联系。示例县人民政府门户网站发布信息。\n"
            "二、主动公开政府信息情况\n")
    assert meta.find_agency(text) == "示例县人民政府办公室"


def test_an_office_after_a_verb_is_not_a_place():
    # "建立区府办、司法局…联合会商机制": the verb 建立 and the bare 区 of 区府办 are not a
    # place called 建立区 (a report cut before the sections that name its agency in full).
    text = ("一、总体情况\n2021年区府办共办理信息公开申请36件。建立区府办、司法局与部门参与的联合会商机制。\n"
            "完善区府办工作规则。二、主动公开政府信息情况\n")
    assert meta.find_agency(text) is None
    # A place after the verb is still read.
    assert meta.find_agency("一、总体情况\n指导青石县府办开展培训。") == "青石县人民政府办公室"


def test_verbs_before_an_office_start_no_place_name():
    from parsing.region import place_names
    from parsing.vocabulary import OFFICE_OBJECT_VERBS

    starts = {verb: [name for name in place_names() if name.startswith(verb)] for verb in OFFICE_OBJECT_VERBS}
    assert not any(starts.values()), starts


def test_script_detection():
    assert meta.detect_script("政府信息公開工作年度報告", meta.to_simplified("政府信息公開工作年度報告")) == "traditional"
    assert meta.detect_script("政府信息公开工作年度报告", "政府信息公开工作年度报告") == "simplified"


def test_pre2019_report_has_no_cells_and_keeps_its_sections():
    text = ("示例县人民政府2015年政府信息公开工作年度报告\n一、概述\n2015年我县主动公开信息1200条。\n"
            "二、主动公开政府信息情况\n全年主动公开行政许可事项35件。\n三、依申请公开政府信息情况\n收到申请12件。\n"
            "四、政府信息公开的收费及减免情况\n未收费。\n")
    report = parse_text(text, "old.txt")
    assert report.template == "unknown"
    assert report.active_disclosure == report.applications == report.review_litigation == {}
    assert [s.title for s in report.sections] == ["概述", "主动公开政府信息情况", "依申请公开政府信息情况",
                                                  "政府信息公开的收费及减免情况"]
    assert report.checks == []


def test_county_department_named_market_is_not_a_city():
    """Regression: the 市 of 市场监督管理局 was read as a city suffix."""
    region = resolve_region("汀门县市场监督管理局")
    assert (region.city, region.county) == (None, "汀门县")
