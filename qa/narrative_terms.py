"""The words of questions about figures stated in a report's text, declared once.

Read by :mod:`qa.text_figures` only: which questions ask for a quantity, which units a
figure in a sentence may carry, which words of a question carry no content, which words a
report may use for the same act (关停 / 注销 / 关掉), and the English words of such questions
with the Chinese words a report would use.  Chinese is in simplified script; English is
lower case and matches whole words.
"""

from __future__ import annotations

# Asking why or what a report says about something: answered from the text, not a table cell.
REASON_CUES = (
    "为什么", "为何", "什么原因", "原因", "理由", "缘由", "作了什么说明", "做了什么说明", "怎么解释", "如何解释", "说明了什么",
    "why", "reason", "reasons", "explain", "explanation", "explains",
)

# Nouns that ask how something is done, not how many: with words the tables left unlinked and
# no word asking a number, the question is one for the text ("用的是什么工作机制").
PRACTICE_NOUNS = (
    "机制", "做法", "制度", "品牌", "举措", "经验", "方式", "手段", "办法", "模式", "流程", "技术", "渠道",
    "mechanism", "mechanisms", "practice", "practices", "brand", "approach", "system", "procedure", "process for",
    "method", "methods", "technique", "techniques", "channels", "how does", "how did", "how do",
)

# Units a figure of the narrative carries ("政务新媒体2个", "政策解读96篇", "工单3218件").
# Longer units first: "人次" before "人", "万元" before "元".
FIGURE_UNITS = (
    "万人次", "人次", "家次", "条次", "个次", "场次", "万元", "万条", "万件", "亿元",
    "条", "个", "篇", "件", "次", "份", "家", "场", "张", "项", "期", "名", "人", "起", "宗", "户", "批", "元",
    "部", "本", "册", "套", "台", "处", "所", "栏", "类", "种",
)
# Units that count the same things (a ticket is 张 in a question, 件 in a report).
UNIT_GROUPS = (("件", "张", "单", "起", "宗"), ("条", "则"), ("个", "家", "户"), ("次", "场", "场次", "期"))

# Words that ask for a quantity (besides qa.lexicon.NUMERIC and TOTAL).
QUANTITY_CUES = (
    "多少", "几个", "几条", "几篇", "几件", "几次", "几份", "几家", "几场", "几张", "几项", "几期", "几", "数量", "条数",
    "篇数", "件数", "个数", "次数", "总数", "总量", "数目", "信息量", "收件数", "答复数",
    "how many", "how much", "number of", "count of", "amount of", "total number", "count",
)
# A question that ends in one of these asks for a number ("主动公开信息数", "新媒体数量").
QUANTITY_ENDINGS = ("数", "量", "数目", "总数", "条数", "篇数", "个数", "件数")
# English nouns that name counted things; a question naming a report and one of these asks a count.
COUNTED_NOUNS = {
    "items": "条", "item": "条", "pieces": "篇", "piece": "篇", "articles": "篇", "article": "篇", "explainers": "篇",
    "posts": "条", "entries": "条", "notices": "条",
    "accounts": "个", "tickets": "件", "work orders": "件", "datasets": "个",
}

# Words of a question that say nothing about what is counted (removed before matching).
ASK_WORDS = (
    "多少", "几个", "几条", "几篇", "几件", "几次", "几份", "几家", "几场", "几张", "几项", "几轮", "几", "条数", "篇数",
    "件数", "个数", "次数", "数目", "一共", "总共", "合计", "共计", "加起来", "报告里", "报告中", "年报里",
    "年报中", "报告", "年报", "提到", "提及", "说", "写", "请问", "告诉我", "是多少", "有多少", "有几", "各", "分别", "到底",
    "一年", "全年", "年度", "本年", "当年", "那年", "左右", "大概", "大约", "前后", "具体", "实际", "共", "还", "呢", "吗",
    "有没有", "有无", "是否", "多大",
)
# Particles and conjunctions: a question's content is cut into segments at these characters.
SPLIT_CHARS = "的了吗呢吧啊呀么和与及或把被从向给又再很并且而在上里中"
# Words found in most sentences of a report: they count for little when matched.
GENERIC_WORDS = (
    "政府信息", "信息", "公开", "政府", "政务", "工作", "全区", "全县", "全市", "全镇", "我区", "我县", "我市", "我镇",
    "单位", "部门", "各级", "开展", "进行", "情况", "相关", "内容", "数量", "总数", "总量", "数", "量", "总",
)
# A figure with one of these before it in its clause ("其中…1822条") or right after it ("…，占53%")
# is a part of a larger figure.
PART_BEFORE = ("其中", "包括", "含")
PART_AFTER = ("占",)
# Acts of removal that make a figure count what was removed, not what there is: "对5个…政务新媒体予以关停注销"
# does not answer 有几个政务新媒体 unless the question names the act (or one of its synonyms).
ACTS = ("关停", "关闭", "注销", "清理", "关掉", "撤销", "下线", "停用")
# Words a report may use for the same act or thing as a question (any one matches the others).
SYNONYMS = (
    ("关停", "关闭", "注销", "关掉", "清理", "清掉", "撤销", "下线", "停用", "注销掉"),
    ("运营", "运维", "现存", "开设", "运行", "现有", "目前", "在用", "开通", "开了", "开办"),
    ("办理", "办结", "受理", "处理", "办了", "处置", "解决"),
    ("发布", "公开", "推送", "刊发", "刊登", "做了", "推出", "出台"),
    ("工单", "诉求件", "来电"),
    ("新媒体", "公众号", "微博", "微信", "账号"),
    ("网站", "门户网站", "网页"),
    ("解读", "政策解读", "图解"),
    ("同意公开", "予以公开", "全部公开"),
    ("收到", "受理", "接到", "收件", "收了"),
)

# English words and phrases of such questions → the Chinese a report would use (any one).
ENGLISH_TERMS: dict[str, tuple[str, ...]] = {
    "new-media": ("新媒体",), "new media": ("新媒体",), "social media": ("新媒体", "公众号", "微博"),
    "wechat": ("微信", "公众号"), "weibo": ("微博",),
    "shut down": ("关停", "关闭", "注销"), "shut": ("关停", "关闭", "注销"), "close": ("关停", "关闭", "注销"),
    "closed": ("关停", "关闭", "注销"), "clean up": ("清理", "关停"), "cleaned up": ("清理", "关停"),
    "clean": ("清理",), "cleaned": ("清理",), "removed": ("关停", "注销", "清理"), "deregistered": ("注销",),
    "operate": ("运维", "运营", "现存", "开设"), "operated": ("运维", "运营", "现存", "开设"),
    "run": ("运维", "运营", "现存", "开设"), "running": ("运维", "运营", "现存"), "currently": ("目前", "现存", "现有"),
    "still": ("现存", "目前"), "existing": ("现存", "现有"), "maintain": ("运维",), "maintained": ("运维",),
    "opened": ("开设", "开通"), "set up": ("开设", "建立"),
    "hotline": ("热线",), "12345": ("12345",), "tickets": ("工单",), "ticket": ("工单",), "work orders": ("工单",),
    "work order": ("工单",), "calls": ("来电", "热线"),
    "policy interpretation": ("政策解读", "解读"), "interpretation": ("解读",), "interpretations": ("解读",),
    "explainers": ("解读",), "explainer": ("解读",), "interpret": ("解读",), "policy": ("政策",),
    "policies": ("政策",),
    "proactively": ("主动公开",), "proactive": ("主动公开",), "publish": ("公开", "发布"),
    "published": ("公开", "发布"), "disclose": ("公开",), "disclosed": ("公开",), "post": ("公开", "发布"),
    "posted": ("公开", "发布"), "release": ("发布",), "released": ("发布",),
    "portal": ("门户网站", "网站"), "website": ("网站",), "websites": ("网站",),
    "three affairs": ("三务",), "platform": ("平台",), "column": ("专栏", "栏目"),
    "departments": ("部门",), "department": ("部门",), "training": ("培训",), "trainings": ("培训",),
    "sessions": ("培训", "场", "期"), "trained": ("培训",), "meetings": ("会议",), "press conferences": ("发布会",),
    "press conference": ("发布会",), "government information": ("政府信息",), "information": ("信息",),
    "requests": ("申请",), "request": ("申请",), "applications": ("申请",), "approved": ("同意公开", "予以公开"),
    "granted": ("同意公开", "予以公开"), "reconsideration": ("行政复议", "复议"), "lawsuits": ("行政诉讼", "诉讼"),
    "letters": ("信函",), "online": ("网上", "网络"), "in person": ("当面",), "handle": ("办理", "办结", "受理"),
    "handled": ("办理", "办结", "受理"), "process": ("办理", "办结"), "processed": ("办理", "办结"),
    "received": ("收到", "受理"), "receive": ("收到", "受理"), "reached": ("收到",),
    "new": ("新增",), "added": ("新增",), "datasets": ("数据集",), "dataset": ("数据集",),
    "open data": ("数据开放", "开放数据"), "epidemic": ("疫情",), "covid": ("疫情",), "videos": ("视频",),
    "video": ("视频",), "graphic": ("图文", "图解"), "graphics": ("图文", "图解"),
    "inspections": ("检查",), "inspection": ("检查",), "checks": ("检查",), "quarterly": ("季度",),
    "organise": ("组织", "开展"), "organised": ("组织", "开展"), "organize": ("组织", "开展"),
    "organized": ("组织", "开展"), "hold": ("组织", "开展", "召开"), "held": ("组织", "开展", "召开"),
    "complaints": ("投诉",), "messages": ("留言",), "consultations": ("咨询",), "interviews": ("访谈",),
    "columns": ("专栏", "栏目"), "fields": ("领域",), "areas": ("领域",), "enterprises": ("企业",),
    "microblog": ("微博",), "weibo posts": ("微博",), "data": ("数据",), "total volume": ("总量",),
    "anti-formalism": ("形式主义",), "formalism": ("形式主义",), "campaign": ("整治", "专项", "行动"),
}
# More English words of the narrative's figures, as an analyst would write them: the topics of
# 主动公开 categories (…类信息), channels (政务微信/微博/网站, 公示栏, hotline work orders), policy
# interpretation, training and new media.
ENGLISH_TERMS.update({
    # topics of the proactive-disclosure categories
    "construction": ("建设",), "urban": ("城乡", "城市"), "rural": ("城乡", "农村"), "land": ("国土", "土地"),
    "land resources": ("国土资源",), "natural resources": ("自然资源", "国土资源"),
    "environment": ("环保", "环境"), "environmental": ("环保", "环境"), "environmental protection": ("环保", "环境保护"),
    "energy": ("能源",), "projects": ("项目",), "project": ("项目",), "major projects": ("重大建设项目", "重大项目"),
    "civil affairs": ("民政",), "poverty": ("扶贫",), "poverty alleviation": ("扶贫",), "disaster relief": ("救灾",),
    "relief": ("救灾",), "social security": ("社会保障", "社保"), "employment": ("就业",), "jobs": ("就业",),
    "science": ("科教", "科技"), "education": ("科教", "教育"), "culture": ("文体", "文化"), "sports": ("文体", "体育"),
    "health": ("卫生", "健康"), "medical": ("医疗",), "health care": ("医疗卫生", "卫生", "医疗"), "healthcare": ("医疗卫生", "卫生", "医疗"), "medicine": ("医疗", "药品"), "drug": ("药品",), "drugs": ("药品",),
    "make public": ("公开",), "made public": ("公开",), "public": ("公开",), "safety": ("安全",), "work safety": ("安全生产",),
    "production safety": ("安全生产",), "emergency": ("应急",), "emergency management": ("应急管理",),
    "budget": ("预算", "预决算"), "budgets": ("预算", "预决算"), "final accounts": ("决算", "预决算"),
    "fiscal": ("财政",), "finance": ("财政",), "personnel": ("人事",), "planning": ("规划",),
    "procurement": ("采购",), "tenders": ("招标",), "bidding": ("招标", "招投标"), "prices": ("价格",),
    "fees": ("收费",), "people's livelihood": ("民生",), "livelihood": ("民生",), "practical matters": ("实事",),
    "documents": ("文件",), "document": ("文件",), "policy documents": ("政策文件", "规范性文件", "文件"),
    "normative documents": ("规范性文件",), "regulatory documents": ("规范性文件",),
    # channels
    "bulletin board": ("公示栏", "公开栏", "公告栏"), "bulletin boards": ("公示栏", "公开栏", "公告栏"),
    "notice board": ("公示栏", "公开栏"), "notice boards": ("公示栏", "公开栏"), "noticeboard": ("公示栏", "公开栏"),
    "public notice": ("公示",), "official account": ("公众号",), "official accounts": ("公众号",),
    "wechat account": ("微信", "公众号"), "mini program": ("小程序",), "app": ("客户端",),
    "newspaper": ("报纸", "报刊"), "newspapers": ("报纸", "报刊"), "television": ("电视",), "tv": ("电视",),
    "radio": ("广播",), "reading room": ("查阅", "阅览"), "reading rooms": ("查阅", "阅览"),
    "service hotline": ("热线",), "phone calls": ("来电", "电话"), "phone": ("电话",), "calls handled": ("来电", "工单"),
    "work tickets": ("工单",),
    # interpretation and media
    "interpreted": ("解读",), "interpreting": ("解读",), "explanatory": ("解读",), "explained": ("解读",),
    "briefings": ("发布会", "解读"), "briefing": ("发布会", "解读"), "infographics": ("图解",),
    "infographic": ("图解",), "charts": ("图解",), "h5": ("H5",), "livestream": ("直播",),
    "government affairs": ("政务",), "government-affairs": ("政务",), "accounts run": ("运维", "运营"),
    # training and events
    "train": ("培训",), "courses": ("培训",), "lectures": ("讲座", "培训"), "staff": ("人员", "干部"),
    "officials": ("干部",), "participants": ("人次", "人员"), "attendees": ("人次",), "people trained": ("培训",),
    "open days": ("开放日",), "open day": ("开放日",), "visits": ("走访",), "surveys": ("调研",),
    "comments": ("意见",), "feedback": ("意见", "反馈"), "solicited": ("征集",), "solicit": ("征集",),
    "public opinion": ("意见", "舆情"), "proposals": ("建议", "提案"), "suggestions": ("建议",),
    "put out": ("发布", "推出"), "put up": ("发布", "公开"), "put": ("发布", "公开"), "came out with": ("发布", "推出"), "produced": ("制作", "发布"),
    "produce": ("制作", "发布"), "wrote": ("撰写", "发布"), "written": ("撰写", "发布"), "prepared": ("制作", "编制"),
    "replies": ("答复", "回复"), "replied": ("答复", "回复"), "answered": ("答复", "回复"),
})
ENGLISH_TERMS.update({
    "in operation": ("运营", "运行", "现存", "运维"), "operation": ("运营", "运行", "运维"),
    "operating": ("运营", "运维", "运行"), "active": ("现存", "运营", "在用"),
})
# Things only a report's text counts (no table row holds them): a question naming one is never
# answered by a table figure matched only loosely (by embedding similarity); it gets the text's
# figure or "no figure found".
TEXT_ONLY = (
    "新媒体", "公众号", "微信", "微博", "网站", "解读", "热线", "工单", "培训", "公示栏", "公开栏", "发布会", "数据集", "专栏",
    "new media", "new-media", "wechat", "weibo", "microblog", "website", "websites", "portal", "hotline", "12345",
    "tickets", "work orders", "interpret", "interpreted", "interpreting", "interpretation", "interpretations",
    "explainer", "explainers", "explanatory", "training", "trainings", "trained", "bulletin board", "bulletin boards",
    "notice board", "notice boards", "press conference", "press conferences", "briefings", "dataset", "datasets",
    "accounts", "social media", "official account", "official accounts", "infographics", "videos",
)
# English words that carry no content in these questions (besides qa.lexicon.FILLER_WORDS).
ENGLISH_IGNORE = (
    "items", "item", "pieces", "piece", "accounts", "account", "posts", "number", "numbers", "count", "make", "made",
    "according", "per", "its", "report", "say", "says", "said", "state", "stated", "mention", "mentioned", "do",
    "does", "did", "through", "via", "under", "zone", "county", "district", "town", "township", "city", "bureau",
    "local", "office", "hi-tech", "high-tech", "kinds", "kind", "various", "forms", "form", "of", "in", "on",
    "disclosures", "disclosure", "government", "how", "many", "much", "what", "was", "were", "the", "a", "an",
    "topics", "topic", "category", "categories", "type", "types", "related", "about", "regarding", "concerning",
    "matters", "zone", "experimental", "comprehensive", "committee", "management", "administrative", "new-area",
    "whole", "year", "throughout", "altogether", "overall",
)
