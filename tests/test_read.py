"""parsing.read: bytes → text dump, for every format, encoding and failure we accept."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from parsing.errors import EncodingError, ParseError, UnsupportedFormat
from parsing.read import decode, read_bytes, read_path, sniff_format

REPORTS = Path(__file__).parent / "fixtures" / "reports"

SIMPLIFIED = "示例区2022年政府信息公开工作年度报告\n一、总体情况\n全年收到政府信息公开申请12件,均按时答复。\n"
TRADITIONAL = "示例區2019年政府信息公開工作年度報告\n一、總體情況\n全年收到政府信息公開申請12件,均按時答覆。\n"


# ---------------------------------------------------------------------------
# Encodings
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8"),
        (SIMPLIFIED.encode("utf-8-sig"), SIMPLIFIED, "utf-8-sig"),
        (SIMPLIFIED.encode("utf-16"), SIMPLIFIED, "utf-16"),
        (SIMPLIFIED.encode("gb18030"), SIMPLIFIED, "gb18030"),
        (SIMPLIFIED.encode("gbk"), SIMPLIFIED, "gb18030"),
        (TRADITIONAL.encode("big5"), TRADITIONAL, "big5"),
        (TRADITIONAL.encode("gb18030"), TRADITIONAL, "gb18030"),
    ],
    ids=["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk", "big5", "traditional-in-gb18030"],
)
def test_decode_reads_each_encoding(data, text, encoding):
    assert decode(data, "r.txt") == (text, encoding)


def test_decode_tells_big5_from_gb18030_although_both_decode():
    data = TRADITIONAL.encode("big5")
    data.decode("gb18030")  # the trap: Big5 bytes are valid GB18030 too
    assert decode(data, "r.txt")[1] == "big5"


def test_decode_refuses_a_close_call():
    # Two characters that are common in both readings (啊你 / 陛斕): no way to tell.
    with pytest.raises(EncodingError, match="cannot tell GB18030 from Big5") as caught:
        decode(b"\xb0\xa1\xc4\xe3", "short.txt")
    assert caught.value.source == "short.txt"


def test_decode_refuses_undecodable_bytes():
    with pytest.raises(EncodingError, match="not valid UTF-8, GB18030/GBK or Big5"):
        decode(b"report \x80 with \xff stray bytes", "bad.txt")


def test_decode_refuses_a_clean_but_garbled_reading():
    # GBK-extension characters only: decodes as GB18030, yet nothing in it is common text.
    with pytest.raises(EncodingError, match="garbled"):
        decode("丂丄丅丆丏丒".encode("gb18030"), "odd.txt")


def test_text_fixtures_are_detected():
    gbk = read_path(REPORTS / "report_gbk.txt")
    big5 = read_path(REPORTS / "report_big5.txt")
    assert (gbk.format, gbk.encoding) == ("text", "gb18030")
    assert (big5.format, big5.encoding) == ("text", "big5")
    assert big5.lines[0] == "示例市示例新區管理委員會2019年政府信息公開工作年度報告"


def test_text_line_endings_are_normalised():
    doc = read_bytes("第一行\r\n第二行\r第三行  \n".encode("utf-8"), "crlf.txt")
    assert doc.lines == ["第一行", "第二行", "第三行", ""]


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

SPANS_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>站点标题</title>
<style>td {color: red}</style><script>document.write("脚本")</script></head><body>
<nav><a>首页</a><a>政务公开</a></nav><!-- 注释 -->
<div>页眉 <span style="display:none">隐藏</span></div>
<table class="layout"><tr>
 <td><ul><li>侧栏链接</li></ul></td>
 <td>
  <h1>示例区2022年政府信息公开工作年度报告</h1>
  <p>第一段<br>第二段</p>
  <table border="1">
   <tr><td rowspan="2" colspan="2">(本列数据)</td><td colspan="3">申请人情况</td></tr>
   <tr><td>商业<br>企业</td><td><p>科研</p>
       <p>机构</p></td><td>&nbsp;</td></tr>
   <tr><td rowspan="2">三<br>、<br>本<br>年</td><td>(一)予以公开</td><td>&nbsp;12&nbsp;</td><td> 3 </td><td>15</td></tr>
   <tr><td>(二)部分公开</td><td>0</td><td>0</td><td>0</td></tr>
   <tr><td>&nbsp;</td><td></td><td>&nbsp;</td></tr>
  </table>
  <p>尾<b>注</b>文字</p>
 </td>
</tr></table>
<footer>版权所有</footer></body></html>"""


def test_html_spans_are_emitted_once_at_their_origin():
    doc = read_bytes(SPANS_PAGE.encode("utf-8"), "page.html")
    assert (doc.format, doc.encoding) == ("html", "utf-8")
    assert doc.lines == [
        "页眉",
        "侧栏链接",
        "示例区2022年政府信息公开工作年度报告",
        "第一段",
        "第二段",
        "(本列数据) | 申请人情况",
        "商业企业 | 科研机构 | ",
        "三、本年 | (一)予以公开 | 12 | 3 | 15",
        "(二)部分公开 | 0 | 0 | 0",
        "尾注文字",
        "版权所有",
    ]


def test_html_fixture_rows_follow_the_contract():
    lines = read_path(REPORTS / "html_rowspan.html").lines
    assert "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他" in lines
    assert "自然人 | 法人或其他组织 | 总计" in lines
    vertical = [ln for ln in lines if ln.startswith("三、本年度办理结果 | （一）予以公开 | ")]
    assert len(vertical) == 1 and len(vertical[0].split(" | ")) == 9
    denied = [ln for ln in lines if ln.startswith("（三）不予公开 | 1.属于国家秘密 | ")]
    assert len(denied) == 1 and len(denied[0].split(" | ")) == 9
    # The other seven 不予公开 rows carry no group label: it was emitted once above.
    assert sum(ln.startswith("（三）不予公开") for ln in lines) == 1
    assert [ln for ln in lines if ln.startswith("2.其他法律行政法规禁止公开 | ")] != []
    assert "行政许可 | 1328" in lines
    assert "2 | 1 | 0 | 1 | 4 | 1 | 0 | 1 | 1 | 3 | 0 | 0 | 0 | 1 | 1" in lines
    assert not [ln for ln in lines if "浏览次数" in ln or "统计代码" in ln or ln == "首页"]


def test_html_boxes_and_prose_tables_are_read_as_blocks():
    prose = "全年主动公开政府信息" * 40  # 400 characters: a passage, not a statistics cell
    page = ("<html><body><table><tr><td><p>标题</p><p>正文<br>续行</p></td></tr></table>"
            f"<table><tr><td>问题</td><td><p>{prose}</p><p>下一段</p></td></tr></table>"
            "<table><tr><td>商业<br>企业</td><td>3</td></tr></table></body></html>")
    assert read_bytes(page.encode("utf-8"), "boxes.html").lines == [
        "标题", "正文", "续行", "问题", prose, "下一段", "商业企业 | 3"]


def test_html_meta_charset_is_honoured_when_it_reads_cleanly():
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>' \
           "<body><p>示例区政府信息公开年度报告</p></body></html>"
    doc = read_bytes(page.encode("gb18030"), "gbk.htm")
    assert (doc.encoding, doc.lines, doc.warnings) == ("gb18030", ["示例区政府信息公开年度报告"], [])


def test_html_wrong_meta_charset_is_overruled():
    page = '<html><head><meta charset="gbk"></head><body><p>政府信息公开</p></body></html>'
    doc = read_bytes(page.encode("utf-8"), "wrong.html")
    assert (doc.encoding, doc.lines) == ("utf-8", ["政府信息公开"])
    assert doc.warnings and "gb18030" in doc.warnings[0]


def test_html_with_xml_declaration_and_no_tables():
    page = '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">' \
           "<body><div>甲</div><div>乙<br/>丙</div></body></html>"
    assert read_bytes(page.encode("utf-8"), "x.xhtml").lines == ["甲", "乙", "丙"]


# ---------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("示例局2022年政府信息公开工作年度报告")
    table = document.add_table(rows=3, cols=4)
    head = table.cell(0, 0).merge(table.cell(1, 1))  # 2×2 block
    head.text = "(本列数据)"
    top = table.cell(0, 2).merge(table.cell(0, 3))  # horizontal
    top.text = "申请人情况"
    table.cell(1, 2).text = "商业"
    table.cell(1, 2).add_paragraph("企业")
    table.cell(1, 3).text = "总计"
    for col, value in enumerate(("规章", "1", "2", "3")):
        table.cell(2, col).text = value
    document.add_paragraph("表后文字")
    outer = document.add_table(rows=1, cols=2)  # layout: a table inside a cell
    outer.cell(0, 0).text = "左栏"
    inner = outer.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "行政许可"
    inner.cell(0, 1).text = "86"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_merged_cells_are_emitted_once():
    doc = read_bytes(_docx_bytes(), "merged.docx")
    assert (doc.format, doc.encoding) == ("docx", None)
    assert doc.lines == [
        "示例局2022年政府信息公开工作年度报告",
        "(本列数据) | 申请人情况",
        "商业企业 | 总计",
        "规章 | 1 | 2 | 3",
        "表后文字",
        "左栏",
        "行政许可 | 86",
    ]


def test_docx_single_cell_box_is_read_as_blocks():
    document = docx.Document()
    box = document.add_table(rows=1, cols=1).cell(0, 0)
    box.text = "一、总体情况"
    box.add_paragraph("全年主动公开政府信息120条。")
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_bytes(buffer.getvalue(), "box.docx").lines == ["一、总体情况", "全年主动公开政府信息120条。"]


def test_docx_fixture_rows():
    lines = read_path(REPORTS / "report.docx").lines
    assert lines[0] == "示例市教育局2022年政府信息公开工作年度报告"
    assert "（三）不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0" in lines
    assert "三、本年度办理结果 | （一）予以公开 | 7 | 0 | 0 | 0 | 0 | 0 | 7" in lines
    assert "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉" in lines


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------


def test_pdf_fixture_tables_and_text_in_order():
    doc = read_path(REPORTS / "report.pdf")
    lines = doc.lines
    assert (doc.format, doc.encoding) == ("pdf", None)
    assert lines[0] == "示例市示例区卫生健康局2023年政府信息公开工作年度报告"
    # Wrapped cells join without a separator; spans appear once, at their origin.
    assert "三、本年度办理结果 | （一）予以公开 | 9 | 1 | 0 | 0 | 0 | 0 | 10" in lines
    assert "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他" in lines
    assert "0 | 0 | 0 | 1 | 1 | 1 | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0" in lines
    # Text outside tables keeps its place between them; wrapped paragraphs are one line.
    order = [lines.index(x) for x in ("二、主动公开政府信息情况", "行政许可 | 1764",
                                      "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")]
    assert order == sorted(order)
    preface = [ln for ln in lines if ln.startswith("本报告根据")]
    assert len(preface) == 1 and preface[0].endswith("政务公开工作机构联系。")


def test_pdf_without_text_layer_asks_for_ocr_when_ocr_is_off():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")  # an "image" page: shapes, no characters
    with pytest.raises(ParseError) as caught:
        read_bytes(bytes(pdf.output()), "scan.pdf", ocr=False)
    assert str(caught.value) == ("scan.pdf: the PDF has no text layer (scanned PDF?) — OCR it first "
                                 "(OCR is off: parse it without --no-ocr)")
    # With OCR on, the page is OCRed and found to hold no text at all.
    with pytest.raises(ParseError) as caught:
        read_bytes(bytes(pdf.output()), "scan.pdf")
    assert str(caught.value) == "scan.pdf: the PDF has no text layer and OCR found no text on its pages"


# ---------------------------------------------------------------------------
# Formats and failures
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "source", "expected"),
    [
        (b"%PDF-1.7\n...", "x.bin", "pdf"),
        (b"<!DOCTYPE html><html></html>", "x.txt", "html"),
        (b"  <table><tr><td>1</td></tr></table>", "x", "html"),
        (b"\xef\xbb\xbf<html><body>x</body></html>", "x", "html"),
        ("<html><body>x</body></html>".encode("utf-16"), "x", "html"),
        (b"plain text", "x.htm", "html"),
        (b"plain text", "x.txt", "text"),
        (b"plain text", "noextension", "text"),
    ],
)
def test_sniff_format(data, source, expected):
    assert sniff_format(data, source) == expected


def test_sniff_docx_by_content_not_name():
    assert sniff_format(_docx_bytes(), "download.bin") == "docx"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "行政许可"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "source", "error", "words"),
    [
        (b"", "empty.txt", ParseError, "empty file"),
        (b"   \n\t\n", "blank.txt", ParseError, "holds no text"),
        (bytes(range(256)) * 4, "noise.bin", UnsupportedFormat, "binary file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "scan.png", UnsupportedFormat, "PNG image; OCR it first"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old.doc", UnsupportedFormat, "save it as .docx"),
        (_xlsx(), "table.xlsx", UnsupportedFormat, "spreadsheet"),
        (_zip({"notes.txt": b"hello"}), "bundle.zip", UnsupportedFormat, "not a .docx"),
        (_docx_bytes()[:3000], "cut.docx", ParseError, "DOCX file is damaged"),
        (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document"}), "bad.docx",
         ParseError, "DOCX file is damaged"),
        (b"%PDF-1.4\n1 0 obj <<>> garbage", "bad.pdf", ParseError, "PDF is damaged"),
        (b"\x80\x81\xff" * 40, "bytes.txt", EncodingError, "re-save the file as UTF-8"),
    ],
    ids=["empty", "blank", "binary", "png", "ole2", "xlsx", "zip", "truncated-docx", "broken-docx",
         "broken-pdf", "undecodable"],
)
def test_failures_raise_specific_errors_naming_the_file(data, source, error, words):
    with pytest.raises(ParseError) as caught:
        read_bytes(data, source)
    assert type(caught.value) is error, repr(caught.value)
    assert str(caught.value).startswith(source + ": ")
    assert words in str(caught.value)


def test_unsupported_message_lists_the_accepted_formats():
    with pytest.raises(UnsupportedFormat, match="HTML, DOCX or PDF"):
        read_bytes(bytes(range(256)), "noise.bin")


def test_read_path_of_a_missing_file():
    with pytest.raises(ParseError, match="cannot open the file"):
        read_path(REPORTS / "no-such-report.txt")
