"""Sections, metadata and stated figures of the real reports in ../shared/real.

Expected titles, dates and figures were read by hand from the files (never copied from
Gongkai's output); the files themselves are read in place, never copied into the project.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parsing import parse_path

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
PRE2019 = ("02", "03", "04", "05", "08", "10", "14", "15", "16", "17", "18", "20")
CHROME_WORDS = ("扫一扫在手机上查看当前页面", "版权所有", "网站标识码", "ICP备", "主办单位", "当前位置", "相关链接",
                "附件下载", "原文链接", "本地目录", "发布机构:", "为确保最佳浏览效果")
# Titles as the reports print them (their own outline, not the national template's).
FIVE_PARTS = ("概述", "主动公开政府信息情况", "政府信息依申请公开工作情况", "政府信息公开工作存在的主要问题及改进情况")
TITLES = {
    "02": FIVE_PARTS, "03": FIVE_PARTS, "04": FIVE_PARTS, "15": FIVE_PARTS, "20": FIVE_PARTS,
    "05": ("概述", "重点领域政府信息公开情况", "主动公开政府信息情况", "政府信息依申请公开工作情况",
           "政府信息公开工作存在的主要问题及改进情况"),
    "08": ("概述", "主动公开政府信息情况", "政府信息依申请公开工作情况", "因政府信息公开申请行政复议、提起行政诉讼的情况",
           "主要问题和改进措施", "政府信息公开情况统计表"),
    "10": ("概述", "主动公开政府信息情况", "依申请公开、不予公开及咨询政府信息情况", "审批事项及处理情况",
           "申请行政复议、提起行政诉讼和申诉的情况", "工作人员及信息公开事务支出情况"),
    "14": ("概述", "主动公开政府信息情况", "政府信息依申请公开工作情况", "政府信息公开的收费及减免情况",
           "因政府信息公开申请行政复议、提起行政诉讼的情况", "主要问题和改进措施", "平潭综合实验区政府信息公开情况统计表"),
    "16": ("概述", "主动公开政府信息情况", "政府信息依申请公开工作情况", "政府信息公开的收费及减免情况", "主要问题和改进措施",
           "平潭综合实验区政府信息公开情况统计表"),
    "18": ("概述", "主动公开政府信息情况", "政府信息依申请公开工作情况", "因政府信息公开申请行政复议、提起行政诉讼的情况",
           "存在的主要问题和改进措施", "政府信息公开情况统计表"),
}
PUBLISHED = {
    "crawl/02.txt": "2012-04-11", "crawl/04.txt": "2013-01-17", "crawl/08.txt": "2019-01-10",
    "crawl/14.txt": "2016-01-12", "crawl/20.txt": "2014-01-22", "crawl/06.txt": "2025-03-10",
    "html/06.html": "2025-03-10", "html/07.html": "2020-01-20", "html/11.html": "2022-02-08",
    "html/12.html": "2023-02-20", "html/19.html": "2026-03-10",
}


@pytest.fixture(scope="module")
def real():
    if not REAL.is_dir():
        pytest.fail(f"{REAL} not found: the suite needs ../shared/real beside the repo")
    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = parse_path(REAL / name)
        return cache[name]

    return get


@pytest.mark.parametrize("no", sorted(TITLES))
def test_pre2019_sections_from_their_own_headings(real, no):
    report = real(f"crawl/{no}.txt")
    assert [s.title for s in report.sections] == list(TITLES[no])
    assert all(s.text.strip() for s in report.sections)


@pytest.mark.parametrize("no", ["06", "07", "11", "12", "19"])
@pytest.mark.parametrize("kind", ["crawl", "html"])
def test_template_reports_have_six_sections(real, no, kind):
    report = real(f"{kind}/{no}.{'txt' if kind == 'crawl' else 'html'}")
    assert [s.no for s in report.sections] == [1, 2, 3, 4, 5, 6]
    assert report.section(1).title == "总体情况"
    assert report.section(6).title == "其他需要报告的事项"


@pytest.mark.parametrize("name", [f"crawl/{n}.txt" for n in (*PRE2019, "06", "07", "11", "12", "19")]
                         + [f"html/{n}.html" for n in ("06", "07", "11", "12", "19")])
def test_no_site_chrome_in_any_section(real, name):
    for section in real(name).sections:
        assert not [w for w in CHROME_WORDS if w in section.text], (section.no, section.text[-200:])


def test_footer_is_no_longer_section_six(real):
    # The page's last report sentence, then its footer (links, 版权所有 …) that used to follow it.
    assert real("html/06.html").section(6).text == "2024年，无收取信息处理费情况。"
    assert real("html/07.html").section(6).text == "无其他需要报告的事项"


@pytest.mark.parametrize("name, date", sorted(PUBLISHED.items()))
def test_publication_date(real, name, date):
    assert real(name).published == date


@pytest.mark.parametrize("name", ["crawl/02.txt", "crawl/08.txt", "html/06.html", "crawl/10.txt"])
def test_the_zone_is_placed_in_fujian(real, name):
    region = real(name).region
    assert (region.province, region.city) == ("福建省", "福州市")
    assert "平潭综合实验区" in real(name).agency


@pytest.mark.parametrize("no", PRE2019)
def test_pre2019_has_stated_figures_and_no_template_cell(real, no):
    report = real(f"crawl/{no}.txt")
    assert report.template == "unknown"
    assert (report.active_disclosure, report.applications, report.review_litigation) == ({}, {}, {})
    assert report.stated_figures and not any(f.national_table for f in report.stated_figures)
    assert any(f.field == "requests.received" and f.period == "year" for f in report.stated_figures)


def stated(report, field: str, source: str, period: str = "year") -> list[float]:
    return [f.value for f in report.stated_figures if (f.field, f.source, f.period) == (field, source, period)]


@pytest.mark.parametrize("no, prose, table_year, table_all", [
    ("04", 21, 21, 21),  # 2012 平潭县: 共收到…申请21条; table 2121
    ("20", 7, 7, 28),  # 2013 平潭县: 共收到…申请7条; table 728 (当面 0/18, 电子邮件 3/6, 网上 4/4)
    ("14", 0, 0, 1),  # 2015 区: 未收到…申请; table 01
    ("16", 1, 1, 1),  # 2014 区: 收到…信函申请1条
])
def test_requests_received_as_stated(real, no, prose, table_year, table_all):
    report = real(f"crawl/{no}.txt")
    assert stated(report, "requests.received", "prose") == [prose]
    assert stated(report, "requests.received", "local_table") == [table_year]
    assert stated(report, "requests.received", "local_table", "cumulative") == [table_all]


def test_stated_figure_keeps_its_sentence_and_section(real):
    report = real("crawl/20.txt")
    figure = next(f for f in report.stated_figures if f.field == "requests.received" and f.source == "prose")
    assert "共收到有关政府信息公开的申请7条" in figure.quote
    assert figure.section == 3 and figure.unit == "条"


def test_spaced_local_table(real):
    report = real("crawl/02.txt")  # 2011: 主动公开信息数 425 / 1516, 网站公开 418 / 1509, 政府公报公开 7 / 7
    assert stated(report, "active.published", "local_table") == [425]
    assert stated(report, "active.published", "local_table", "cumulative") == [1516]
    assert stated(report, "active.website", "local_table") == [418]
    assert stated(report, "active.gazette", "local_table", "cumulative") == [7]


def test_run_together_table_row_decided_by_the_prose(real):
    report = real("crawl/08.txt")  # 2018年全区主动公开政府信息2069条; table 206912106
    assert stated(report, "active.published", "prose") == [2069]
    assert stated(report, "active.published", "local_table") == [2069]
    assert stated(report, "active.published", "local_table", "cumulative") == [12106]
    assert stated(report, "review.cases", "prose") == [0]


def test_a_row_printing_one_figure_for_two_columns_is_named(real):
    report = real("crawl/15.txt")  # "2、政府公报公开 条 0" with no 历年累计 figure
    assert ("stated figures: local table row “政府公报公开” prints '0' where 2 figures are expected; left out"
            in report.warnings)
    assert stated(report, "active.gazette", "local_table") == []


def test_local_table_appended_to_a_section_is_cut_out(real):
    report = real("crawl/04.txt")
    assert "指标名称" not in report.section(4).text
    assert report.section(4).text.endswith("2013年1月16日")
    assert ("sections: the local statistics table “附件1：平潭县人民政府2012年政府信息公开情况统计表” printed at the "
            "end of section 4 is kept out of its text; its figures are in stated_figures") in report.warnings
