"""Column headers for exported files: every column of the store in Chinese and in English.

Declared once, here.  The store's own column names (``report_id``, ``n_failed_checks`` …)
suit scripts; analysts opening a file in Excel read ``报告编号`` / ``report ID``.  The wide
``metrics`` table's figure columns (``applications__new_received__total``) take the metric
catalogue's names (``本年新收政府信息公开申请数量·总计``), which come from the template.
"""

from __future__ import annotations

from functools import lru_cache

from parsing.errors import GongkaiError

# How the first row of an exported table reads: the store's names, Chinese or English.
HEADERS = ("names", "zh", "en")

# Column name → (Chinese, English).  A name means the same thing in every table it is in.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "report_id": ("报告编号", "report ID"),
    "agency": ("机关", "agency"),
    "province": ("省", "province"),
    "city": ("市", "city"),
    "county": ("县区", "county"),
    "township": ("乡镇街道", "township"),
    "level": ("层级", "level"),
    "year": ("年度", "year"),
    "published": ("发布日期", "published"),
    "template": ("年报格式", "template"),
    "script": ("简繁体", "script"),
    "source": ("来源文件", "source file"),
    "source_path": ("文件路径", "file path"),
    "content_hash": ("文件内容指纹", "file fingerprint"),
    "format": ("文件格式", "file format"),
    "warnings": ("读取提示", "reading notes"),
    "n_failed_checks": ("未通过核对项数", "failed checks"),
    "record": ("完整记录(JSON)", "full record (JSON)"),
    "ingested_at": ("入库时间", "stored at"),
    "cells_hash": ("表格数据指纹", "table data fingerprint"),
    "table": ("表格", "table"),
    "row": ("行", "row"),
    "column": ("列", "column"),
    "value": ("数值", "value"),
    "cell_label": ("单元格名称", "cell name"),
    "no": ("部分序号", "section number"),
    "title": ("标题", "title"),
    "text": ("正文", "text"),
    "rule": ("核对规则", "check"),
    "ok": ("是否通过", "passed"),
    "detail": ("说明", "detail"),
    "field": ("字段", "field"),
    "label": ("名称", "label"),
    "unit": ("单位", "unit"),
    "period": ("期间", "period"),
    "quote": ("原文", "quote"),
    "section": ("所在部分", "section"),
    "national_table": ("是否出自国家表格", "from the national tables"),
}


class UnknownHeaders(GongkaiError):
    """Headers asked for in a language the vocabulary does not have."""


@lru_cache(maxsize=1)
def _figure_labels() -> dict[str, tuple[str, str]]:
    """``metrics`` figure column → (Chinese, English) name, from the metric catalogue and the template."""
    # Imported here: the catalogue is built from the template on first use.
    from index.tables.browse import figure_label
    from index.tables.metrics import catalogue
    from index.tables.store import metric_name
    from parsing.template import TEMPLATES

    out: dict[str, tuple[str, str]] = {}
    for metric in catalogue().values():
        if metric.kind == "cell" and len(metric.columns) == 1:
            out.setdefault(metric.columns[0], (metric.zh, metric.en))
    for template in TEMPLATES.values():
        for table in template.tables.values():
            for row in table.rows:
                for column in row.columns:
                    cell = (table.key, row.key, column)
                    out.setdefault(metric_name(*cell), (figure_label(cell, "zh"), figure_label(cell, "en")))
    return out


def cell_labels(headers: str) -> list[tuple[str, str, str, str]]:
    """(table, row, column, name) of every template cell, named in Chinese or English."""
    from index.tables.store import metric_name
    from parsing.template import TEMPLATES

    cells = {(table.key, row.key, column) for template in TEMPLATES.values()
             for table in template.tables.values() for row in table.rows for column in row.columns}
    return [(t, r, c, column_label(metric_name(t, r, c), headers)) for t, r, c in sorted(cells)]


def column_label(name: str, headers: str) -> str:
    """The header of column ``name``: itself (``names``), or its Chinese or English label."""
    if headers not in HEADERS:
        raise UnknownHeaders(f"Unknown headers {headers!r}: choose one of {', '.join(HEADERS)}.")
    if headers == "names":
        return name
    labels = COLUMN_LABELS.get(name) or _figure_labels().get(name)
    if labels is None:  # a column added to the store without a label: keep its name, never fail
        return name
    return labels[headers == "en"]


def column_labels(names: list[str], headers: str) -> list[str]:
    """Headers for ``names``, each unique (a repeated label gets its column name in brackets)."""
    labels = [column_label(name, headers) for name in names]
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return [f"{label} ({name})" if seen[label] > 1 else label for label, name in zip(labels, names)]
