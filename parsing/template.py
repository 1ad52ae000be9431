"""The one definition of the national report template.

Everything that needs to know what a report's tables look like reads this module:
the parser (labels to match), the store (cell keys), the query layer (metric names and
synonyms) and the app (how to draw a table).  Chinese labels live here and nowhere else.

Two templates exist:

* ``"2021"``: 国办公开办函〔2021〕30号, used for reports on 2020 onward;
* ``"2019"``: 国办公开办函〔2019〕60号, the 2019-era template.

Reports written before 2019 follow neither and parse with template ``"unknown"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEMPLATE_2021 = "2021"
TEMPLATE_2019 = "2019"
TEMPLATE_UNKNOWN = "unknown"

TABLES = ("active_disclosure", "applications", "review_litigation")


@dataclass(frozen=True)
class Column:
    """One column of a table: a key (as in SCHEMA.md), its official label and names."""

    key: str
    label: str
    en: str
    synonyms: tuple[str, ...] = ()
    unit: str = "件"


@dataclass(frozen=True)
class Row:
    """One row of a table.

    ``match`` holds the phrases that identify the row's label in a report (after
    conversion to simplified script); the first that occurs wins.  ``columns`` lists the
    column keys the row has, in the order the report prints them.
    """

    key: str
    label: str
    en: str
    match: tuple[str, ...]
    columns: tuple[str, ...]
    synonyms: tuple[str, ...] = ()
    parent: str | None = None
    # Display name where the printed label alone is unclear ("(七)总计").
    name: str = ""
    # Column labels this row prints differently from the table's (政府集中采购 · 采购总金额).
    column_labels: tuple[tuple[str, str], ...] = ()

    def column_label(self, column: "Column") -> str:
        return dict(self.column_labels).get(column.key, column.label)


@dataclass(frozen=True)
class Table:
    key: str
    heading: str
    en: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    heading_match: tuple[str, ...] = ()

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(f"table {self.key!r} has no row {key!r}")

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(f"table {self.key!r} has no column {key!r}")


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    tables: dict[str, Table] = field(default_factory=dict)
    # Header phrases whose presence identifies this template.
    markers: tuple[str, ...] = ()

    def table(self, key: str) -> Table:
        return self.tables[key]


# ---------------------------------------------------------------------------
# 二、主动公开政府信息情况
# ---------------------------------------------------------------------------

_DOC_COLUMNS_2021 = ("issued", "repealed", "in_force")
_DOC_COLUMNS_2019 = ("new_made", "new_published", "total_published")
_ITEM_COLUMNS_2019 = ("previous", "change", "decisions")

ACTIVE_COLUMNS = (
    Column("issued", "本年制发件数", "issued this year", ("制发", "制定", "新制定", "出台", "印发")),
    Column("repealed", "本年废止件数", "repealed this year", ("废止", "宣布失效", "失效")),
    Column("in_force", "现行有效件数", "in force", ("现行有效",)),
    Column("decisions", "处理决定数量", "decisions", ("处理决定", "决定数")),
    Column("amount_wan", "收费金额(万元)", "amount (10k yuan)", ("收费金额", "金额"), unit="万元"),
    Column("new_made", "本年新制作数量", "newly made this year", ("新制作",)),
    Column("new_published", "本年新公开数量", "newly published this year", ("新公开",)),
    Column("total_published", "对外公开总数量", "total published", ("对外公开总数", "公开总数")),
    Column("previous", "上一年项目数量", "items in the previous year", ("上一年项目",)),
    Column("change", "本年增/减", "change this year", ("增/减", "增减")),
    Column("projects", "采购项目数量", "procurement projects", ("采购项目", "项目数", "项目个数", "多少个项目")),
)

ACTIVE_2021 = Table(
    key="active_disclosure",
    heading="二、主动公开政府信息情况",
    en="Proactive disclosure",
    heading_match=("主动公开政府信息情况", "主动公开情况"),
    columns=ACTIVE_COLUMNS,
    rows=(
        Row("regulations", "规章", "regulations", ("规章",), _DOC_COLUMNS_2021),
        Row(
            "normative_documents",
            "行政规范性文件",
            "normative documents",
            ("行政规范性文件", "规范性文件"),
            _DOC_COLUMNS_2021,
            ("规范性文件", "红头文件", "regulatory documents"),
        ),
        Row("licensing", "行政许可", "administrative licensing", ("行政许可",), ("decisions",),
            ("许可", "审批", "行政审批", "licensing", "licences", "licenses", "permits")),
        Row("penalty", "行政处罚", "administrative penalties", ("行政处罚",), ("decisions",),
            ("处罚", "罚款", "penalties", "penalty", "fines")),
        Row("coercion", "行政强制", "administrative coercion", ("行政强制",), ("decisions",),
            ("强制", "强制措施", "coercion", "coercive measures")),
        Row("fees", "行政事业性收费", "administrative fees", ("行政事业性收费",), ("amount_wan",),
            ("收费", "事业性收费", "fees", "charges")),
    ),
)

ACTIVE_2019 = Table(
    key="active_disclosure",
    heading="二、主动公开政府信息情况",
    en="Proactive disclosure",
    heading_match=ACTIVE_2021.heading_match,
    columns=ACTIVE_COLUMNS,
    rows=(
        Row("regulations", "规章", "regulations", ("规章",), _DOC_COLUMNS_2019),
        Row(
            "normative_documents",
            "规范性文件",
            "normative documents",
            ("行政规范性文件", "规范性文件"),
            _DOC_COLUMNS_2019,
            ("规范性文件", "红头文件", "regulatory documents"),
        ),
        Row("licensing", "行政许可", "administrative licensing", ("行政许可",), _ITEM_COLUMNS_2019,
            ("许可", "审批", "行政审批", "licensing", "licences", "licenses", "permits")),
        Row(
            "other_services",
            "其他对外管理服务事项",
            "other public services",
            ("其他对外管理服务事项", "对外管理服务事项"),
            _ITEM_COLUMNS_2019,
        ),
        Row("penalty", "行政处罚", "administrative penalties", ("行政处罚",), _ITEM_COLUMNS_2019,
            ("处罚", "罚款", "penalties", "penalty", "fines")),
        Row("coercion", "行政强制", "administrative coercion", ("行政强制",), _ITEM_COLUMNS_2019,
            ("强制", "强制措施", "coercion", "coercive measures")),
        Row("fees", "行政事业性收费", "administrative fees", ("行政事业性收费",), ("previous", "change"),
            ("收费", "事业性收费", "fees", "charges")),
        Row(
            "procurement",
            "政府集中采购",
            "central government procurement",
            ("政府集中采购", "集中采购"),
            ("projects", "amount_wan"),
            ("采购", "政府采购", "procurement"),
            column_labels=(("amount_wan", "采购总金额(万元)"),),
        ),
    ),
)

# ---------------------------------------------------------------------------
# 三、收到和处理政府信息公开申请情况
# ---------------------------------------------------------------------------

APPLICANT_COLUMNS = (
    Column("natural_person", "自然人", "natural persons", ("个人", "公民", "群众", "individuals", "citizens")),
    Column("commercial", "商业企业", "commercial enterprises", ("企业", "商业", "公司", "companies", "businesses")),
    Column("research", "科研机构", "research institutions", ("科研",)),
    Column("social_welfare", "社会公益组织", "public-interest organisations", ("公益组织", "社会组织")),
    Column("legal_service", "法律服务机构", "legal service providers", ("律师", "律所", "法律服务", "lawyers")),
    Column("other_org", "其他", "other organisations", ("其他组织",)),
    Column("total", "总计", "total", ("合计", "总数", "共计")),
)

_APPLICANTS = tuple(c.key for c in APPLICANT_COLUMNS)

# Groups of columns a question may name as one: table → (words, column keys).  The report's
# two-level header 法人或其他组织 spans every applicant column but 自然人 and 总计.
COLUMN_GROUPS: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "applications": (
        (("法人或其他组织", "法人及其他组织", "法人和其他组织", "法人或者其他组织", "legal persons and other organisations",
          "legal persons and other organizations", "legal persons or other organisations", "legal persons"),
         ("commercial", "research", "social_welfare", "legal_service", "other_org")),
    ),
}


def _app_row(key: str, label: str, en: str, match: tuple[str, ...], parent: str | None = None,
             synonyms: tuple[str, ...] = (), name: str = "") -> Row:
    return Row(key, label, en, match, _APPLICANTS, synonyms, parent, name)


# Group headings of the result rows: the label a report prints above the sub-rows.
RESULT_GROUPS = {
    "denied": ("(三)不予公开", "不予公开", "refused"),
    "unavailable": ("(四)无法提供", "无法提供", "unable to provide"),
    "not_processed": ("(五)不予处理", "不予处理", "not processed"),
    "other": ("(六)其他处理", "其他处理", "otherwise handled"),
}

_APPLICATION_ROWS_COMMON_HEAD = (
    _app_row("new_received", "一、本年新收政府信息公开申请数量", "new requests received",
             ("本年新收",), synonyms=("新收", "收到申请", "申请数量", "申请数", "申请", "依申请公开", "公开申请",
                       "信息公开申请", "requests", "applications", "requests received")),
    _app_row("carried_over", "二、上年结转政府信息公开申请数量", "carried over from last year",
             ("上年结转",), synonyms=("上年结转", "carried over")),
    _app_row("granted", "(一)予以公开", "granted in full", ("予以公开",), synonyms=("全部公开", "同意公开", "granted")),
    _app_row("partially_granted", "(二)部分公开", "granted in part", ("部分公开",), synonyms=("部分公开", "partially granted")),
    _app_row("denied.state_secret", "1.属于国家秘密", "state secret", ("国家秘密",), "denied"),
    _app_row("denied.prohibited_by_law", "2.其他法律行政法规禁止公开", "prohibited by other laws",
             ("法律行政法规禁止公开", "禁止公开"), "denied"),
    _app_row("denied.security_stability", "3.危及“三安全一稳定”", "endangers security or stability",
             ("三安全一稳定",), "denied"),
    _app_row("denied.third_party", "4.保护第三方合法权益", "protects third-party rights",
             ("第三方合法权益",), "denied"),
    _app_row("denied.internal_affairs", "5.属于三类内部事务信息", "internal affairs",
             ("内部事务",), "denied"),
    _app_row("denied.process_information", "6.属于四类过程性信息", "process information",
             ("过程性信息",), "denied"),
    _app_row("denied.enforcement_files", "7.属于行政执法案卷", "law-enforcement files",
             ("行政执法案卷", "执法案卷"), "denied"),
    _app_row("denied.administrative_query", "8.属于行政查询事项", "administrative query matters",
             ("行政查询",), "denied"),
    _app_row("unavailable.not_held", "1.本机关不掌握相关政府信息", "information not held",
             ("不掌握",), "unavailable"),
    _app_row("unavailable.needs_compilation", "2.没有现成信息需要另行制作", "would need to be compiled",
             ("另行制作",), "unavailable"),
    _app_row("unavailable.unclear", "3.补正后申请内容仍不明确", "still unclear after amendment",
             ("仍不明确",), "unavailable"),
    _app_row("not_processed.complaint", "1.信访举报投诉类申请", "petitions and complaints",
             ("信访举报投诉", "信访"), "not_processed"),
    _app_row("not_processed.duplicate", "2.重复申请", "duplicate requests", ("重复申请",), "not_processed"),
    _app_row("not_processed.publication", "3.要求提供公开出版物", "asks for publications",
             ("公开出版物",), "not_processed"),
    _app_row("not_processed.excessive", "4.无正当理由大量反复申请", "excessive repeated requests",
             ("大量反复",), "not_processed"),
    _app_row("not_processed.confirm_or_reissue", "5.要求行政机关确认或重新出具已获取信息",
             "asks to confirm or reissue", ("确认或重新出具",), "not_processed"),
)

_APPLICATION_ROWS_COMMON_TAIL = (
    _app_row("total_processed", "(七)总计", "total processed", ("(七)总计", "七)总计", "七、总计"),
             synonyms=("办结", "处理总数", "办理总数", "办理结果", "processed", "handled"), name="办理结果总计"),
    _app_row("carried_forward", "四、结转下年度继续办理", "carried forward to next year",
             ("结转下年度",), synonyms=("结转下年", "carried forward")),
)

APPLICATIONS_2021 = Table(
    key="applications",
    heading="三、收到和处理政府信息公开申请情况",
    en="Requests received and handled",
    heading_match=("收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请", "依申请公开政府信息情况"),
    columns=APPLICANT_COLUMNS,
    rows=_APPLICATION_ROWS_COMMON_HEAD
    + (
        _app_row("other.no_amendment", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                 "applicant did not amend in time", ("逾期不补正",), "other"),
        _app_row("other.unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                 "applicant did not pay the fee", ("缴纳费用",), "other"),
        # "3.其他" is matched by position under the (六) heading, see parsing.tables.
        _app_row("other.other", "3.其他", "other", (), "other"),
    )
    + _APPLICATION_ROWS_COMMON_TAIL,
)

APPLICATIONS_2019 = Table(
    key="applications",
    heading=APPLICATIONS_2021.heading,
    en=APPLICATIONS_2021.en,
    heading_match=APPLICATIONS_2021.heading_match,
    columns=APPLICANT_COLUMNS,
    rows=_APPLICATION_ROWS_COMMON_HEAD
    + (_app_row("other", "(六)其他处理", "otherwise handled", ("其他处理",)),)
    + _APPLICATION_ROWS_COMMON_TAIL,
)

# ---------------------------------------------------------------------------
# 四、政府信息公开行政复议、行政诉讼情况
# ---------------------------------------------------------------------------

REVIEW_COLUMNS = (
    Column("upheld", "结果维持", "upheld", ("维持",)),
    Column("corrected", "结果纠正", "corrected", ("纠正", "纠错", "overturned")),
    Column("other", "其他结果", "other outcome", ("其他结果",)),
    Column("pending", "尚未审结", "pending", ("未审结", "未结")),
    Column("total", "总计", "total", ("合计", "总数")),
)
_OUTCOMES = tuple(c.key for c in REVIEW_COLUMNS)

REVIEW_LITIGATION = Table(
    key="review_litigation",
    heading="四、政府信息公开行政复议、行政诉讼情况",
    en="Administrative reconsideration and litigation",
    heading_match=("行政复议、行政诉讼情况", "行政复议和行政诉讼情况", "行政复议、行政诉讼", "行政复议及行政诉讼"),
    columns=REVIEW_COLUMNS,
    rows=(
        Row("review", "行政复议", "administrative reconsideration", ("行政复议",), _OUTCOMES,
            ("复议", "reconsideration", "reconsiderations", "administrative review")),
        Row("litigation_direct", "行政诉讼·未经复议直接起诉", "lawsuits filed directly",
            ("未经复议直接起诉",), _OUTCOMES,
            ("直接起诉", "未经复议起诉", "诉讼", "行政诉讼", "打官司", "官司", "起诉", "被告",
             "lawsuit", "lawsuits", "litigation", "court cases", "sued")),
        Row("litigation_after_review", "行政诉讼·复议后起诉", "lawsuits after reconsideration",
            ("复议后起诉",), _OUTCOMES,
            ("复议后起诉", "诉讼", "行政诉讼", "打官司", "官司", "起诉", "被告",
             "lawsuit", "lawsuits", "litigation", "court cases", "sued")),
    ),
)

TEMPLATES: dict[str, Template] = {
    TEMPLATE_2021: Template(
        TEMPLATE_2021,
        "国办公开办函〔2021〕30号",
        {"active_disclosure": ACTIVE_2021, "applications": APPLICATIONS_2021,
         "review_litigation": REVIEW_LITIGATION},
        markers=("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "逾期不补正"),
    ),
    TEMPLATE_2019: Template(
        TEMPLATE_2019,
        "国办公开办函〔2019〕60号",
        {"active_disclosure": ACTIVE_2019, "applications": APPLICATIONS_2019,
         "review_litigation": REVIEW_LITIGATION},
        markers=("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购总金额"),
    ),
}

# ---------------------------------------------------------------------------
# Sections of the narrative
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionDef:
    no: int
    title: str
    en: str
    kind: str
    match: tuple[str, ...]


SECTIONS = (
    SectionDef(1, "总体情况", "Overview", "overview", ("总体情况", "概述", "基本情况", "总体", "概况")),
    SectionDef(2, "主动公开政府信息情况", "Proactive disclosure", "active_disclosure", ("主动公开",)),
    SectionDef(3, "收到和处理政府信息公开申请情况", "Requests received and handled", "requests",
               ("收到和处理", "依申请公开", "申请情况", "公开申请")),
    SectionDef(4, "政府信息公开行政复议、行政诉讼情况", "Reconsideration and litigation", "review_litigation",
               ("复议", "诉讼")),
    SectionDef(5, "存在的主要问题及改进情况", "Problems and improvements", "problems",
               ("问题", "改进", "不足")),
    SectionDef(6, "其他需要报告的事项", "Other matters", "other", ("其他需要报告", "其他事项", "其他")),
)

# Words that mark the "measures" half of section 五.
IMPROVEMENT_MARKERS = ("改进措施", "改进情况", "下一步", "下步", "努力方向", "工作打算", "整改措施", "改进方向")
PROBLEM_MARKERS = ("存在的问题", "存在问题", "主要问题", "不足")

# ---------------------------------------------------------------------------
# Finding the tables wherever they stand (parsing.tables.find_table_spans)
# ---------------------------------------------------------------------------

# Phrases (simplified script, NFKC) of each table's header or first rows: a table is looked
# for at the first of them that has row labels and numbers after it, under any heading.
TABLE_ANCHORS: dict[str, tuple[str, ...]] = {
    "active_disclosure": ("第二十条第(一)项", "第二十条第(五)项", "第二十条第(六)项", "第二十条第(八)项",
                          "本年制发件数", "本年新制作数量", "现行有效件数", "对外公开总数量"),
    "applications": ("勾稽关系", "申请人情况", "本年新收政府信息公开申请数量", "本年新收"),
    "review_litigation": ("未经复议直接起诉", "复议后起诉"),
}
# Header words printed just before a table's anchor that still belong to the table
# (the review table's two-level header opens with 行政复议 | 行政诉讼 | 结果维持 …).
TABLE_LEAD_WORDS: dict[str, tuple[str, ...]] = {
    "active_disclosure": ("信息内容",),
    "applications": ("申请人情况",),
    "review_litigation": ("行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"),
}
# Row labels numbered like headings ("一、本年新收…", "四、结转下年度继续办理"): inside a table
# they do not end it.
TABLE_ROW_HEADS = ("本年新收", "上年结转", "本年度办", "结转下年", "办理结果")

# Column headers some PDF→markdown converters invent for a table they split per row
# ("数据1", "数据2" …): not the report's words, and never a number.
PLACEHOLDER_HEADERS = ("数据", "列", "Column", "column", "Col", "col")

# Cell text that means "no number here".
ABSENT_MARKERS = ("/", "／", "—", "——", "-", "--", "－", "无", "空", "×", "\\")


def all_cells(template: str) -> list[tuple[str, str, str]]:
    """Every (table, row, column) key the template defines, in print order."""
    spec = TEMPLATES[template]
    return [(t.key, r.key, c) for t in spec.tables.values() for r in t.rows for c in r.columns]


def review_rows() -> tuple[str, ...]:
    return tuple(r.key for r in REVIEW_LITIGATION.rows)


def result_rows(template: str) -> list[str]:
    """The rows that add up to ``total_processed`` (the 办理结果 rows)."""
    table = TEMPLATES[template].tables["applications"]
    skip = {"new_received", "carried_over", "total_processed", "carried_forward"}
    return [r.key for r in table.rows if r.key not in skip]


# The figures a one-screen summary of a report shows, in order.
KEY_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("applications", "new_received", "total"),
    ("applications", "carried_over", "total"),
    ("applications", "total_processed", "total"),
    ("applications", "carried_forward", "total"),
    ("review_litigation", "review", "total"),
    ("review_litigation", "litigation_direct", "total"),
    ("review_litigation", "litigation_after_review", "total"),
    ("active_disclosure", "normative_documents", "issued"),
    ("active_disclosure", "normative_documents", "new_made"),
    ("active_disclosure", "licensing", "decisions"),
    ("active_disclosure", "penalty", "decisions"),
    ("active_disclosure", "coercion", "decisions"),
)


def cell_label(template: str, table: str, row: str, column: str) -> str:
    """The official Chinese label of one cell, e.g. "本年新收政府信息公开申请数量·总计"."""
    spec = TEMPLATES.get(template) or TEMPLATES[TEMPLATE_2021]
    tbl = spec.tables[table]
    try:
        row_label = tbl.row(row).label
    except KeyError:
        row_label = RESULT_GROUPS[row][0] if row in RESULT_GROUPS else row
    row_label = row_label.split("、", 1)[-1] if row_label[:1] in "一二三四" else row_label
    if row in {r.key for r in tbl.rows}:
        spec_row = tbl.row(row)
        return f"{spec_row.name or row_label}·{spec_row.column_label(tbl.column(column))}"
    return f"{row_label}·{tbl.column(column).label}"
