"""What the app's pages call: corpus summary, scope, data quality, report tables, uploads, highlighting."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from corpus.ingest import ingest
from corpus.upload import (DUPLICATE, FAILED, NEW, REJECTED, REPLACED, UNCHANGED, UploadRejected, check_upload,
                           clean_name, ingest_uploads)
from gongkai.ui.highlight import highlight, passage_html, query_words
from gongkai.ui.i18n import STRINGS, browser_language, t
from index.tables import store
from index.tables.browse import ABSENT, FAILED_MARK, agency_figures, check_cells, checks_frame, load_report, official_table
from index.tables.quality import FAMILIES, family_counts, family_of, quality_issues
from index.tables.summary import Scope, _places, corpus_summary, place_label, report_list, scope_options, scope_where
from parsing.record import Region, Report
from tests.conftest import SEEDS, seed_path


def report_id(data: Path, agency_part: str) -> str:
    with store.reading(data) as con:
        return con.execute("SELECT report_id FROM reports WHERE contains(agency, ?)", [agency_part]).fetchone()[0]


# ---------------------------------------------------------------------------
# Summary and scope
# ---------------------------------------------------------------------------


def test_summary_counts_the_seeds(seeds_store):
    with store.reading(seeds_store) as con:
        summary = corpus_summary(con)
    assert summary.reports == 5 and summary.agencies == 5
    assert summary.years == {2019: 1, 2021: 1, 2022: 1, 2023: 1, 2024: 1}
    assert summary.year_range == (2019, 2024)
    assert summary.provinces == 5
    assert summary.reports_with_failed_checks == 2 and summary.narrative_conflicts == 2


@pytest.mark.parametrize("scope, agencies", [
    (Scope(year_from=2021, year_to=2022), {"绍兴市越城区人民政府办公室", "中山市大涌镇"}),
    (Scope(region=(("province", "浙江省"),)), {"绍兴市越城区人民政府办公室"}),
    (Scope(region=(("province", "广东省"), ("city", "中山市"))), {"中山市大涌镇"}),
    (Scope(level="township"), {"中山市大涌镇", "宝力根苏木"}),
    (Scope(agencies=("安康高新区", "宝力根苏木")), {"安康高新区", "宝力根苏木"}),
    (Scope(year_to=2020), {"安康高新区"}),
])
def test_scope_selects_reports(seeds_store, scope, agencies):
    with store.reading(seeds_store) as con:
        frame = report_list(con, scope)
        summary = corpus_summary(con, scope)
    assert set(frame["agency"]) == agencies
    assert summary.reports == len(agencies)


def test_scope_values_travel_as_parameters():
    where, params = scope_where(Scope(agencies=("x' OR 1=1 --",), region=(("city", "杭州市"),)))
    assert "OR 1=1" not in where
    assert "x' OR 1=1 --" in params.values() and "杭州市" in params.values()
    with pytest.raises(ValueError):
        scope_where(Scope(region=(("agency; DROP TABLE reports", "x"),)))


def test_scope_options_list_every_place(seeds_store):
    with store.reading(seeds_store) as con:
        options = scope_options(con)
    assert options.years == [2019, 2021, 2022, 2023, 2024]
    assert (("province", "浙江省"), ("city", "绍兴市"), ("county", "越城区")) in options.places
    assert (("province", "浙江省"), ("city", "绍兴市")) in options.places
    # A town of a city without counties follows the city.
    assert (("province", "广东省"), ("city", "中山市"), ("township", "大涌镇")) in options.places
    assert options.names("county") == ["将乐县", "越城区", "锡林浩特市"]
    assert place_label(options.places[0]) == "内蒙古自治区"
    assert set(options.levels) == {"county", "township"}


def test_places_of_reports_lacking_upper_levels():
    places = _places([(None, "演示市", "梅滨区", None), (None, None, "泽庄县", None)])
    assert places == [(("county", "泽庄县"),), (("city", "演示市"),), (("city", "演示市"), ("county", "梅滨区"))]


# ---------------------------------------------------------------------------
# Data quality
# ---------------------------------------------------------------------------


def test_quality_lists_narrative_conflicts(seeds_store):
    with store.reading(seeds_store) as con:
        issues = quality_issues(con)
        jiangle = quality_issues(con, agency_contains="将乐")
        balance = quality_issues(con, families=["balance"])
        later = quality_issues(con, Scope(year_from=2020))
    assert set(issues["agency"]) == {"将乐县人民政府办公室", "安康高新区"}
    assert set(issues["family"]) == {"narrative"}
    row = jiangle.iloc[0]
    assert row["rule"] == "narrative.active_disclosure.normative_documents.repealed"
    assert "13" in row["detail"] and "4" in row["detail"]
    assert balance.empty
    assert list(later["agency"]) == ["将乐县人民政府办公室"]
    assert family_counts(issues)["narrative"] == 2 and family_counts(issues)["balance"] == 0


@pytest.mark.parametrize("rule, family", [
    ("applications.balance.total", "balance"),
    ("applications.row_total.granted", "row_total"),
    ("applications.processed_total.natural_person", "processed_total"),
    ("review_litigation.total.review", "review"),
    ("narrative.review_litigation.litigation.total", "narrative"),
    ("something.else", "other"),
])
def test_family_of(rule, family):
    assert family_of(rule) == family
    assert family == "other" or family in FAMILIES


# ---------------------------------------------------------------------------
# Official tables
# ---------------------------------------------------------------------------


def test_official_table_of_yuecheng(seeds_store):
    with store.reading(seeds_store) as con:
        report = load_report(con, report_id(seeds_store, "越城区"))
    active = official_table(report, "active_disclosure")
    assert active.heading == "二、主动公开政府信息情况"
    assert list(active.frame.index[:2]) == ["规章", "行政规范性文件"]
    assert list(active.frame.columns[:3]) == ["本年制发件数", "本年废止件数", "现行有效件数"]
    assert active.frame.loc["行政规范性文件", "现行有效件数"] == "108"
    review = official_table(report, "review_litigation", "en")
    assert review.frame.loc["administrative reconsideration", "total"] == "3"
    applications = official_table(report, "applications")
    assert applications.frame.loc["一、本年新收政府信息公开申请数量", "总计"] == "36"
    assert "(三)不予公开 1.属于国家秘密" in applications.frame.index
    assert applications.count("failed") == 0 and applications.count("absent") == 0


def test_failed_and_absent_cells_are_marked(seeds_store):
    with store.reading(seeds_store) as con:
        report = load_report(con, report_id(seeds_store, "将乐"))
    active = official_table(report, "active_disclosure")
    # The narrative says 13 repealed, the table 4: the cell is marked, its value kept.
    assert active.frame.loc["行政规范性文件", "本年废止件数"] == "4" + FAILED_MARK
    assert active.status.loc["行政规范性文件", "本年废止件数"] == "failed"
    # A cell taken out of the record is absent, not 0.
    del report.applications["granted"]["commercial"]
    applications = official_table(report, "applications")
    assert applications.frame.loc["(一)予以公开", "商业企业"] == ABSENT
    assert applications.count("absent") == 1
    checks = checks_frame(report)
    assert not checks.iloc[0]["ok"] and checks.iloc[0]["rule"].startswith("narrative.")


def test_2019_report_uses_its_template(seeds_store):
    with store.reading(seeds_store) as con:
        report = load_report(con, report_id(seeds_store, "安康"))
    active = official_table(report, "active_disclosure")
    assert "本年新制作数量" in active.frame.columns and "本年制发件数" not in active.frame.columns
    assert active.frame.loc["政府集中采购", "采购项目数量"] == "120"
    review = official_table(report, "review_litigation")
    assert review.frame.loc["行政诉讼·未经复议直接起诉", "总计"] == "3" + FAILED_MARK


@pytest.mark.parametrize("rule, cells", [
    ("applications.balance.total", {("applications", r, "total") for r in
                                    ("new_received", "carried_over", "total_processed", "carried_forward")}),
    ("applications.row_total.granted", {("applications", "granted", "total")}),
    ("review_litigation.total.review", {("review_litigation", "review", "total")}),
    ("narrative.active_disclosure.normative_documents.repealed",
     {("active_disclosure", "normative_documents", "repealed")}),
    ("narrative.review_litigation.litigation.total", {("review_litigation", "litigation_direct", "total"),
                                                      ("review_litigation", "litigation_after_review", "total")}),
])
def test_check_cells(rule, cells):
    assert check_cells(rule) == cells


def test_agency_figures_by_year(tmp_path):
    reports = []
    for year, received in ((2021, 12), (2022, 30)):
        reports.append(Report(
            id=f"r{year}", source=f"{year}.txt", agency="某某县人民政府", region=Region("浙江省", "杭州市", "某某县"),
            year=year, published=None, template="2021", script="simplified",
            applications={"new_received": {"total": received}},
            active_disclosure={"penalty": {"decisions": 5}} if year == 2022 else {},
        ))
    batch = store.Batch()
    for r in reports:
        batch.add(store.StoredReport(r, r.to_json(), f"/x/{r.id}", r.id, "text", r.id))
    with store.open_write(tmp_path) as con:
        store.write_batch(con, batch)
    with store.reading(tmp_path) as con:
        frame = agency_figures(con, "某某县人民政府")
    assert list(frame.columns) == [2021, 2022]
    assert frame.loc["本年新收政府信息公开申请数量·总计"].tolist() == [12.0, 30.0]
    penalty = frame.loc["行政处罚·处理决定数量"].tolist()
    assert penalty[1] == 5.0 and penalty[0] != penalty[0]  # 2021 lacks it: NaN, not 0
    assert "行政复议·总计" not in frame.index  # no year has it


# ---------------------------------------------------------------------------
# Uploads
# ---------------------------------------------------------------------------


def docx_bytes(inflated: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        if inflated:
            archive.writestr("word/media/big.bin", b"\0" * inflated)
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, reason", [
    ("report.exe", b"MZ\x90\x00", "extension .exe is not accepted"),
    ("report", b"text", "extension (none) is not accepted"),
    ("empty.txt", b"", "empty"),
    ("big.txt", "年".encode() * 400, "more than the limit"),
    ("fake.pdf", "不是PDF".encode(), "does not start like a PDF"),
    ("fake.docx", "不是DOCX".encode(), "not a DOCX"),
    ("broken.docx", b"PK\x03\x04" + b"\0" * 40, "DOCX is damaged"),
    ("sheet.docx", b"", "empty"),
    ("fake.txt", b"%PDF-1.7\n...", "the content is PDF but the name ends in .txt"),
    ("scan.txt", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "PNG image"),
    ("old.docx", b"\xd0\xcf\x11\xe0" + b"\0" * 20, "legacy Office file"),
    ("bomb.docx", docx_bytes(inflated=30_000), "unpacks to more than"),
])
def test_uploads_are_checked_before_parsing(name, data, reason):
    with pytest.raises(UploadRejected) as error:
        check_upload(name, data, limit=1000)
    assert reason in error.value.reason


def test_acceptable_uploads_pass():
    assert check_upload("a.txt", seed_path("000").read_bytes(), limit=10**6) == "text"
    assert check_upload("a.html", "<html><body>报告</body></html>".encode(), limit=10**6) == "html"
    assert check_upload("a.docx", docx_bytes(), limit=10**6) == "docx"
    assert check_upload("a.pdf", b"%PDF-1.4\n%...", limit=10**6) == "pdf"


@pytest.mark.parametrize("given, cleaned", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("C:\\Users\\x\\报告 2021.TXT", "报告_2021.txt"),
    ("a;rm -rf ~.html", "a_rm_-rf.html"),
    ("...", "upload"),
])
def test_clean_name(given, cleaned):
    assert clean_name(given) == cleaned


def test_upload_results_per_file_and_the_store_survives_bad_files(tmp_path):
    seed0, seed1 = seed_path("000").read_bytes(), seed_path("001").read_bytes()
    seen: list[tuple[int, int]] = []
    outcomes = ingest_uploads(
        [("yuecheng.txt", seed0), ("virus.exe", b"MZ"), ("notes.txt", "会议纪要,与年报无关。".encode()),
         ("broken.pdf", b"%PDF-1.4 truncated")],
        tmp_path, progress=lambda done, total, name: seen.append((done, total)), limit=10**7)
    assert [o.status for o in outcomes] == [NEW, REJECTED, FAILED, FAILED]
    assert outcomes[0].agency == "绍兴市越城区人民政府办公室" and outcomes[0].year == 2021
    assert "not accepted" in outcomes[1].detail
    assert "年度报告" in outcomes[2].detail or "report" in outcomes[2].detail
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == ["yuecheng.txt"]
    with store.reading(tmp_path) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (1,)
    # Again: unchanged; under another name: the same report; new content under the old name: replaced.
    again = ingest_uploads([("yuecheng.txt", seed0), ("copy.txt", seed0)], tmp_path, limit=10**7)
    assert [o.status for o in again] == [UNCHANGED, DUPLICATE]
    replaced = ingest_uploads([("yuecheng.txt", seed1)], tmp_path, limit=10**7)
    assert replaced[0].status == REPLACED and replaced[0].agency == "将乐县人民政府办公室"
    assert "narrative.active_disclosure.normative_documents.repealed" in replaced[0].detail
    # A bad file under a stored name leaves the stored file and its report as they were.
    failed = ingest_uploads([("yuecheng.txt", "不是年报".encode())], tmp_path, limit=10**7)
    assert failed[0].status == FAILED
    assert (tmp_path / "uploads" / "yuecheng.txt").read_bytes() == seed1
    with store.reading(tmp_path) as con:
        agencies = {a for (a,) in con.execute("SELECT agency FROM reports").fetchall()}
    assert agencies == {"绍兴市越城区人民政府办公室", "将乐县人民政府办公室"}


# ---------------------------------------------------------------------------
# Highlighting and strings
# ---------------------------------------------------------------------------


def test_report_html_is_escaped_before_marking():
    text = '<script>alert("x")</script><img src=x onerror=alert(1)> 行政诉讼案件 & 诉讼'
    out = highlight(text, ["行政诉讼", "script", "img"])
    assert "<script" not in out and "<img" not in out
    assert "&lt;<mark>script</mark>&gt;" in out
    assert "<mark>行政诉讼</mark>案件" in out
    assert out.count("<mark>") == 4
    # The only tags are the marks and the wrapping div.
    html = passage_html(text, ["诉讼"])
    assert html.count("<") == html.count("<mark>") + html.count("</mark>") + 2


def test_marks_never_split_an_entity():
    assert highlight("a & b", ["amp"]) == "a &amp; b"
    assert highlight("A&amp;B", ["amp"]) == "A&amp;<mark>amp</mark>;B"


def test_simplified_words_mark_traditional_text():
    assert highlight("加強政務公開隊伍建設", ["政务公开"]) == "加強<mark>政務公開</mark>隊伍建設"


def test_query_words():
    words = query_words("2021年哪些机关有行政诉讼？")
    assert "行政诉讼" in words and "2021" in words and "哪些" not in words


@pytest.mark.parametrize("header, locale, lang", [
    ("en-US,en;q=0.9,zh-CN;q=0.8", None, "en"),
    ("zh-CN,zh;q=0.9,en;q=0.8", None, "zh"),
    ("fr-FR,en;q=0.5,zh;q=0.9", None, "zh"),
    (None, "en-GB", "en"),
    (None, None, "zh"),
])
def test_browser_language(header, locale, lang):
    assert browser_language(header, locale) == lang


def test_every_string_has_both_languages_and_the_same_placeholders():
    import re

    for key, (zh, en) in STRINGS.items():
        assert zh and en, key
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key
    assert t("sidebar.in_scope", "en", reports=3) == "In scope: 3 reports"
