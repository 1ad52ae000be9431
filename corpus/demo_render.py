"""A demo report → the bytes of a file, in each layout the parser reads.

Tables are first laid out as the official form prints them (:class:`PrintedTable`: rows of
cells with row and column spans); the text layouts then flatten that grid the way real
page exports do (``a | b |`` rows, one cell per line, blank lines between cells, a vertical
label, header cells displaced to the end of the file), and ``html`` keeps the spans.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from functools import lru_cache

from corpus import demo_form as F
from corpus.demo_record import DemoReport
from parsing.record import Number
from parsing.template import APPLICANT_COLUMNS, REVIEW_COLUMNS, REVIEW_LITIGATION, RESULT_GROUPS, \
    TEMPLATE_2019, TEMPLATES, result_rows

LAYOUTS: tuple[str, ...] = ("pipe", "one_per_line", "blank_lines", "chrome", "meta_header", "vertical_label",
                            "displaced_headers", "question_marks", "check_lines", "spaces", "html")
_FULLWIDTH = str.maketrans({"(": "（", ")": "）", ":": "："})


@dataclass(slots=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False      # a header cell, which page exports often break in two
    results: bool = False     # the 三、本年度办理结果 label (printed vertically in some exports)
    displaceable: bool = False


@dataclass(slots=True)
class PrintedTable:
    width: int
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Options:
    table_style: str = "pipe"          # pipe | pipe_lines | lines | blank | spaces
    wrap_headers: bool = False
    truncate_headers: bool = False     # a wrapped header cell lost its second line (结果纠正 → 结果)
    fullwidth_labels: bool = False
    vertical: bool = False
    displaced: bool = False
    question_marks: bool = False
    check_lines: bool = False
    chrome: bool = False
    meta: str | None = None            # None | "pipes" | "lines"
    amount_unit: bool = False
    crlf: bool = False
    indent: bool = False               # narrative lines and headings indented with spaces
    displace_item: bool = False        # item "2." of section 五 printed at the end of the file


@dataclass(frozen=True)
class Rendered:
    name: str
    data: bytes
    layout: str
    table_style: str
    encoding: str


def fmt(value: Number) -> str:
    if type(value) is int:
        return str(value)
    return f"{value:.4f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------------------
# The official form as a grid
# ---------------------------------------------------------------------------


def _label(text: str, opts: Options) -> str:
    return text.translate(_FULLWIDTH) if opts.fullwidth_labels else text


def active_table(report: DemoReport, opts: Options) -> PrintedTable:
    table = TEMPLATES[report.template].tables["active_disclosure"]
    grid = report.active_disclosure
    items: tuple[tuple[int, tuple[str, ...]], ...]
    if report.template == TEMPLATE_2019:
        items = ((0, ("regulations", "normative_documents")), (4, ("licensing", "other_services")),
                 (5, ("penalty", "coercion")), (7, ("fees",)), (8, ("procurement",)))
    else:
        items = ((0, ("regulations", "normative_documents")), (4, ("licensing",)), (5, ("penalty", "coercion")),
                 (7, ("fees",)))
    rows: list[tuple[Cell, ...]] = []
    for numeral, keys in items:
        rows.append((Cell(_label(F.ARTICLE.format(F.CN_NUMERALS[numeral]), opts), colspan=4),))
        columns = table.row(keys[0]).columns
        if report.template != TEMPLATE_2019 and columns == ("decisions",):
            labels = [F.DECISIONS_2021]
        elif report.template != TEMPLATE_2019 and columns == ("amount_wan",):
            labels = [_label(F.FEES_2021, opts)]
        elif keys[0] == "procurement":
            labels = [table.column("projects").label, F.PROCUREMENT_AMOUNT]
        else:
            labels = [table.column(c).label for c in columns]
        span = 4 - len(labels) if len(labels) == 1 else 1
        rows.append((Cell(F.INFO_CONTENT), *(Cell(t, colspan=span) for t in labels)))
        for key in keys:
            row = table.row(key)
            values = []
            for column in row.columns:
                text = fmt(grid[key][column])
                if key == "procurement" and column == "amount_wan" and opts.amount_unit:
                    text += F.WAN
                values.append(Cell(text, colspan=span))
            rows.append((Cell(_label(row.label, opts)), *values))
    return PrintedTable(4, tuple(rows))


def applications_table(report: DemoReport, opts: Options) -> PrintedTable:
    table = TEMPLATES[report.template].tables["applications"]
    grid = report.applications
    columns = [c.key for c in APPLICANT_COLUMNS]
    natural, *orgs, total = APPLICANT_COLUMNS
    rows: list[tuple[Cell, ...]] = [
        (Cell(_label(F.BALANCE_NOTE, opts), rowspan=3, colspan=3), Cell(F.APPLICANTS_HEADER, colspan=7)),
        (Cell(natural.label, rowspan=2, header=True), Cell(F.ORGANISATIONS_HEADER, colspan=5),
         Cell(total.label, rowspan=2)),
        tuple(Cell(c.label, header=True, displaceable=True) for c in orgs),
    ]

    def values(key: str) -> list[Cell]:
        row = grid[key]
        return [Cell(fmt(row[c])) for c in columns]

    results = result_rows(report.template)
    seen_groups: set[str] = set()
    for row in table.rows:
        label = _label(row.label, opts)
        if row.key in ("new_received", "carried_over", "carried_forward"):
            rows.append((Cell(label, colspan=3), *values(row.key)))
            continue
        lead: tuple[Cell, ...] = ()
        if row.key == results[0]:
            lead = (Cell(_label(F.RESULTS_LABEL, opts), rowspan=len(results) + 1, results=True),)
        if row.parent:
            if row.parent not in seen_groups:
                seen_groups.add(row.parent)
                size = sum(1 for r in table.rows if r.parent == row.parent)
                lead += (Cell(_label(RESULT_GROUPS[row.parent][0], opts), rowspan=size),)
            rows.append((*lead, Cell(label), *values(row.key)))
        else:
            if row.key == "partially_granted":
                label += _label(F.PARTIAL_NOTE, opts)
            rows.append((*lead, Cell(label, colspan=2), *values(row.key)))
    return PrintedTable(10, tuple(rows))


def review_table(report: DemoReport, opts: Options) -> PrintedTable:
    review, direct, after = REVIEW_LITIGATION.rows
    outcome_cells = tuple(Cell(c.label, header=True) for c in REVIEW_COLUMNS)
    rows = (
        (Cell(review.label, colspan=5), Cell(direct.label.split("·")[0], colspan=10)),
        (*(Cell(c.text, rowspan=2, header=True) for c in outcome_cells),
         Cell(direct.label.split("·")[1], colspan=5), Cell(after.label.split("·")[1], colspan=5)),
        outcome_cells + outcome_cells,
        tuple(Cell(fmt(report.review_litigation[r.key][c.key])) for r in REVIEW_LITIGATION.rows
              for c in REVIEW_COLUMNS),
    )
    return PrintedTable(15, rows)


def printed_tables(report: DemoReport, opts: Options) -> list[PrintedTable]:
    return [active_table(report, opts), applications_table(report, opts), review_table(report, opts)]


# ---------------------------------------------------------------------------
# Text layouts
# ---------------------------------------------------------------------------


def _chunks(text: str) -> list[str]:
    return [text[i:i + 2] for i in range(0, len(text), 2)]


def table_lines(table: PrintedTable, opts: Options, displaced: list[str]) -> list[str]:
    """One printed table flattened the way ``opts.table_style`` exports it."""
    out: list[str] = []
    piped = opts.table_style in ("pipe", "pipe_lines")
    for row in table.rows:
        texts: list[str] = []
        for cell in row:
            text = cell.text
            if cell.displaceable and opts.displaced and not piped and len(text) > 2:
                first, *rest = _chunks(text)
                displaced.extend(rest)
                texts.append(first)
            elif cell.results and opts.vertical and not piped:
                texts.append("\n".join(text))
            elif cell.header and opts.truncate_headers and len(text) == 4 and not piped:
                texts.append(_chunks(text)[0])
            elif cell.header and opts.wrap_headers and len(text) == 4:
                texts.append((" " if piped else "\n").join(_chunks(text)))
            else:
                texts.append(text)
        empties = table.width - len(row)
        if opts.table_style == "pipe":
            out.append(" | ".join(texts) + " |" + (" " + "|" * empties if empties else ""))
        elif opts.table_style == "pipe_lines":
            out.extend(t + " |" for t in texts)
            if empties:
                out.append("|" * empties)
        elif opts.table_style == "spaces":  # PDF text: one printed row per line
            out.append(" ".join(t.replace("\n", "") for t in texts))
        else:
            out.extend(texts)
    return out


def _take_item_two(body: list[str]) -> list[str]:
    """Remove a line "2.…" that sits between "1." and "3." (a page export moved it to the end)."""
    middle = [i for i in range(1, len(body) - 1)
              if body[i].startswith("2.") and body[i - 1].startswith("1.") and body[i + 1].startswith("3.")]
    if not middle:
        return []
    return [body.pop(middle[-1])]


def _date_cn(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return F.DATE_CN.format(y=y, m=m, d=d)


def _index_no(report: DemoReport) -> str:
    return f"{report.digest()[:8].upper()}/{report.year + 1}-{int(report.digest()[8:12], 16) % 100000:05d}"


def _heading(no: int, title: str, opts: Options, rng: random.Random) -> str:
    mark = "?" if opts.question_marks and rng.random() < 0.5 else ""
    return f"{F.CN_NUMERALS[no - 1]}、{title}{mark}"


def _table_headings(report: DemoReport) -> list[str]:
    return [TEMPLATES[report.template].tables[key].heading
            for key in ("active_disclosure", "applications", "review_litigation")]


def text_document(report: DemoReport, opts: Options, rng: random.Random) -> str:
    lines: list[str] = []
    date = report.published
    if opts.chrome:
        lines += [*rng.choice(F.CHROME_TOPS), "", report.title, ""]
        lines.append(rng.choice(F.CHROME_INFO).format(date=date, agency=report.agency, n3=rng.randint(50, 3000)))
    elif opts.meta == "pipes":
        r = F.META_ROWS
        lines += [f"{r[0]} | {report.title} | ||",
                  f"{r[1]} | {_index_no(report)} | {r[2]} | {date} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d} |",
                  f"{r[3]} | {r[4]} | {r[5]} | {r[6]} |"]
    elif opts.meta == "lines":
        lines += [t.format(index=_index_no(report), agency=report.agency, date=date, title=report.title)
                  for t in F.META_LINES]
        lines.append(report.title)
    else:
        lines.append(report.title)
    if report.preamble:
        lines.append(report.preamble)
    by_no = {s["no"]: s for s in report.sections}
    displaced: list[str] = []
    moved_item: list[str] = []
    tables = printed_tables(report, opts)
    pad = "  " if opts.indent else ""
    for no in range(1, 7):
        if no in by_no:
            lines.append(pad + _heading(no, by_no[no]["title"], opts, rng))
            body = str(by_no[no]["text"]).split("\n")
            if no == 5 and opts.displace_item:
                moved_item = _take_item_two(body)
            lines.extend(pad + line for line in body)
            continue
        heading = _table_headings(report)[no - 2]
        lines.append(heading + ("?" if opts.question_marks and rng.random() < 0.7 else ""))
        if opts.check_lines:
            lines.append(F.CHECK_LINE.format(year=report.year))
        lines.extend(table_lines(tables[no - 2], opts, displaced))
    if report.closing:
        lines.append(report.closing)
    if report.signed:
        lines += [report.agency, _date_cn(date)]
    if opts.chrome:
        lines += ["", *rng.choice(F.CHROME_FOOTERS)]
    lines.extend(displaced)
    lines.extend(moved_item)
    if opts.table_style == "blank":
        text = "\n\n".join(lines)
    else:
        text = "\n".join(lines)
    return text.replace("\n", "\r\n") if opts.crlf else text


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------


def _html_table(table: PrintedTable, opts: Options, wrap_values: bool) -> str:
    rows = []
    for row in table.rows:
        cells = []
        for cell in row:
            text = html.escape(cell.text)
            if cell.header and opts.wrap_headers and len(cell.text) == 4:
                text = "<br/>".join(html.escape(c) for c in _chunks(cell.text))
            if wrap_values and cell.text[:1].isdigit():
                text = f'<p align="center"><span>{text}</span></p>'
            spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
                    (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            cells.append(f"<td{spans}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1" cellspacing="0" cellpadding="0"><tbody>\n' + "\n".join(rows) + "\n</tbody></table>"


def html_document(report: DemoReport, opts: Options, rng: random.Random, charset: str) -> str:
    def para(text: str, style: str = "") -> str:
        return f"<p{style}>{html.escape(text)}</p>"

    info = rng.choice(F.CHROME_INFO).format(date=report.published, agency=report.agency, n3=rng.randint(50, 3000))
    parts = ["<!DOCTYPE html>", "<html>", "<head>", f'<meta http-equiv="Content-Type" content="text/html; '
             f'charset={charset}">', f"<title>{html.escape(report.title)}</title>", "</head>", "<body>"]
    if opts.chrome:
        parts.append('<div class="nav">' + "&nbsp;".join(html.escape(t) for t in rng.choice(F.CHROME_TOPS)) + "</div>")
    parts += [f"<h1>{html.escape(report.title)}</h1>", f'<div class="info">{html.escape(info)}</div>',
              '<div class="TRS_Editor">']
    if report.preamble:
        parts.append(para(report.preamble))
    by_no = {s["no"]: s for s in report.sections}
    tables = printed_tables(report, opts)
    wrap_values = rng.random() < 0.5
    for no in range(1, 7):
        if no in by_no:
            parts.append(f"<p><strong>{html.escape(_heading(no, by_no[no]['title'], opts, rng))}</strong></p>")
            parts.extend(para(line) for line in str(by_no[no]["text"]).split("\n"))
            continue
        parts.append(f"<p><strong>{html.escape(_table_headings(report)[no - 2])}</strong></p>")
        parts.append(_html_table(tables[no - 2], opts, wrap_values))
    if report.closing:
        parts.append(para(report.closing))
    if report.signed:
        parts += [para(report.agency, ' style="text-align:right"'),
                  para(_date_cn(report.published), ' style="text-align:right"')]
    parts.append("</div>")
    if opts.chrome:
        parts.append('<div class="footer">' + html.escape(" ".join(rng.choice(F.CHROME_FOOTERS))) + "</div>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts)


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def options_for(report: DemoReport, layout: str, rng: random.Random) -> Options:
    """Render options for ``layout``; the incidental ones (wrapping, punctuation) drawn from ``rng``."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    common = dict(wrap_headers=rng.random() < 0.4, fullwidth_labels=rng.random() < 0.25,
                  amount_unit=report.template == TEMPLATE_2019 and rng.random() < 0.3,
                  crlf=layout != "html" and rng.random() < 0.1)
    style = {
        "pipe": "pipe",
        "one_per_line": rng.choice(("pipe_lines", "lines")),
        "blank_lines": "blank",
        "chrome": rng.choice(("blank", "lines", "pipe_lines")),
        "meta_header": rng.choice(("lines", "pipe_lines", "pipe")),
        "vertical_label": rng.choice(("lines", "blank")),
        "displaced_headers": "lines",
        "question_marks": rng.choice(("pipe_lines", "lines", "pipe")),
        "check_lines": rng.choice(("pipe_lines", "lines", "pipe")),
        "spaces": "spaces",
        "html": "html",
    }[layout]
    lined = style in ("lines", "pipe_lines")
    return Options(
        table_style=style,
        vertical=layout == "vertical_label" or (layout == "displaced_headers" and rng.random() < 0.5),
        displaced=layout == "displaced_headers",
        question_marks=layout == "question_marks",
        check_lines=layout == "check_lines" or (layout == "question_marks" and rng.random() < 0.5),
        chrome=layout == "chrome" or (layout == "html" and rng.random() < 0.6),
        meta=rng.choice(("pipes", "lines")) if layout == "meta_header" else None,
        truncate_headers=lined and layout in ("question_marks", "check_lines") and rng.random() < 0.3,
        indent=layout in ("blank_lines", "chrome") and rng.random() < 0.5,
        displace_item=layout == "displaced_headers" and rng.random() < 0.5,
        **common,
    )


@lru_cache(maxsize=1)
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2t")


def _charset(text: str) -> str:
    """The charset a GB-encoded page declares: the narrowest one its text fits."""
    for name in ("gb2312", "gbk"):
        try:
            text.encode(name)
            return name
        except UnicodeEncodeError:
            continue
    return "gb18030"


def render_detail(report: DemoReport, layout: str | None = None) -> Rendered:
    """Render ``report`` in ``layout`` (default: the layout the generator chose for it)."""
    layout = layout or report.layout
    rng = random.Random(f"render/{report.seed}/{report.key}/{report.year}/{layout}")
    opts = options_for(report, layout, rng)
    if layout == "html":
        probe = html_document(report, opts, random.Random(rng.random()), "utf-8")
        if report.script == "traditional":
            probe = _to_traditional().convert(probe)
        charset = "utf-8" if report.encoding == "utf-8" else _charset(probe)
        text = probe.replace("charset=utf-8", f"charset={charset}", 1)
        ext = "html"
    else:
        text = text_document(report, opts, rng)
        if report.script == "traditional":
            text = _to_traditional().convert(text)
        ext = "txt"
    name = f"{report.index:06d}_{report.digest()}.{ext}"
    return Rendered(name, text.encode(report.encoding), layout, opts.table_style, report.encoding)


def render(report: DemoReport, layout: str | None = None) -> tuple[str, bytes]:
    """(file name, content) of ``report`` rendered in ``layout``."""
    out = render_detail(report, layout)
    return out.name, out.data
