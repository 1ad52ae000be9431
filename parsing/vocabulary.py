"""Word lists the narrative steps read (headings, site chrome, metadata, stated figures).

The template's own labels and header phrases live in :mod:`parsing.template`; everything
else the parser recognises by its words is declared here, once.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Chinese numerals (read by parsing.sections, index.passages.chunk and the question layer)
# ---------------------------------------------------------------------------

CHINESE_DIGITS: dict[str, int] = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
                                  "六": 6, "七": 7, "八": 8, "九": 9}
CHINESE_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
# The digits numbered headings and items use (一 … 九: never 零 or 两).
HEADING_DIGITS: dict[str, int] = {c: n for c, n in CHINESE_DIGITS.items() if n >= 1 and c != "两"}

# ---------------------------------------------------------------------------
# Headings
# ---------------------------------------------------------------------------

# Words a section title ends with.  When a heading is followed by its text on the same line
# ("一、概述2018年以来…", "五、主要问题和改进措施虽然…"), the title is the longest stretch
# after the numeral that ends with one of them.
TITLE_ENDINGS: tuple[str, ...] = (
    "情况", "概述", "概况", "措施", "事项", "统计表", "问题", "不足", "打算", "方向", "说明", "报告",
)
# The longest section title we accept, in characters.
TITLE_MAX = 40

# ---------------------------------------------------------------------------
# Site chrome: page headers and footers that are not part of the report
# ---------------------------------------------------------------------------

# A line holding one of these is chrome when it is short (see CHROME_LINE_MAX).
CHROME_WORDS: tuple[str, ...] = (
    "版权所有", "主办单位", "承办单位", "协办单位", "网站标识码", "ICP备", "公网安备", "公安备案号",
    "扫一扫在手机上查看当前页面", "扫一扫在手机打开当前页", "打印本页", "关闭窗口", "【打印】", "【关闭】",
    "相关链接", "网站地图", "使用帮助", "联系我们", "隐私保护", "建议您使用", "浏览器版本", "技术支持",
    "当前位置", "分享到", "收藏本页", "字体：", "字号：", "【字体", "附件下载", "文件下载", "全真版",
    "政府网站找错", "网站纠错", "无障碍浏览", "长者模式",
)
# Patterns (regular expressions) of chrome lines that a bare word would over-match.
CHROME_PATTERNS: tuple[str, ...] = (
    r"访问量\s*[:：]\s*\d",
    r"浏览次数\s*[:：]?\s*\d",
    r"^\s*(?:打印|关闭|返回顶部|【?打印】?\s*【?关闭】?)\s*$",
)
# A word each pattern above cannot match without (chrome.py looks for these first).
CHROME_PATTERN_WORDS: tuple[str, ...] = ("访问量", "浏览次数", "打印", "关闭", "返回顶部")
CHROME_LINE_MAX = 120
# The chrome words that open a page's footer: from the first of them after the last section
# heading, the rest of the page is footer (link lists included).  The other chrome words
# only blank their own line ("联系我们" may stand in a report's own contact line).
FOOTER_WORDS: tuple[str, ...] = (
    "版权所有", "主办单位", "承办单位", "网站标识码", "ICP备", "公网安备", "公安备案号", "扫一扫在手机上查看当前页面",
    "扫一扫在手机打开当前页", "打印本页", "关闭窗口", "【打印】", "【关闭】", "相关链接", "网站地图", "附件下载",
)
# Crawler dump headers ("标题: …") before the "==== 正文 ====" rule.
CRAWL_HEADER_KEYS: tuple[str, ...] = ("标题", "发布时间", "文号", "发布机构", "栏目", "原文链接", "本地目录",
                                       "页面链接与图片详见", "来源", "索引号")
CRAWL_BODY_RULE = "正文"
# Chrome a page prints inline before the report ("当前位置： 首页… 相关链接： -->").
INLINE_CHROME_SPANS: tuple[tuple[str, str], ...] = (("当前位置", "相关链接：\\s*(?:-->)?"),)
# Chrome words a crawled body ends with.
TRAILING_CHROME: tuple[str, ...] = ("附件下载", "打印本页", "关闭窗口", "扫一扫在手机上查看当前页面")

# ---------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------

# Labels a page prints before its publication date.
DATE_LABELS: tuple[str, ...] = ("公开日期", "发布日期", "发布时间", "成文日期", "印发日期", "生成日期", "日期")
# "时间：" alone is a date label only where it starts a line or follows a space (来源：… 时间：…).
BARE_DATE_LABEL = "时间"

# Verbs a report's opening sentence glues to the agency's name ("特编制示例市文化局…年度报告").
GLUED_VERBS: tuple[str, ...] = (
    "特编制", "现编制", "编制了", "编制", "特发布", "现发布", "发布", "现公布", "特公布", "公布", "特此", "现将",
    "根据", "按照", "依据", "由",
)
# Verbs that take an office as their object ("建立区府办、司法局…联合会商机制"): a short office
# form ("…区府办") glued to one of them is the verb plus a bare "区", never a place.  None of
# them starts a place name in the gazetteer (checked in tests/test_meta.py).
OFFICE_OBJECT_VERBS: tuple[str, ...] = (
    "建立", "成立", "设立", "组建", "健全", "完善", "依托", "通过", "协调", "督促", "推动", "要求", "指导",
    "牵头", "配合",
)
# Endings of agencies that are zones rather than administrative divisions; the place they
# sit in is found through the gazetteer from the name before the ending.
ZONE_SUFFIXES: tuple[str, ...] = (
    "综合实验区", "综合试验区", "经济技术开发区", "高新技术产业开发区", "高新技术开发区", "高新区",
    "经济开发区", "开发区", "工业园区", "产业园区", "园区", "保税区", "自贸区", "新区", "示范区", "实验区",
    "试验区", "管委会", "管理委员会",
)
# Office words of an agency named without its place ("区统计局", "县人社局").
PLACELESS_PREFIXES: tuple[str, ...] = ("省", "市", "区", "县", "镇", "乡", "旗")
# The one-character level words (区 of 区府办, 县 of 县府办).
LEVEL_CHARS = "".join(PLACELESS_PREFIXES)
# Words that start with a level character but are not "level + office" ("市场监督管理局").
NOT_PLACELESS: tuple[str, ...] = ("市场", "区域", "县域", "乡村", "镇街", "省级", "市级", "县级", "区级", "市政", "市容")
# How a report names its own agency: never an agency name.
SELF_REFERENCES: tuple[str, ...] = ("我", "本", "该")

# Outcome words: a sentence that denies a reconsideration or lawsuit *outcome* ("未发生…被
# 行政复议纠错或行政诉讼败诉情形") says nothing about the number of cases.
OUTCOME_WORDS: tuple[str, ...] = ("纠错", "纠正", "败诉", "撤销", "确认违法", "被改变", "改变原", "责令", "不利")

# ---------------------------------------------------------------------------
# Stated figures (reports on no national template)
# ---------------------------------------------------------------------------

# A local statistics table (before 2019) opens with this header: 指标名称 计量单位 2012年度 历年累计.
LOCAL_TABLE_HEADER = r"指标名称\s*计量\s*单位"
LOCAL_TABLE_COLUMNS = r"\s*(?:(?:19|20)\d{2}\s*年度?)?\s*(?:历年累计|累计)?"
LOCAL_TABLE_UNITS: tuple[str, ...] = ("条", "件", "元", "万元", "人次", "项", "个")
# (field key, words of a local table's row label), first match wins.
LOCAL_TABLE_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("active.website", ("网站公开",)),
    ("active.gazette", ("公报公开",)),
    ("active.published", ("主动公开",)),
    ("requests.in_person", ("当面申请",)),
    ("requests.letter_or_fax", ("信函、传真申请", "信函传真申请")),
    ("requests.fax", ("传真申请",)),
    ("requests.email", ("电子邮件申请",)),
    ("requests.online", ("网上申请",)),
    ("requests.letter", ("信函申请",)),
    ("requests.other_form", ("其它形式申请", "其他形式申请")),
    ("requests.received", ("依申请公开",)),
    ("requests.partially_granted", ("部分公开答复",)),
    ("requests.granted", ("同意公开答复",)),
    ("requests.denied", ("不予公开答复", "否决公开答复")),
    ("requests.other_answer", ("其他类型答复", "其它类型答复")),
    ("requests.answered", ("答复",)),
    ("fees.waived", ("收费减免",)),
    ("complaints.cases", ("举报",)),
    ("review.cases", ("行政复议",)),
    ("litigation.cases", ("行政诉讼",)),
    ("appeals.cases", ("申诉",)),
)
# The national-template metric each stated field answers: a question about the metric asked of a
# pre-2019 report is answered from the figure the report states, marked as not a table cell.
STATED_FIELD_METRICS: dict[str, str] = {
    "requests.received": "applications.new_received.total",
    "requests.granted": "applications.granted.total",
    "requests.partially_granted": "applications.partially_granted.total",
    "review.cases": "review_litigation.review.total",
    "litigation.cases": "review_litigation.litigation.total",
}
# Figures stated in a sentence: (field key, pattern with <value> and <unit> groups).
_N = r"(?P<value>\d+(?:\.\d+)?)\s*"
PROSE_FIGURES: tuple[tuple[str, str], ...] = (
    ("requests.received",
     r"(?:收到|受理|接到)[^，,；;。\d]{0,16}?政府信息公开[^，,；;。\d]{0,8}?申请(?!人)\s*(?:共)?" + _N
     + r"(?P<unit>条|件|份|宗|个)"),
    ("requests.answered", r"答复总数\s*(?:为)?" + _N + r"(?P<unit>条|件|份)"),
    ("active.published",
     r"(?:(?:19|20)\d{2}\s*年度?|全[区县市省]|我[区县市局办委])\s*(?:全[区县市省])?(?:共|累计)?(?:新增)?"
     r"主动公开(?:政府)?信息\s*(?:共)?" + _N + r"(?P<unit>条|件)"),
    ("active.published", r"政府信息总数\s*\d+\s*条[，,]\s*其中主动公开(?:政府)?信息\s*" + _N + r"(?P<unit>条|件)"),
    ("review.cases", r"收到\s*" + _N + r"(?P<unit>份|件|起|宗)[^，,；;。\d]{0,12}?行政复议"),
    ("review.cases", r"行政复议(?:申请|案件)?\s*(?:共)?" + _N + r"(?P<unit>件|起|宗|份)"),
    ("litigation.cases", r"行政诉讼(?:案件)?\s*(?:共)?" + _N + r"(?P<unit>件|起|宗)"),
    ("appeals.cases", r"申诉(?:案件)?\s*(?:共)?" + _N + r"(?P<unit>件|起|宗)"),
)
# Clauses that state a zero: (field key, pattern, unit).  A clause naming an outcome
# (纠错, 败诉 …) is skipped: it says nothing about the number of cases.
PROSE_ZEROS: tuple[tuple[str, str, str], ...] = (
    ("requests.received", r"(?:未|没有)(?:收到|受理|接到)[^，,；;。\d复议诉讼]{0,16}?政府信息公开[^，,；;。\d复议诉讼]{0,6}?申请"
                          r"(?![^，,；;。]*(?:复议|诉讼))", "条"),
    ("review.cases", r"(?:未|没有)(?:收到|发生|受理)[^，,；;。\d]{0,20}?行政复议", "件"),
    ("litigation.cases", r"(?:未|没有)(?:收到|发生|受理)[^，,；;。\d]{0,24}?(?:行政)?诉讼", "件"),
    ("fees.charged", r"暂不收费|不收取(?:任何)?费用|未收取(?:任何)?费用|无收取信息处理费|未收取信息处理费", "元"),
)

# ---------------------------------------------------------------------------
# Place and agency names (read by parsing, index.tables.resolve and qa.names)
# ---------------------------------------------------------------------------

# The office names that end a self-named agency in a report's text (parsing.meta reads an
# agency's name by them; index.tables.level classifies agencies by them).
OFFICE_NAMES: tuple[str, ...] = (
    "人民政府办公厅", "人民政府办公室", "人民政府", "政府办公室", "管理委员会办公室", "管理委员会", "管委会办公室", "管委会",
    "街道办事处", "办事处",
)
# Name endings of a government or its office rather than of the place it governs: the office
# names (街道办事处 keeps its 街道) and the short forms users write.  府办 is the short form of
# 政府办公室 after a level character: 越城区区府办 = 越城区 + 区府办 (see resolve.strip_government).
GOVERNMENT_SUFFIXES: tuple[str, ...] = tuple(o for o in OFFICE_NAMES if o != "街道办事处") + ("政府办", "府办", "行政公署")
# Long official forms → the short forms reports and users also write.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("高新技术产业开发区", "高新区"),
    ("高新技术产业园区", "高新区"),
    ("高新技术开发区", "高新区"),
    ("经济技术开发区", "经开区"),
    ("经济开发区", "经开区"),
    ("管理委员会", "管委会"),
    ("人民政府", "政府"),
)
# Endings that name a kind of place, longest first, with the English words for each.
PLACE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("综合实验区", ("comprehensive experimental zone", "comprehensive pilot zone", "comprehensive experimental area",
                "comprehensive zone", "experimental zone", "pilot zone", "zone")),
    ("综合试验区", ("comprehensive pilot zone", "comprehensive trial zone")),
    ("实验区", ("experimental zone", "experimental area")),
    ("试验区", ("pilot zone", "trial zone")),
    ("保税区", ("bonded zone", "free trade zone")),
    ("度假区", ("resort", "tourist resort")),
    ("风景区", ("scenic area",)),
    ("林区", ("forest district", "forestry district")),
    ("矿区", ("mining district",)),
    ("自治区", ("autonomous region",)),
    ("自治州", ("autonomous prefecture",)),
    ("自治县", ("autonomous county",)),
    ("高新区", ("high-tech zone", "high tech zone", "hi-tech zone", "high-tech industrial development zone",
              "high-tech development zone", "hightech zone")),
    ("经开区", ("economic development zone", "economic and technological development zone")),
    ("开发区", ("development zone",)),
    ("新区", ("new area", "new district")),
    ("街道", ("subdistrict", "sub-district", "street")),
    ("苏木", ("sumu",)),
    ("民族乡", ("ethnic township",)),
    ("省", ("province",)),
    ("市", ("city", "municipality")),
    ("区", ("district",)),
    ("县", ("county",)),
    ("镇", ("town",)),
    ("乡", ("township",)),
    ("旗", ("banner",)),
    ("盟", ("league",)),
    ("州", ("prefecture",)),
)
# Offices of a government (bureaus, commissions …): the ending of an agency's name after its
# place, with the English names users give them.  A name ending with one of these is an
# agency's name, never its whole place.
OFFICE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("公安局", ("public security bureau", "police bureau", "police department")),
    ("财政局", ("finance bureau", "bureau of finance", "finance department")),
    ("教育局", ("education bureau", "bureau of education")),
    ("民政局", ("civil affairs bureau", "bureau of civil affairs")),
    ("司法局", ("justice bureau", "bureau of justice")),
    ("卫生健康局", ("health bureau", "health commission")),
    ("卫健委", ("health commission",)),
    ("自然资源局", ("natural resources bureau", "bureau of natural resources")),
    ("自然资源和规划局", ("natural resources and planning bureau",)),
    ("生态环境局", ("ecology and environment bureau", "environment bureau", "environmental protection bureau")),
    ("住房和城乡建设局", ("housing and urban-rural development bureau", "housing bureau", "construction bureau")),
    ("交通运输局", ("transport bureau", "transportation bureau")),
    ("农业农村局", ("agriculture bureau", "agriculture and rural affairs bureau")),
    ("水利局", ("water resources bureau", "water bureau")),
    ("商务局", ("commerce bureau", "bureau of commerce")),
    ("文化和旅游局", ("culture and tourism bureau", "tourism bureau")),
    ("人力资源和社会保障局", ("human resources and social security bureau", "labour bureau", "labor bureau")),
    ("市场监督管理局", ("market supervision bureau", "market regulation bureau", "administration for market regulation")),
    ("应急管理局", ("emergency management bureau",)),
    ("统计局", ("statistics bureau", "bureau of statistics")),
    ("税务局", ("tax bureau", "taxation bureau")),
    ("地方税务局", ("local taxation bureau", "local tax bureau")),
    ("审计局", ("audit bureau",)),
    ("发展和改革局", ("development and reform bureau",)),
    ("发展和改革委员会", ("development and reform commission",)),
    ("管委会", ("management committee", "administrative committee", "admin committee", "management commission",
             "zone management committee", "zone administration")),
    ("人民政府办公室", ("general office", "government office")),
    ("人民政府", ("people's government", "government")),
)
# Words for a kind of area that the gazetteer also holds as names (阳泉市城区, 铜陵市郊区): in a
# question they mean the kind, not the place.
GENERIC_PLACE_NOUNS: tuple[str, ...] = (
    "城区", "市区", "郊区", "山区", "景区", "园区", "社区", "辖区", "老区", "新区", "县城", "乡镇", "镇街", "街道办",
)
# Words that may follow a place's short name (福清22年, 柯桥的, 沙县政府办): anything else glues it
# into a word (和平年代, 长安街, 公安机关).
SHORT_NAME_FOLLOWERS: tuple[str, ...] = ("的", "那边", "这边", "那里", "方面", "呢", "和", "与", "及", "跟", "、", "在", "有",
                                         "收到", "共", "一共", "总共", "全年", "今年", "去年", "历年", "各年", "年度")
# Short forms of office names (平潭地税局 = 平潭综合实验区地方税务局).
OFFICE_SHORT_FORMS: tuple[tuple[str, str], ...] = (
    ("地方税务局", "地税局"), ("国家税务局", "国税局"), ("人力资源和社会保障局", "人社局"),
    ("住房和城乡建设局", "住建局"), ("市场监督管理局", "市监局"), ("发展和改革委员会", "发改委"),
    ("发展和改革局", "发改局"), ("卫生健康委员会", "卫健委"), ("卫生健康局", "卫健局"), ("文化和旅游局", "文旅局"),
    ("交通运输局", "交通局"), ("自然资源和规划局", "自然资源局"), ("农业农村局", "农业局"),
)
# Generic office endings (a name ending with one names an agency): longest first.
OFFICE_ENDINGS: tuple[str, ...] = ("委员会", "办公室", "办公厅", "管委会", "局", "委", "厅")
