"""HTML page → text-dump lines (one per block; one ``a | b | c`` line per table row) and
each data table as a :class:`parsing.read.TableGrid` (rowspan/colspan expanded, empty
cells — ``&nbsp;``, ``<o:p> </o:p>``, an empty ``<td>`` — kept as ``None``).

Rules (the contract ``parsing.read`` documents):

* invisible content is dropped: ``<script>``, ``<style>``, ``<nav>``, comments, hidden nodes;
* a table cell is emitted once, in the row where it starts (rowspan/colspan never repeat);
* line breaks inside a cell (``<br>``, several ``<p>``) join with no separator, so a header
  printed as ``商业<br>企业`` reads as one word;
* a table whose cells hold tables (or whole passages) is layout, not data: its cells are
  read as blocks;
* a page nested deeper than the HTML parser goes (libxml2 stops at 256 levels, 2048 with
  ``huge_tree``, and drops the rest) is first flattened: wrappers past :data:`MAX_DEPTH`
  levels are dropped (a block's edges kept as line breaks), tables, hidden and invisible
  elements kept, so a report wrapped in 10,000 ``<div>`` reads whole.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import lxml.etree

from parsing.grid import TableGrid, grid_from_rows

# Elements whose content a reader never sees.
_DROP = frozenset(
    "script style nav noscript template iframe object embed svg canvas head title select button "
    "input textarea audio video map".split()
)
# Elements that start a new line of text.
_BLOCKS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu "
    "ol p pre section summary ul caption tbody thead tfoot tr td th".split()
)
_CELLS = frozenset(("td", "th"))
# A cell with more text than this is prose, so its table is layout (see _is_layout).
MAX_DATA_CELL_CHARS = 300
_ROW_PARENTS = frozenset(("thead", "tbody", "tfoot"))
_BREAK = "\n"
_SPACE = re.compile(r"[\s\u00a0\u200b\u3000\ufeff]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Plain etree elements (no lxml.html element classes): the walk runs several times faster.
_PARSER = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
# Nesting kept when a page is too deep for the parser (see _flatten); well under libxml2's 256.
MAX_DEPTH = 128
_TABLE_TAGS = frozenset("table caption thead tbody tfoot tr td th".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def _tag(element: lxml.etree._Element) -> str:
    """Lower-case local tag name; "" for comments and processing instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower() if "}" in tag or not tag.islower() else tag


def _hidden(element: lxml.etree._Element) -> bool:
    attrib = element.attrib
    if not attrib:
        return False
    if "hidden" in attrib or attrib.get("aria-hidden") == "true":
        return True
    style = attrib.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _visible_tag(element: lxml.etree._Element) -> str:
    """The element's tag if a reader sees it, else ""."""
    tag = _tag(element)
    if not tag or tag in _DROP or _hidden(element):
        return ""
    return tag


def _clean(text: str) -> str:
    """Collapse whitespace (``&nbsp;`` included) to one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def _rows(table: lxml.etree._Element) -> list[lxml.etree._Element]:
    """The table's own rows (not those of tables nested in its cells)."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in _ROW_PARENTS:
            rows.extend(c for c in child if _tag(c) == "tr")
    return rows


def _cells(row: lxml.etree._Element) -> list[lxml.etree._Element]:
    return [c for c in row if _tag(c) in _CELLS and not _hidden(c)]


def _is_layout(table: lxml.etree._Element) -> bool:
    """A table that lays the page out rather than holding data: read its cells as blocks.

    That is a table whose cells contain tables, a single-cell box, or one with a cell
    holding a whole passage (statistics cells are short: the longest template label has
    under 50 characters).
    """
    cells = [cell for row in _rows(table) for cell in _cells(row)]
    if len(cells) == 1:
        return True
    for cell in cells:
        if next(cell.iter("table"), None) is not None:
            return True
        if sum(map(len, cell.itertext())) > MAX_DATA_CELL_CHARS:
            return True
    return False


class _Lines:
    """Accumulates text pieces; a break ends the current line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._parts: list[str] = []
        self.tables: list[TableGrid] = []

    def text(self, text: str | None) -> None:
        if text:
            self._parts.append(text)

    def br(self) -> None:
        if self._parts:
            line = _clean("".join(self._parts))
            self._parts = []
            if line:
                self.lines.append(line)

    def line(self, line: str) -> None:
        self.br()
        self.lines.append(line)


def _cell_text(cell: lxml.etree._Element) -> str:
    """A cell's visible text; its internal line breaks join with no separator."""
    pieces: list[str] = []
    _collect(cell, pieces)
    return "".join(_clean(p) for p in "".join(pieces).split(_BREAK))


def _collect(element: lxml.etree._Element, pieces: list[str]) -> None:
    """Text of ``element``'s content into ``pieces``, with ``_BREAK`` at block edges."""
    if element.text:
        pieces.append(element.text)
    for child in element:
        tag = _visible_tag(child)
        if tag:
            if tag == "br":
                pieces.append(_BREAK)
            elif tag in _BLOCKS or tag == "table":
                pieces.append(_BREAK)
                _collect(child, pieces)
                pieces.append(_BREAK)
            else:
                _collect(child, pieces)
        if child.tail:
            pieces.append(child.tail)


def _walk(element: lxml.etree._Element, out: _Lines) -> None:
    if element.text:
        out.text(element.text)
    for child in element:
        tag = _visible_tag(child)
        if tag:
            if tag == "table":
                out.br()
                _table(child, out)
            elif tag == "br":
                out.br()
            elif tag in _BLOCKS:
                out.br()
                _walk(child, out)
                out.br()
            else:
                _walk(child, out)
        if child.tail:
            out.text(child.tail)


def _table(table: lxml.etree._Element, out: _Lines) -> None:
    if _is_layout(table):
        for row in _rows(table):
            for cell in _cells(row):
                out.br()
                _walk(cell, out)
                out.br()
        return
    caption = next((c for c in table if _tag(c) == "caption"), None)
    if caption is not None:
        text = _cell_text(caption)
        if text:
            out.line(text)
    spec: list[list[tuple[str | None, int, int]]] = []
    row_lines: list[int | None] = []
    for row in _rows(table):
        if _hidden(row):
            continue
        cells = _cells(row)
        texts = [_cell_text(cell) for cell in cells]
        spec.append([(text, _span(cell, "rowspan"), _span(cell, "colspan")) for cell, text in zip(cells, texts)])
        if any(texts):
            out.line(" | ".join(texts))
            row_lines.append(len(out.lines) - 1)
        else:
            row_lines.append(None)
    if any(line is not None for line in row_lines):
        grid, covered = grid_from_rows(spec)
        out.tables.append(TableGrid(grid, row_lines, covered, "html"))


def _span(cell: lxml.etree._Element, attribute: str) -> int:
    """A cell's rowspan/colspan: 1 when absent or unreadable (``rowspan="2;"``)."""
    value = cell.get(attribute)
    if not value:
        return 1
    digits = re.match(r"\s*(\d+)", value)
    return max(1, int(digits.group(1))) if digits else 1


class _Flatten(HTMLParser):
    """Re-writes a page with at most :data:`MAX_DEPTH` levels of wrappers (see _flatten)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # open elements: (tag, written)

    def _kept(self, tag: str, raw: str) -> bool:
        return (len(self.stack) < MAX_DEPTH or tag in _TABLE_TAGS or tag in _DROP
                or bool(_HIDDEN_STYLE.search(raw)) or re.search(r"\shidden\b", raw) is not None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        if tag in _VOID:
            self.out.append(raw)
            return
        kept = self._kept(tag, raw)
        self.stack.append((tag, kept))
        self.out.append(raw if kept else "<br>" if tag in _BLOCKS else "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                kept = self.stack[i][1]
                del self.stack[i:]  # elements left open inside it end with it
                self.out.append(f"</{tag}>" if kept else "<br>" if tag in _BLOCKS else "")
                return
        # an end tag nothing opened: dropped, as the parser would

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")


def _flatten(text: str) -> str:
    """``text`` with the wrappers nested past :data:`MAX_DEPTH` levels dropped (their text kept)."""
    flatten = _Flatten()
    flatten.feed(text)
    flatten.close()
    return "".join(flatten.out)


def _too_deep(parser: lxml.etree.HTMLParser) -> bool:
    return any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log)


def html_lines(text: str) -> list[str]:
    """Visible text of an HTML page as text-dump lines, in document order."""
    return html_document(text)[0]


def html_document(text: str) -> tuple[list[str], list[TableGrid]]:
    """Text-dump lines of an HTML page and its data tables as grids."""
    text = _XML_DECLARATION.sub("", text, count=1)
    parser = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    root = lxml.etree.fromstring(text, parser)
    if _too_deep(parser):  # the parser stopped at its depth limit and dropped the rest
        root = lxml.etree.fromstring(_flatten(text), _PARSER)
    if root is None:
        return [], []
    body = root.find("body")
    out = _Lines()
    _walk(body if body is not None else root, out)
    out.br()
    return out.lines, out.tables
