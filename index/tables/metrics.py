"""The metric catalogue: every template cell plus a few derived figures, with names users say.

The catalogue is built from :data:`parsing.template.TEMPLATES`, the one template
definition: every (table, row, column) cell becomes a :class:`Metric` whose key is
``table.row.column`` (``applications.new_received.total``) and whose SQL reads one column
of the wide ``metrics`` table (:func:`index.tables.store.metric_name`).  A short list of derived
metrics adds sums and shares users ask for (all lawsuits, all refusals, the share of
requests granted).  Names and synonyms come from the template's labels and ``synonyms``
tuples; a synonym that every part of a sum shares names the sum (诉讼 names both lawsuit
rows, so it names ``review_litigation.litigation.total``).

Two metrics with different keys never add up: a cell that only one template has (本年制发件数
in 2021, 本年新制作数量 in 2019) lists the other template's cells of its row as
``counterparts``, which the query layer names in its warning instead of mixing them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.tables.store import metric_name
from parsing.errors import GongkaiError
from parsing.meta import to_simplified
from parsing.template import RESULT_GROUPS, TEMPLATES, Column, Row

Cell = tuple[str, str, str]

# Prefer these columns when a question names a row but no column, in this order.
DEFAULT_COLUMNS = ("total", "decisions")
# A row label's numbering: 一、 (一) 1. 2、
_NUMBERING = re.compile(r"^\s*(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.．、])\s*")


@dataclass(frozen=True)
class Metric:
    """One figure a query can ask for.

    ``sql`` is an expression over ``metrics`` columns that is NULL when the report lacks
    any cell it needs (absent is never 0).  A share (``kind == "share"``) also keeps its
    numerator and denominator so that a sum over reports pools them instead of adding
    percentages.  ``templates`` lists the templates whose reports carry the metric; its
    values are comparable across exactly those templates.
    """

    key: str
    zh: str
    en: str
    synonyms: tuple[str, ...]
    unit: str
    templates: tuple[str, ...]
    sql: str
    columns: tuple[str, ...]
    cells: tuple[Cell, ...]
    kind: str = "cell"  # cell | sum | share
    numerator: str | None = None
    denominator: str | None = None
    counterparts: tuple[str, ...] = ()
    # A share's parts as metric keys (numerator terms, denominator) and its definition in words.
    numerator_keys: tuple[str, ...] = ()
    denominator_key: str | None = None
    definition_zh: str = ""
    definition_en: str = ""

    @property
    def table(self) -> str:
        return self.key.split(".")[0]

    @property
    def comparable_with(self) -> tuple[str, ...]:
        """Templates whose values of this metric mean the same thing and may be added."""
        return self.templates

    @property
    def present_sql(self) -> str:
        """True when the report has every cell the metric needs (a share may still divide by 0)."""
        if self.kind == "share":
            return f"({self.numerator} IS NOT NULL AND {self.denominator} IS NOT NULL)"
        return f"({self.sql} IS NOT NULL)"

    def name(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


class UnknownMetric(GongkaiError):
    """A metric key that the catalogue does not define."""

    def __init__(self, key: str, close: list[str]) -> None:
        hint = f" Did you mean {', '.join(close)}?" if close else " See index.tables.metrics.catalogue() for the keys."
        super().__init__(f"No metric {key!r} in the catalogue.{hint}")
        self.key = key
        self.close = close


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def strip_numbering(label: str) -> str:
    """``(三)不予公开`` → ``不予公开``; ``1.属于国家秘密`` → ``属于国家秘密``."""
    return _NUMBERING.sub("", label).strip()


def _row_name(row: Row) -> str:
    name = row.name or strip_numbering(row.label)
    if row.parent:
        return f"{strip_numbering(RESULT_GROUPS[row.parent][0])}·{name}"
    return name


def _row_en(row: Row) -> str:
    if row.parent:
        return f"{RESULT_GROUPS[row.parent][2]}: {row.en}"
    return row.en


def _unique(items: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def _row_phrases(row: Row) -> tuple[str, ...]:
    """What a user may call a row: its label (with and without numbering), match phrases, synonyms, English."""
    bare = strip_numbering(row.label)
    phrases = [row.label, bare, *row.match, *row.synonyms, row.en]
    if row.parent:
        group = strip_numbering(RESULT_GROUPS[row.parent][0])
        phrases += [f"{group}·{bare}", f"{bare}{group}"]
        # "其他" alone under a group names nothing in particular.
        if len(bare) <= 2:
            phrases.remove(bare)
    if "·" in bare:
        phrases += bare.split("·")[1:]
    return _unique(phrases)


def _column_phrases(column: Column) -> tuple[str, ...]:
    return _unique([column.label, *column.synonyms, column.en])


# ---------------------------------------------------------------------------
# Building the catalogue
# ---------------------------------------------------------------------------


@dataclass
class _RowInfo:
    """A row key across templates: its Row per template and its columns per template."""

    table: str
    key: str
    rows: dict[str, Row]
    columns: dict[str, dict[str, Column]]  # template -> column key -> Column

    @property
    def any_row(self) -> Row:
        return next(iter(self.rows.values()))

    def templates_with(self, column: str) -> tuple[str, ...]:
        return tuple(t for t, cols in self.columns.items() if column in cols)


def _rows() -> dict[tuple[str, str], _RowInfo]:
    found: dict[tuple[str, str], _RowInfo] = {}
    for template_key, template in TEMPLATES.items():
        for table in template.tables.values():
            for row in table.rows:
                info = found.setdefault((table.key, row.key), _RowInfo(table.key, row.key, {}, {}))
                info.rows[template_key] = row
                info.columns[template_key] = {c: table.column(c) for c in row.columns}
    return found


def _cell_metric(info: _RowInfo, column_key: str) -> Metric:
    templates = info.templates_with(column_key)
    row = info.rows[templates[0]]
    column = info.columns[templates[0]][column_key]
    cell = (info.table, info.key, column_key)
    name = metric_name(*cell)
    # The same row's columns that only the other templates have: similar, never comparable.
    mine = {c for t in templates for c in info.columns[t]}
    counterparts = [
        f"{info.table}.{info.key}.{c}"
        for t, cols in info.columns.items() if t not in templates
        for c in cols if c not in mine
    ]
    return Metric(
        key=".".join(cell),
        zh=f"{_row_name(row)}·{row.column_label(column)}",
        en=f"{_row_en(row)}, {column.en}",
        synonyms=(),
        unit=column.unit,
        templates=templates,
        sql=name,
        columns=(name,),
        cells=(cell,),
        counterparts=_unique(counterparts),
    )


def _sum_sql(columns: list[str]) -> str:
    # "+" keeps NULL when any part is absent: a partial sum would pass for a whole one.
    return "(" + " + ".join(columns) + ")"


def _group_metrics(rows: dict[tuple[str, str], _RowInfo]) -> list[Metric]:
    """All refusals, all 无法提供, all 不予处理, all 其他处理: the sub-rows of each group added up.

    A template that prints the group as one row (2019's 其他处理) contributes that row.
    """
    made = []
    for group, (label, short, en) in RESULT_GROUPS.items():
        by_template: dict[str, list[_RowInfo]] = {}
        for info in rows.values():
            for template_key, row in info.rows.items():
                if info.table == "applications" and (row.parent == group or row.key == group):
                    by_template.setdefault(template_key, []).append(info)
        if not by_template:
            continue
        some = next(iter(by_template.values()))[0]
        for column_key, column in next(iter(some.columns.values())).items():
            parts, cells, columns = [], [], []
            for infos in by_template.values():
                part_cells = [(i.table, i.key, column_key) for i in infos]
                part_columns = [metric_name(*c) for c in part_cells]
                parts.append(part_columns[0] if len(part_columns) == 1 else _sum_sql(part_columns))
                cells += part_cells
                columns += part_columns
            # Each report follows one template, so at most one part is not NULL.
            parts = list(_unique(parts))
            sql = parts[0] if len(parts) == 1 else f"COALESCE({', '.join(parts)})"
            made.append(Metric(
                key=f"applications.{group}.{column_key}",
                zh=f"{strip_numbering(label)}·{column.label}",
                en=f"{en}, {column.en}",
                synonyms=_unique([label, short, en]),
                unit=column.unit,
                templates=tuple(by_template),
                sql=sql,
                columns=_unique(columns),
                cells=tuple(dict.fromkeys(cells)),
                kind="sum",
            ))
    return made


@dataclass(frozen=True)
class _DerivedSum:
    """Rows of one table added up, e.g. the two lawsuit rows of the review table."""

    table: str
    key: str
    rows: tuple[str, ...]
    en: str


@dataclass(frozen=True)
class _DerivedShare:
    """A rate in per cent: the sum of some metrics over another metric, each named by its key.

    The parts may be template cells, group sums or derived sums (all lawsuits), in any
    column; ``parts_zh`` / ``parts_en`` name the numerator terms and the denominator in the
    definition shown with every value (公开率 = (予以公开 + 部分公开) / 办理结果总计).
    """

    key: str  # table.row.column of the share
    numerator: tuple[str, ...]
    denominator: str
    zh: str
    en: str
    synonyms: tuple[str, ...]
    parts_zh: tuple[str, ...]
    parts_en: tuple[str, ...]


# NOTE: the template gives no words for rates, so their names live here (keys in English,
# names shown to users); the lead may move them into parsing/template.py.
DERIVED_SUMS = (
    _DerivedSum("review_litigation", "litigation", ("litigation_direct", "litigation_after_review"),
                "lawsuits (direct and after reconsideration)"),
)
DERIVED_SHARES = (
    _DerivedShare("applications.granted_share.total",
                  ("applications.granted.total", "applications.partially_granted.total"),
                  "applications.total_processed.total",
                  "公开率", "disclosure rate",
                  ("予以公开和部分公开占办理总数比例", "答复公开率", "依申请公开率", "信息公开率", "公开比例", "公开占比",
                   "公开的比例", "同意公开率", "share granted", "grant rate", "share of requests granted",
                   "share of requests granted in full or in part", "disclosure ratio", "rate of disclosure"),
                  ("予以公开", "部分公开", "办理结果总计"), ("granted in full", "granted in part", "total processed")),
    _DerivedShare("applications.denied_share.total", ("applications.denied.total",),
                  "applications.total_processed.total",
                  "不予公开率", "refusal rate",
                  ("不予公开占办理总数比例", "拒绝公开率", "不公开率", "拒绝率", "不予公开比例", "不予公开占比",
                   # Longer than 公开的比例 (the 公开率's name), so that they win inside these words.
                   "不予公开的比例", "不公开的比例", "拒绝公开的比例", "未予公开的比例", "没有公开的比例", "不公开比例",
                   "拒绝公开比例", "不予以公开的比例",
                   "share refused", "share of requests refused", "refusal ratio", "denial rate", "rejection rate"),
                  ("不予公开", "办理结果总计"), ("refused", "total processed")),
    _DerivedShare("review_litigation.review_corrected_share.total", ("review_litigation.review.corrected",),
                  "review_litigation.review.total",
                  "复议纠错率", "reconsideration correction rate",
                  ("行政复议纠错率", "纠错率", "复议纠正率", "复议被纠错率", "复议纠错比例", "复议纠正比例",
                   "reconsideration reversal rate", "review correction rate", "correction rate"),
                  ("行政复议结果纠正", "行政复议总计"), ("reconsiderations corrected", "reconsiderations in total")),
    _DerivedShare("review_litigation.litigation_corrected_share.total", ("review_litigation.litigation.corrected",),
                  "review_litigation.litigation.total",
                  "诉讼败诉率", "rate of lawsuits lost",
                  # No "loss": English word forms would turn an unlinked "lose" into it.
                  ("行政诉讼败诉率", "败诉率", "败诉比例", "诉讼纠错率", "诉讼纠正率", "被告败诉率",
                   "share of lawsuits lost", "litigation correction rate", "lawsuit correction rate"),
                  ("行政诉讼结果纠正(直接起诉+复议后起诉)", "行政诉讼总计(直接起诉+复议后起诉)"),
                  ("lawsuits corrected (direct and after reconsideration)",
                   "lawsuits in total (direct and after reconsideration)")),
)


# Words that ask for a share of something (qa.rates): with the parts of a rate named (拒绝的比例,
# 复议被纠正的比例, "(予以公开+部分公开)/办结", "what share … were refused") they name that rate.
RATE_WORDS = (
    "比例", "占比", "比率", "比重", "百分之几", "百分比", "百分之多少", "几成", "所占", "占多少", "/", "÷", "除以",
    "share", "proportion", "percentage", "percent", "per cent", "fraction", "ratio", "what part", "rate",
)


@dataclass(frozen=True)
class Meaning:
    """Everyday words that choose a row, a column or a unit by what they mean.

    The template holds the official labels; these are the words people ask with (拒绝 for
    不予公开, 有效 for 现行有效, 花了多少钱 for a 万元 column).  ``kind`` is ``"row"`` (target
    ``table.row``: a concept of the catalogue), ``"column"`` (target ``table.column``) or
    ``"unit"`` (target a unit: the matched row's columns in that unit).  A word declared for
    two rows (结转) names both: the answer shows each reading.
    """

    kind: str
    targets: tuple[str, ...]
    words: tuple[str, ...]


MEANINGS: tuple[Meaning, ...] = (
    Meaning("row", ("applications.denied",), (
        "拒绝", "拒绝公开", "被拒", "驳回", "不公开", "不予以公开", "没有公开", "没公开", "未予公开", "未公开",
        "refusal", "refusals", "rejected", "rejection", "rejections", "denied", "denial", "denials",
        "turned down", "declined", "withheld")),
    Meaning("row", ("applications.granted",), (
        "全部予以公开", "grant in full", "fully granted", "grant", "approved", "approve", "in full", "fully disclosed",
        "disclosed in full", "full disclosure")),
    Meaning("row", ("applications.partially_granted",), (
        "部分同意", "部分予以公开", "partly grant", "partly granted", "partially grant", "grant in part",
        "partial disclosure", "partially disclosed", "partly disclosed", "disclosed in part", "disclosed partially",
        "partially released", "released in part", "partly released", "partial release", "partially approved",
        "partly approved", "partially open", "in part")),
    # The sub-rows of 不予公开 / 无法提供 / 不予处理 / 其他处理 as an analyst writes them in English.
    Meaning("row", ("applications.denied.state_secret",), (
        "state secrets", "classified as secret", "secret information")),
    Meaning("row", ("applications.denied.prohibited_by_law",), (
        "prohibited by law", "forbidden by law", "barred by law", "banned by law", "prohibited by laws",
        "prohibited by other laws and regulations")),
    Meaning("row", ("applications.denied.security_stability",), (
        "national security", "public security", "economic security", "social stability", "endangering security",
        "threaten stability")),
    Meaning("row", ("applications.denied.third_party",), (
        "third party", "third-party", "third parties", "third-party rights", "rights of third parties",
        "third-party interests")),
    Meaning("row", ("applications.denied.internal_affairs",), (
        "internal affairs information", "internal matters", "internal management", "internal administrative affairs",
        "internal information", "three kinds of internal affairs")),
    Meaning("row", ("applications.denied.process_information",), (
        "process information", "process-related information", "procedural information", "deliberative information",
        "deliberations", "drafts", "draft documents", "in-process information", "four kinds of process information")),
    Meaning("row", ("applications.denied.enforcement_files",), (
        "enforcement files", "law enforcement files", "administrative enforcement files")),
    Meaning("row", ("applications.denied.administrative_query",), (
        "administrative queries", "administrative query", "administrative enquiries", "administrative enquiry",
        "administrative inquiries", "query matters", "inquiry matters", "enquiry matters")),
    Meaning("row", ("applications.unavailable.needs_compilation",), (
        "另行制作", "需要制作", "重新制作", "没有现成", "did not exist", "does not exist", "didn't exist", "not exist",
        "would have to be created", "have to be created", "had to be created", "need to be created",
        "needs to be created", "would have to be compiled", "need to be compiled", "needs to be compiled",
        "had to be compiled", "would need to be produced", "have to be produced", "not readily available",
        "no ready-made", "not ready-made", "newly compiled", "compiled from scratch", "created from scratch")),
    Meaning("row", ("applications.unavailable.unclear",), (
        "still unclear", "remained unclear", "remain unclear", "unclear", "still not clear",
        "too vague")),
    Meaning("row", ("applications.not_processed",), (
        "不处理", "不予受理", "declined to process", "not processed",
        "not handled", "did not deal with")),
    Meaning("row", ("applications.not_processed.complaint",), (
        "信访", "投诉举报", "petition", "petitions", "petitions or complaints", "petitions and complaints",
        "complaints or petitions", "complaints and reports", "letters and visits", "reports and complaints",
        "complaint-type", "whistleblowing")),
    Meaning("row", ("applications.not_processed.duplicate",), (
        "重复提交", "重复申请", "duplicate", "duplicates", "duplicated", "repeat requests", "repeat applications",
        "repeated requests", "duplicate applications", "submitted again")),
    Meaning("row", ("applications.not_processed.publication",), (
        "出版物", "published materials", "public publications", "printed publications")),
    Meaning("row", ("applications.not_processed.excessive",), (
        "大量反复", "excessive", "excessively", "vexatious", "abusive", "mass requests", "large number of repeated",
        "repeatedly without good reason", "without good reason")),
    Meaning("row", ("applications.not_processed.confirm_or_reissue",), (
        "重新出具", "confirm or reissue", "reissue", "re-issue", "reissued", "confirmation of information",
        "confirm information already obtained")),
    Meaning("row", ("applications.other.no_amendment",), (
        "不补正", "逾期未补正", "did not amend", "failed to amend", "did not supplement", "failed to supplement",
        "no amendment", "not amended in time")),
    Meaning("row", ("applications.other.unpaid_fee",), (
        "不交费", "未缴费", "did not pay", "failed to pay", "unpaid fee", "unpaid fees", "fee not paid",
        "fees not paid", "did not pay the fee")),
    # Both rows at once: 予以公开 and 部分公开 (shown side by side; with a share word, the 公开率).
    Meaning("row", ("applications.granted", "applications.partially_granted"), (
        "全部或部分公开", "全部或部分予以公开", "予以公开加部分公开", "予以公开和部分公开", "予以公开+部分公开",
        "予以公开及部分公开", "fully or partly", "in whole or in part", "in full or in part", "fully or partially",
        "wholly or partly", "in full or partly")),
    Meaning("row", ("applications.carried_over",), (
        "结转过来", "去年结转", "上一年结转", "上年度结转", "从上年", "上年遗留", "遗留", "转过来",
        "承接上一年度", "承接上年度", "承接上年", "上一年度结转", "上一年度转来", "上年转来", "上年度转来", "去年转来",
        "去年留下", "上年留下",
        "brought forward", "left over from last year", "left over from the previous year",
        "from the previous year", "carried into this year", "carried over from", "pending from last year")),
    Meaning("row", ("applications.carried_forward",), (
        "结转到下一年", "结转到下年", "结转至下年", "结转到明年", "留到下一年", "留到下年", "留到明年",
        "留待下年", "下年度继续办理", "继续办理", "没办完", "未办完", "未办结", "尚未办结", "还没办完", "没有办结",
        "没办结", "转入下年度", "转入下一年度", "转入下一年", "转入下年", "转到下一年", "转到下年", "转入明年", "转到明年",
        "转下年", "下一年度继续办理", "下年继续办", "继续办", "跨年办理",
        "carried into next year", "carried forward into", "carried into", "carry into", "rolled over into",
        "rolled over", "unfinished", "still open",
        "left for next year", "still being handled", "still being processed", "not yet handled")),
    # 结转 alone: from last year or into next year; both are shown.
    Meaning("row", ("applications.carried_over", "applications.carried_forward"), ("结转",)),
    Meaning("row", ("applications.unavailable",), (
        "不能提供", "提供不了", "没法提供", "无从提供", "cannot be provided", "could not be provided",
        "can't be provided", "couldn't be provided", "not be provided", "unable to be provided")),
    Meaning("row", ("applications.unavailable.not_held",), (
        "没有这个信息", "没有该信息", "没有这项信息", "没有相关信息", "不掌握相关信息", "手里没有", "信息不存在",
        "did not hold", "does not hold", "didn't hold", "doesn't hold", "not hold", "do not hold", "not held",
        "did not have the information", "does not have the information", "doesn't have the information",
        "information does not exist")),
    Meaning("row", ("applications.total_processed",), (
        "办完", "办完了", "处理完", "处理完毕", "答复了", "作出答复", "finish handling", "finished handling",
        "finished processing", "finished", "completed", "dealt with", "responded to", "answered")),
    Meaning("row", ("review_litigation.litigation_direct",), (
        "直接告", "直接打官司", "没经过复议", "不经复议", "filed directly", "sued directly", "directly in court",
        "without reconsideration", "direct lawsuits", "lawsuits filed directly")),
    Meaning("row", ("review_litigation.litigation_after_review",), (
        "复议后又起诉", "复议后再起诉", "复议之后起诉", "复议以后起诉", "复议后提起诉讼", "经复议后起诉",
        "after reconsideration", "following reconsideration", "after a reconsideration",
        "after administrative reconsideration", "following administrative reconsideration",
        "after an administrative reconsideration", "after administrative review", "after review",
        "after a reconsideration decision", "followed a reconsideration")),
    Meaning("row", ("active_disclosure.penalty",), (
        "罚了", "处罚了", "罚款决定", "fined", "penalised", "penalized", "sanctioned")),
    Meaning("row", ("active_disclosure.coercion",), (
        "强制措施", "强制执行", "采取强制", "查封", "扣押", "enforcement measures", "coercive")),
    Meaning("column", ("active_disclosure.in_force",), (
        "有效", "现行", "仍然有效", "仍有效", "还有效", "在用", "生效", "还在生效", "仍在生效", "正在生效", "有效的",
        "still in force", "in effect", "valid", "currently valid", "effective", "still valid", "currently in force")),
    Meaning("column", ("active_disclosure.decisions",), ("决定", "decision", "decisions made")),
    Meaning("column", ("active_disclosure.repealed",), (
        "作废", "取消", "废除", "废掉", "废了", "repealed", "abolished", "revoked", "rescinded", "annulled")),
    Meaning("column", ("active_disclosure.issued",), (
        "发布", "新出台", "新发", "新发了", "新印发", "新制发", "新制定", "发了", "出台了", "adopted", "enacted",
        "newly issued", "new ones", "put out")),
    # "issue" a document or a decision: either column, whichever the row has.
    Meaning("column", ("active_disclosure.issued", "active_disclosure.decisions"), ("issued", "issue", "issues")),
    # A lawsuit or reconsideration decided against the agency (败诉率 = 结果纠正 / 总计).
    Meaning("column", ("review_litigation.corrected",), (
        "败诉", "被纠正", "被纠错", "纠错", "结果被纠正", "结果纠正", "overturned", "reversed", "corrected", "lost",
        "lose")),
    Meaning("column", ("review_litigation.pending",), (
        "没审结", "没有审结", "还没审结", "未结案", "没结案", "还在审", "审理中", "没判", "还没判",
        "没判下来", "还没判下来", "没有判决", "尚未判决", "未判决", "还没结案", "悬而未决", "在审",
        "still pending", "undecided", "unresolved", "not yet decided", "open cases", "not yet ruled",
        "awaiting judgment", "awaiting a ruling", "still undecided", "yet to be decided")),
    Meaning("column", ("applications.natural_person",), (
        "老百姓", "市民", "个人申请", "普通群众", "private individuals", "individual", "members of the public",
        "residents", "private persons", "individuals", "citizens", "natural persons", "ordinary people",
        "private citizens")),
    Meaning("column", ("applications.commercial",), (
        "公司", "企业法人", "firms", "company", "business", "enterprise", "enterprises", "corporate", "corporations",
        "commercial", "commercial firms", "private companies", "businesses")),
    Meaning("column", ("applications.other_org",), (
        "other organisations", "other organizations", "other bodies", "other entities", "other institutions")),
    Meaning("column", ("applications.research",), (
        "科研院所", "研究机构", "高校", "大学", "universities", "research", "researchers")),
    Meaning("column", ("applications.legal_service",), ("律师事务所", "law firms", "attorneys", "lawyer")),
    Meaning("column", ("applications.social_welfare",), (
        "公益", "非营利", "ngo", "ngos", "charities", "charity", "non-profits", "nonprofits")),
    Meaning("unit", ("万元",), (
        "花了多少钱", "花了多少", "多少钱", "花费", "花销", "支出", "开支", "经费", "金额", "多少万", "万元", "钱",
        "money", "spent", "spend", "spending", "cost", "costs", "amount", "yuan", "how much money")),
)


# Words that name what a table counts rather than one of its rows: 申请 / requests are the
# requests received when nothing else is named, and only the object of the sentence when
# another row is (拒绝了多少申请, requests carried over).
TABLE_NOUNS: dict[str, tuple[str, ...]] = {
    "applications": ("申请", "申请数", "申请数量", "申请件数", "公开申请", "信息公开申请", "政府信息公开申请", "依申请公开",
                     "requests", "request", "applications", "application", "disclosure requests",
                     "disclosure applications"),
}


def _common_prefix(labels: list[str]) -> str:
    heads = {label.split("·")[0] for label in labels}
    return heads.pop() if len(heads) == 1 and all("·" in label for label in labels) else ""


def _shared_synonyms(rows: list[Row]) -> tuple[str, ...]:
    shared = set(rows[0].synonyms)
    for row in rows[1:]:
        shared &= set(row.synonyms)
    return tuple(s for s in rows[0].synonyms if s in shared)


def _derived_sums(rows: dict[tuple[str, str], _RowInfo]) -> list[Metric]:
    made = []
    for spec in DERIVED_SUMS:
        infos = [rows[(spec.table, r)] for r in spec.rows]
        parts = [i.any_row for i in infos]
        zh = _common_prefix([p.label for p in parts]) or "+".join(strip_numbering(p.label) for p in parts)
        synonyms = _unique([zh, *_shared_synonyms(parts), spec.en])
        for column_key, column in next(iter(infos[0].columns.values())).items():
            cells = tuple((spec.table, r, column_key) for r in spec.rows)
            columns = tuple(metric_name(*c) for c in cells)
            templates = tuple(t for t in TEMPLATES if all(column_key in i.columns.get(t, {}) for i in infos))
            made.append(Metric(
                key=f"{spec.table}.{spec.key}.{column_key}", zh=f"{zh}·{column.label}",
                en=f"{spec.en}, {column.en}", synonyms=synonyms, unit=column.unit, templates=templates,
                sql=_sum_sql(list(columns)), columns=columns, cells=cells, kind="sum",
            ))
    return made


def _definition(terms: tuple[str, ...], base: str) -> str:
    top = " + ".join(terms)
    return f"({top}) / {base}" if len(terms) > 1 else f"{top} / {base}"


def _derived_shares(by_key: dict[str, Metric]) -> list[Metric]:
    made = []
    for spec in DERIVED_SHARES:
        numerators = [by_key[k] for k in spec.numerator]
        denominator = by_key[spec.denominator]
        parts = [*numerators, denominator]
        numerator = _sum_sql([m.sql for m in numerators]) if len(numerators) > 1 else numerators[0].sql
        templates = tuple(t for t in TEMPLATES if all(t in m.templates for m in parts))
        made.append(Metric(
            key=spec.key, zh=spec.zh, en=spec.en,
            synonyms=_unique([spec.zh, *spec.synonyms, spec.en]), unit="%", templates=templates,
            sql=f"(100.0 * {numerator} / NULLIF({denominator.sql}, 0))",
            columns=_unique([c for m in parts for c in m.columns]),
            cells=tuple(dict.fromkeys(c for m in parts for c in m.cells)),
            kind="share", numerator=numerator, denominator=denominator.sql,
            numerator_keys=spec.numerator, denominator_key=spec.denominator,
            definition_zh=f"{spec.zh} = {_definition(spec.parts_zh[:-1], spec.parts_zh[-1])}",
            definition_en=f"{spec.en} = {_definition(spec.parts_en[:-1], spec.parts_en[-1])}",
        ))
    return made


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Metric]:
    """Every metric by key: template cells first (print order), then derived metrics."""
    rows = _rows()
    by_key: dict[str, Metric] = {}
    for info in rows.values():
        for column_key in _unique([c for cols in info.columns.values() for c in cols]):
            metric = _cell_metric(info, column_key)
            by_key[metric.key] = metric
    for metric in _group_metrics(rows) + _derived_sums(rows):
        # 2019's single 其他处理 row becomes part of the group metric of the same key.
        by_key[metric.key] = metric
    for metric in _derived_shares(by_key):
        by_key[metric.key] = metric
    return by_key


def get(key: str) -> Metric:
    """The metric of ``key``; :class:`UnknownMetric` (with close keys) when there is none."""
    metrics = catalogue()
    if key in metrics:
        return metrics[key]
    import difflib

    raise UnknownMetric(key, difflib.get_close_matches(key, list(metrics), n=3, cutoff=0.6))


# ---------------------------------------------------------------------------
# Finding metrics in text
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Concept:
    """A row (or a derived row) as users name it, with the metrics of each of its columns."""

    key: str  # table.row
    by_column: dict[str, tuple[str, ...]]  # column key -> metric keys
    defaults: tuple[str, ...]  # metric keys when no column is named


def normalize(text: str) -> str:
    """Simplified script, lower case, ASCII parentheses, single spaces."""
    text = to_simplified(text).lower().replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", " ", text).strip()


def _defaults(by_column: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    for column in DEFAULT_COLUMNS:
        if column in by_column:
            return by_column[column]
    # No total: the first column of each template (本年制发件数 and 本年新制作数量).
    metrics = catalogue()
    firsts: list[str] = []
    for template in TEMPLATES:
        for keys in by_column.values():
            hit = [k for k in keys if template in metrics[k].templates]
            if hit:
                firsts += hit
                break
    return _unique(firsts)


@lru_cache(maxsize=1)
def phrase_table() -> tuple[list[tuple[str, str, str]], dict[str, Concept]]:
    """(phrase, "row"|"column"|"unit", target) for every name, and the concepts by key."""
    metrics = catalogue()
    concepts: dict[str, dict[str, list[str]]] = {}
    by_concept: dict[str, Concept] = {}
    row_names: dict[str, list[str]] = {}
    for metric in metrics.values():
        concept = metric.key.rsplit(".", 1)[0]
        concepts.setdefault(concept, {}).setdefault(metric.key.rsplit(".", 1)[1], []).append(metric.key)
        if metric.synonyms:
            row_names.setdefault(concept, []).extend(metric.synonyms)
    # Row names from the template; a synonym every part of a derived sum shares names the sum only.
    claimed = {s for names in row_names.values() for s in names}
    for info in _rows().values():
        concept = f"{info.table}.{info.key}"
        for row in info.rows.values():
            row_names.setdefault(concept, []).extend(p for p in _row_phrases(row) if p not in claimed)
    entries: list[tuple[str, str, str]] = []
    for concept, names in row_names.items():
        for phrase in _unique(names):
            entries.append((normalize(phrase), "row", concept))
    for template in TEMPLATES.values():
        for table in template.tables.values():
            for column in table.columns:
                for phrase in _column_phrases(column):
                    entries.append((normalize(phrase), "column", f"{table.key}.{column.key}"))
    for meaning in MEANINGS:
        for target in meaning.targets:
            entries += [(normalize(word), meaning.kind, target) for word in meaning.words]
    for concept, by_column in concepts.items():
        frozen = {c: tuple(keys) for c, keys in by_column.items()}
        by_concept[concept] = Concept(concept, frozen, _defaults(frozen))
    return list(dict.fromkeys(entries)), by_concept


@dataclass(frozen=True)
class PhraseHit:
    start: int
    end: int
    kind: str
    target: str

    @property
    def length(self) -> int:
        return self.end - self.start


def _occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    if phrase not in text:  # most phrases are absent: one substring test, no pattern
        return []
    if phrase.isascii():
        # English words match whole words only ("fines" must not match "confines").
        pattern = r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])"
        return [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    found, start = [], text.find(phrase)
    while start >= 0:
        found.append((start, start + len(phrase)))
        start = text.find(phrase, start + 1)
    return found


def _longest(hits: list[PhraseHit]) -> list[PhraseHit]:
    """Longest first; a hit overlapping a longer chosen one is dropped (same span: both kept)."""
    taken: list[PhraseHit] = []
    for hit in sorted(hits, key=lambda h: (-h.length, h.start)):
        overlapping = [t for t in taken if hit.start < t.end and t.start < hit.end]
        if all((t.start, t.end) == (hit.start, hit.end) for t in overlapping):
            taken.append(hit)
    return taken


def phrase_hits(text: str) -> list[PhraseHit]:
    """Row names and column names found in ``text``, in text order.

    Rows compete with rows and columns with columns, longest first; a column name inside
    a chosen row name is part of that name (其他 inside 其他处理), not a column.
    """
    entries, _ = phrase_table()
    found = [
        PhraseHit(start, end, kind, target)
        for phrase, kind, target in entries if phrase
        for start, end in _occurrences(text, phrase)
    ]
    rows = _longest([h for h in found if h.kind == "row"])
    # A unit word (金额, 花了多少钱) competes with column names: both choose a column.
    columns = [
        c for c in _longest([h for h in found if h.kind in ("column", "unit")])
        if not any(r.start <= c.start and c.end <= r.end for r in rows)
    ]
    return sorted(rows + columns, key=lambda h: h.start)


# The outcome rows of table 三 (办理结果): what a request was answered with.
_OUTCOME_ROWS = ("granted", "partially_granted", "denied", "unavailable", "not_processed", "other")


def find_metric(text: str) -> list[tuple[Metric, float]]:
    """Metrics named in ``text``, best first, each with a score (characters matched).

    The longest name wins (复议后起诉 beats 复议); a named column (自然人, 总计) picks the
    row's column, else the row's total, its decisions, or the first column of each template.
    A metric key given as is scores highest.
    """
    metrics = catalogue()
    stripped = text.strip()
    if stripped in metrics:
        return [(metrics[stripped], float(len(stripped)))]
    normalized = normalize(text)
    _, concepts = phrase_table()
    hits = phrase_hits(normalized)
    columns = [h for h in hits if h.kind == "column"]
    units = [h for h in hits if h.kind == "unit"]
    scored: dict[str, float] = {}
    order: dict[str, int] = {}
    for hit in hits:
        if hit.kind != "row":
            continue
        concept = concepts[hit.target]
        table = hit.target.split(".")[0]
        named = [c for c in columns if c.target.startswith(table + ".")
                 and c.target.split(".", 1)[1] in concept.by_column]
        by_unit = [(u, column) for u in units for column, keys in concept.by_column.items()
                   if any(metrics[k].unit == u.target for k in keys)]
        if named:
            keys = [k for c in named for k in concept.by_column[c.target.split(".", 1)[1]]]
            # A money word beside a named column (采购的项目数和花费): its 万元 column as well.
            keys += [k for _, column in by_unit for k in concept.by_column[column] if k not in keys]
            score = hit.length + max(c.length for c in named)
        elif by_unit:
            # 花了多少钱 under a row with a 万元 column: that column, whatever its label.
            keys = [k for _, column in by_unit for k in concept.by_column[column]]
            score = hit.length + max(u.length for u, _ in by_unit)
        else:
            keys, score = list(concept.defaults), hit.length
        for key in keys:
            if score > scored.get(key, -1.0):
                scored[key] = float(score)
                order.setdefault(key, hit.start)
    # An act of handling said of an outcome ("answered with partial disclosure", 以部分公开答复了):
    # the outcome is meant, not 办理结果总计 — unless the total is named by its own label.
    handling = {normalize(w) for m in MEANINGS if m.targets == ("applications.total_processed",) for w in m.words}
    totals = [h for h in hits if h.kind == "row" and h.target == "applications.total_processed"]
    if totals and all(normalized[h.start:h.end] in handling for h in totals) and any(
            k.split(".")[0] == "applications" and k.split(".")[1] in _OUTCOME_ROWS for k in scored):
        for key in [k for k in scored if k.startswith("applications.total_processed.")]:
            del scored[key]
    # A sum named together with one of its parts (国家秘密 … 不予公开): the part is meant.
    for key in [k for k in scored if metrics[k].kind == "sum"]:
        cells = set(metrics[key].cells)
        if any(o != key and set(metrics[o].cells) < cells for o in scored):
            del scored[key]
    # A rate named with one of its parts (行政复议的纠错率, 办结中的公开率): the rate is meant.
    for key in [k for k in scored if metrics[k].kind == "share"]:
        share = metrics[key]
        for part in (*share.numerator_keys, share.denominator_key):
            if part in scored and part != key and order[part] != order[key]:
                del scored[part]
    ranked = sorted(scored, key=lambda k: (-scored[k], order[k]))
    return [(metrics[k], scored[k]) for k in ranked]


@dataclass(frozen=True)
class Span:
    """A name found in a text: where, what it names (a row concept or a table column) and the words."""

    start: int
    end: int
    kind: str  # "row" (target "table.row") | "column" (target "table.column") | "unit" (target a unit)
    target: str
    text: str


def find_metric_spans(text: str) -> list[Span]:
    """The row and column names :func:`find_metric` reads in ``text``, in text order.

    Offsets are into :func:`normalize` ``(text)``.
    """
    normalized = normalize(text)
    return [Span(h.start, h.end, h.kind, h.target, normalized[h.start:h.end]) for h in phrase_hits(normalized)]


def metric_names() -> list[tuple[str, str, str]]:
    """Every (normalized name, "row"|"column"|"unit", target) the catalogue answers to."""
    return list(phrase_table()[0])
