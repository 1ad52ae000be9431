"""Word lists the narrative steps read (headings, site chrome, metadata, stated figures).

The template's own labels and header phrases live in :mod:`parsing.template`; everything
else the parser recognises by its words is declared here, once.
"""

from __future__ import annotations

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
CHROME_LINE_MAX = 120
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
# Endings of agencies that are zones rather than administrative divisions; the place they
# sit in is found through the gazetteer from the name before the ending.
ZONE_SUFFIXES: tuple[str, ...] = (
    "综合实验区", "综合试验区", "经济技术开发区", "高新技术产业开发区", "高新技术开发区", "高新区",
    "经济开发区", "开发区", "工业园区", "产业园区", "园区", "保税区", "自贸区", "新区", "示范区", "实验区",
    "试验区", "管委会", "管理委员会",
)
# Office words of an agency named without its place ("区统计局", "县人社局").
PLACELESS_PREFIXES: tuple[str, ...] = ("省", "市", "区", "县", "镇", "乡", "旗")
# Words that start with a level character but are not "level + office" ("市场监督管理局").
NOT_PLACELESS: tuple[str, ...] = ("市场", "区域", "县域", "乡村", "镇街", "省级", "市级", "县级", "区级", "市政", "市容")
# How a report names its own agency: never an agency name.
SELF_REFERENCES: tuple[str, ...] = ("我", "本", "该")

# ---------------------------------------------------------------------------
# Stated figures (reports on no national template)
# ---------------------------------------------------------------------------

# (field key, words that name it in a sentence or a local table row, unit words)
STATED_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("requests.received", ("受理依申请公开信息总数", "受理政府信息依申请公开总数", "依申请公开信息总数",
                           "收到有关政府信息公开的", "收到有关政府信息公开申请", "收到政府信息公开申请",
                           "受理政府信息公开申请", "共收到", "收到申请", "申请公开")),
    ("requests.answered", ("对申请的答复总数", "对申请的答复数")),
    ("requests.granted", ("同意公开答复数",)),
    ("requests.partially_granted", ("同意部分公开答复数",)),
    ("requests.denied", ("不予公开答复数", "否决公开答复数")),
    ("active.published", ("主动公开信息数", "主动公开文件数", "主动公开政府信息")),
    ("active.website", ("网站公开", "政府网站公开数")),
    ("active.gazette", ("政府公报公开", "政府公报公开数")),
    ("review.cases", ("行政复议数", "行政复议")),
    ("litigation.cases", ("行政诉讼数", "行政诉讼")),
    ("appeals.cases", ("行政申诉数", "行政申诉", "申诉", "接受行政诉讼、举报数", "行政申诉、举报数")),
    ("fees.amount", ("收费减免金额", "收费", "费用")),
)
