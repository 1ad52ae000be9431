"""The words of questions: cues for intents, follow-ups, thresholds and years, declared once.

This is the question layer's vocabulary, the counterpart of ``parsing/template.py`` (what
the tables are called) and ``index/passages/topics.py`` (what the narrative is about): words that say
*what kind of answer* is wanted.  Only :mod:`qa.understand` and :mod:`qa.dialogue` read
them.  Chinese phrases are in simplified script (questions are converted first); English
phrases are lower case and match whole words.
"""

from __future__ import annotations

from index.tables.operators import MAGNITUDES, OPERATORS
from parsing.vocabulary import CHINESE_DIGITS, CHINESE_UNITS  # noqa: F401 (read as lexicon.*)

# --- narrative --------------------------------------------------------------------------

# Asking what an agency did or plans to do (section 五's second half).
MEASURES = (
    "改进措施", "整改措施", "改进情况", "改进", "整改", "措施", "举措", "下一步", "打算", "计划", "怎么改",
    "怎么做", "如何改进", "如何做", "办法", "工作思路", "努力方向", "做法",
    "improve", "improvement", "improvements", "improving", "measures", "measure", "plan", "plans", "planned",
    "intend", "intends", "steps", "actions", "remedies", "fix",
)
# Asking what went wrong (section 五's first half).
PROBLEMS = (
    "存在的问题", "存在问题", "主要问题", "问题", "不足", "短板", "差距", "薄弱环节", "困难",
    "problems", "problem", "shortcomings", "shortcoming", "weaknesses", "weakness", "issues", "challenges",
    "difficulties", "gaps",
)
# Asking what was done or how, without naming problems or measures.
PRACTICE = (
    "经验", "亮点", "怎么", "如何", "介绍", "采取了哪些", "采取了什么", "采取了怎样", "采取了何种", "开展了",
    "有哪些工作", "工作情况", "总体情况", "概况",
    "how did", "how does", "how do", "what did", "what has", "practices", "practice", "approach",
    "initiatives", "describe", "overview", "what was done",
)
# Section kinds a narrative cue selects (keys of index.passages.chunk.KINDS).
OVERVIEW = ("总体情况", "概况", "overview")

# --- data quality -----------------------------------------------------------------------

QUALITY_BALANCE = (
    "勾稽", "不平衡", "算不平", "不平", "平衡关系", "平衡", "第一项加第二项", "加第二项之和", "balance", "balances",
    "balanced", "加起来对吗", "加起来对不对", "相加对吗", "加得对吗", "算得平", "平不平", "自洽", "内部一致", "加起来不对", "加起来对不上", "internally consistent", "加总不符", "合计不符", "加起来不等于", "计算错误", "表格错误",
    "统计表错误", "unbalanced", "do not balance", "don't balance", "does not balance", "doesn't balance",
    "do not add up", "don't add up", "does not add up", "doesn't add up", "arithmetic",
)
# Checks across years (index/tables/across_years.py), tried before the others: a carry-over word
# with a word linking two years or two reports asks about 结转下年度 against the next 上年结转; a jump
# word about figures moving more than 5 times; a peer word with a zero word about a 0 among peers.
QUALITY_ACROSS_CARRY = ("结转数", "结转", "carry-over", "carryover", "carry over", "carried over",
                        "carried forward", "carry forward")
# Only words of agreement: "结转到下一年的申请有几件" names the figure, not the check.
QUALITY_ACROSS_LINK = ("对不上", "对得上", "对上", "不一致", "一致", "不符", "相符", "吻合", "不匹配", "衔接", "不一样",
                       "不相同",
                       "match", "matches", "consistent", "agree")
QUALITY_ACROSS_JUMP = ("跳变", "突变", "暴增", "暴跌", "暴涨", "猛增", "陡增", "飙升", "骤增", "骤降", "激增", "锐减", "大起大落",
                       "异常波动", "异常变化",
                       "异常增长", "异常下降", "jump", "jumps", "jumped", "spike", "spikes", "abrupt", "sudden change",
                       "sudden changes", "swing", "swings")
# ("其他机关…为0" and "other agencies … zero" ask for a list, not this check: not peer words.)
QUALITY_ACROSS_PEER = ("同级", "同类机关", "peers", "peer")
QUALITY_ACROSS_ZERO = ("填0", "报0", "为0", "填零", "报零", "为零", "是0", "是零", "zero", "zeros")
QUALITY_ACROSS_GENERAL = ("跨年度核对", "跨年核对", "历年核对", "跨年度检查", "checks across years",
                          "cross-year check", "cross-year checks", "year-to-year check", "year-to-year checks")
# Phrases that alone ask whether the narrative contradicts the tables.
QUALITY_NARRATIVE = (
    "正文与表格", "正文和表格", "正文与统计表", "正文和统计表", "前后一致", "前后不一致", "前后矛盾", "前后对不上", "文字与表格", "文字和表格", "与表格矛盾", "与表格不一致",
    "contradict", "contradicts", "contradicting", "contradiction", "contradictions", "text and table",
    "text and the table",
)
# The narrative, named with a word of QUALITY_MISMATCH ("正文…对不上").
QUALITY_NARRATIVE_OBJECT = ("正文", "文字表述", "文字", "叙述", "narrative", "text")
# The tables, named beside the narrative ("正文说…，表格里…"): the two set against each other.
QUALITY_TABLE_OBJECT = ("统计表", "表格", "表里", "表中", "table", "tables")
QUALITY_MISMATCH = (
    "对不上", "不一致", "矛盾", "不符", "出入", "inconsistent", "inconsistency", "disagree", "mismatch",
    "do not match", "don't match", "does not match",
)
QUALITY_COPIED = (
    "雷同", "抄袭", "照抄", "照搬", "有抄", "是抄", "抄前", "抄上", "抄去年", "抄往年", "抄别", "抄其他", "复制", "一模一样", "套用", "模板化", "千篇一律", "copied", "copy",
    "copies", "plagiarised", "plagiarized", "identical", "same text", "boilerplate", "near-duplicate",
    "duplicated text", "copy-paste",
)
# A unit check: money figures written in 元 where the template column is in 万元.  ("单位" alone
# is an agency word, so only phrases.)
QUALITY_UNIT = (
    "单位有问题", "单位有没有问题", "单位对不对", "单位对吗", "单位是否正确", "单位错", "计量单位", "金额单位", "元还是万元",
    "万元还是元", "用元", "以元为单位", "当成万元", "当作万元", "单位错误", "单位不对", "单位填错", "单位填对", "right unit", "wrong unit", "correct unit", "which unit", "what unit",
    "the unit", "in yuan",
)
# Words naming the agreement of two figures of one report ("前后一致吗", "agree"): with a figure
# named, the narrative-vs-table check of that figure.
QUALITY_AGREE = ("前后一致", "一致吗", "是否一致", "一致不一致", "agree", "agrees", "consistent",
                 "consistency")
# Words of a report's own statistics table and of its text, for pre-2019 reports' stated figures:
# the stated field each names (parsing.vocabulary.LOCAL_TABLE_ROWS holds the tables' own labels).
STATED_FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "active.published": ("主动公开", "proactive disclosure", "proactive disclosures", "proactively disclosed",
                         "proactively published", "published proactively", "disclosed proactively"),
    "requests.received": ("申请", "requests", "applications"),
    "review.cases": ("复议", "reconsideration", "review cases"),
    "litigation.cases": ("诉讼", "官司", "lawsuit", "lawsuits", "litigation"),
}
QUALITY_GENERAL = (
    "数据质量", "质量问题", "有问题的报告", "校验", "错误", "数据有没有问题", "数据有问题", "数据是否有问题", "数据有误",
    "数字有误", "数字有没有错", "数据有没有错", "数据准确吗", "数据是否准确", "数字准确吗", "data quality",
    "quality problems", "failed checks", "errors", "data problems", "data errors",
)
# Words that add nothing to the figure a question asks for ("没有收到任何申请", "no requests at all").
QUANTIFIER_WORDS = ("任何", "at all")

# --- structured intents -----------------------------------------------------------------

# Question words glued to what follows: "哪几家" asks which (a list), not how many; "谁遇到过"
# and a verb ending in an aspect particle (作出过, 吃过) are never names.
WHICH = ("哪",)
WHO = ("谁",)
ASPECT_PARTICLES = ("过", "了", "着")

LIST = ("哪些", "哪几个", "哪几家", "哪个", "哪家", "哪一个", "哪一家", "有谁", "谁", "列出", "列举", "which", "what agencies",
        "who", "list the", "list all", "list", "with their counts", "with counts")
COUNT = (
    "多少个机关", "多少家", "几个机关", "几家", "多少份报告", "几份报告", "几份年报", "多少份年报", "多少个单位",
    "几个单位", "多少个部门",
    "多少机关", "how many agencies", "how many reports", "number of agencies", "number of reports",
    "how many governments", "how many offices",
)
COUNT_REPORTS = ("报告", "reports")
RANK_DESC = ("最多", "最高", "最大", "排名", "排行", "领先", "排序", "排个序", "排第一", "第一名", "排在第一", "most", "highest",
             "largest", "biggest", "greatest", "top", "rank", "ranking", "ranked", "sort", "sorted")
RANK_ASC = ("最少", "最低", "最小", "倒数", "fewest", "least", "lowest", "smallest", "bottom")
# "和" / "与" are no cue: two agencies or two years named together already make a comparison.
COMPARE = ("比较", "对比", "相比", "相差", "差多少", "差别", "区别", "哪个多", "谁多", "谁更多", "vs", "versus",
           "compare", "compared", "comparison", "difference")
TREND = ("趋势", "变化", "历年", "逐年", "每年", "各年", "走势", "增减", "增长", "下降", "演变", "trend", "trends",
         "over the years", "over time", "each year", "every year", "per year", "year by year", "change",
         "changed", "changes", "grow", "grew", "evolve", "evolved")
TOTAL = ("合计", "总共", "一共", "共计", "累计", "加起来", "总和", "加总", "相加", "合起来", "全部机关", "所有机关", "全库",
         "全部报告", "所有报告", "加在一起", "加到一起", "in total", "altogether", "combined", "sum", "summed", "sum of",
         "added up", "add up", "adding up", "all agencies", "across", "in all")
# Change over time (qa.change).  Words naming the previous year as the base: read before the
# years, so that 比去年 is "the year before the one asked", never the newest report year.
CHANGE_PREVIOUS = (
    "比去年", "比上一年", "比上年", "比上一年度", "比上年度", "比前一年", "较去年", "较上年", "较上一年", "较上年度",
    "较前一年", "跟前一年相比", "与前一年相比", "和前一年相比", "相比前一年", "较上一年度", "与上年相比", "与去年相比",
    "与上一年相比", "和上年相比", "和去年相比", "同上年相比", "和去年比", "和上一年比",
    "跟去年比", "跟上一年比", "跟上年比", "相比上年", "相比去年", "相较上年", "相较去年", "同比", "上年同期",
    "year-over-year", "year over year", "year-on-year", "than the year before", "than the previous year",
    "than in the year before", "than in the previous year", "than it did the year before",
    "over the previous year", "on the previous year", "compared with the previous year",
    "compared to the previous year", "than last year", "over last year", "than the prior year",
    "over the prior year", "over the year before", "compared with the year before",
    "compared to the year before",
)
# Words asking for a change: with one year they mean "on the previous year", with two years
# the change between them.
CHANGE_WORDS = (
    "增长了多少", "增长多少", "增加了多少", "增加多少", "增加了几", "增加几", "减少了多少", "减少多少", "减少了几", "减少几",
    "下降了多少", "下降多少", "降了多少", "涨了多少", "多了多少", "多了几", "少了多少", "少了几", "多了还是少了",
    "增加还是减少", "增减情况", "增减", "增幅", "降幅", "增量", "增长率", "增速", "变化了多少", "变化多少", "变动",
    "增加了还是减少了", "上升还是下降", "上升了还是下降了", "涨了还是跌了", "增多还是减少", "增多了还是减少了",
    "有何变化", "有什么变化", "变化情况", "变化如何", "怎么变", "变了多少", "多了百分之", "少了百分之", "增长了百分之",
    "增加了百分之", "减少了百分之", "下降了百分之", "高了多少", "低了多少", "提高了多少", "降低了多少", "上升了多少",
    "多收了多少", "少收了多少", "有没有增长", "是否增长", "有没有下降", "是否下降", "增长", "下降",
    "up or down", "higher or lower", "rise or fall", "increase or decrease", "went up", "went down", "go up",
    "go down", "percent change", "percentage change", "by what percentage", "how many percent",
    "grew", "grow", "growth", "fell", "fall", "drop", "dropped", "increase", "increased", "decrease", "decreased",
    "rise", "rose", "more or fewer", "by how much", "change", "changed", "how many more", "how many fewer",
    "how much more", "how much less", "more", "fewer",
)
# Change words that may also ask how many were added (新增加了几件): with one year they ask for
# a change only next to a base (比上年) or a second year.
CHANGE_AMOUNTS = ("增加了多少", "增加多少", "增加了几", "增加几", "减少了多少", "减少多少", "减少了几", "减少几", "多了多少",
                  "多了几", "少了多少", "少了几", "how many more", "how many fewer", "how much more", "how much less",
                  "more", "fewer")
# Asking which of an agency's years (a ranking or a list over its years, not over agencies).
WHICH_YEAR = ("哪一年", "哪年", "哪个年份", "哪些年份", "哪几年", "哪一年度", "哪些年", "哪个年度", "哪些年度", "which year",
              "what year", "which years", "in which years")
# Ranking by change: the largest rise first, or the largest fall first.
CHANGE_RANK_UP = ("增长最多", "增加最多", "增幅最大", "涨幅最大", "增长最快", "增得最多", "涨得最多", "biggest increase",
                  "largest increase", "biggest rise", "largest rise", "grew the most", "grew most", "fastest growth",
                  "biggest growth", "most growth", "increased the most", "rose the most")
CHANGE_RANK_DOWN = ("下降最多", "减少最多", "降幅最大", "下降最快", "跌幅最大", "降得最多", "biggest drop", "largest drop",
                    "biggest decrease", "largest decrease", "biggest fall", "largest fall", "fell the most",
                    "dropped the most", "decreased the most", "sharpest drop", "biggest decline", "largest decline")
AVERAGE = ("平均", "均值", "年均", "平均数", "均数", "average", "mean", "on average", "averaged", "per year on average")
NUMERIC = ("多少", "几", "数量", "数字", "数据", "件数", "how many", "how much", "how often", "number of", "count", "figure",
           "figures", "what was", "what were", "what is", "what's")
# A list question's condition is "has any" (> 0) unless a threshold or a negation says otherwise.
# Negations that are a number ("为零"), not a verb's: said after a figure they are a threshold.
NUMERIC_NEGATION = ("零", "zero", "no", "none")
NEGATION = ("没有", "都没", "没收到", "没接到", "无", "未", "零", "no", "zero", "without", "none")

# Grouping words: "各城市" / "按年份" / "by city".
GROUP_PREFIX = ("按", "各", "分", "每个")
GROUP_WORDS = {
    "province": ("省份", "省", "province", "provinces"),
    "city": ("城市", "地市", "市", "city", "cities"),
    "county": ("区县", "县区", "县", "county", "counties", "district", "districts"),
    "township": ("乡镇", "街道", "township", "townships", "town", "towns"),
    "level": ("层级", "级别", "level", "levels"),
    "year": ("年份", "年度", "年", "year", "years"),
    "agency": ("机关", "单位", "部门", "agency", "agencies"),
}

# Kinds of agency a question may restrict itself to (keys of index.tables.level.LEVELS).
LEVEL_WORDS = {
    "township": ("街道办", "乡镇", "街道", "苏木", "townships", "township-level", "sub-districts", "towns", "sumu"),
    "county": ("县级", "区县政府", "县政府", "county governments", "county-level"),
    "city": ("市级", "地市级", "city governments", "city-level"),
    "province": ("省级", "provincial governments", "province-level"),
    "department": ("部门", "委办局", "省直", "市直", "区直", "县直", "departments", "bureaus"),
}

# --- conversation -----------------------------------------------------------------------

FOLLOW_UP_HEAD = ("那么", "那个", "那", "还有", "另外", "再看", "换成", "同样的问题", "同样问", "一样的问题", "and",
                  "what about", "how about", "then", "also", "same for", "the same for", "same question for",
                  "the same question for", "same question about", "same thing for", "now")
FOLLOW_UP_TAIL = ("呢",)
# The agencies of the previous answer.
PLURAL_PRONOUNS = ("它们", "他们", "这些机关", "这些单位", "这些部门", "上述机关", "以上机关", "这几个", "这几家",
                   "they", "them", "their", "those agencies", "these agencies", "those", "these")
SINGULAR_PRONOUNS = ("它", "该机关", "这个机关", "这家", "its", "it", "this agency", "that agency",
                     "这份报告", "这份年报", "这个报告", "该报告", "该年报", "这篇报告", "this report", "that report",
                     "这么多", "这么少", "这么高", "这么低", "so many", "so few", "that many", "so high", "so low")
# Words that make a question about the whole corpus rather than the previous turn's scope.
WIDE_SCOPE = ("各", "所有", "全部", "每个", "每一个", "哪个机关", "哪家", "哪几个", "all", "every", "语料库", "corpus")
# Nouns that make a count or a total about many agencies or reports (几个机关, 几份报告).
MANY_NOUNS = ("机关", "单位", "部门", "报告", "年报", "agencies", "reports", "governments", "offices", "departments")
# Words that widen a follow-up to every agency (全部机关呢？ / across all agencies?).
EVERY_AGENCY = ("全部机关", "所有机关", "全部单位", "所有单位", "各机关", "全部报告", "所有报告", "整个语料库", "全库",
                "all agencies", "every agency", "all the agencies", "all reports", "the whole corpus")
# The first agency of the previous ranking or list (那第一名的处罚呢？ / "and the top one's penalties?").
FIRST_PLACE = ("第一名", "排第一的", "排名第一的", "排在第一的", "最多的那个", "最多的那家", "the top one", "the first one",
               "the top agency", "the first agency", "number one", "top-ranked")
# The previous question again, answered in another language (In English please / 用中文回答).
ANSWER_LANGUAGE = {
    "en": ("in english", "answer in english", "english please", "用英文", "英文回答", "英语回答", "翻译成英文"),
    "zh": ("in chinese", "answer in chinese", "chinese please", "用中文", "中文回答", "汉语回答", "翻译成中文"),
}
# Words pointing at the previous answer's figure or report ("和这个一致吗", "this report").
DEMONSTRATIVES = ("这个", "这份", "该报告", "这份报告", "这个数", "这一数字", "this report", "that report", "this figure",
                  "this number", "that number")
# Years counted from the previous turn's year (前一年呢？ after a 2022 question → 2021).
TURN_RELATIVE_YEARS = {
    "再往前一年": -1, "往前一年": -1, "再前一年": -1, "前一年": -1, "上一年": -1, "早一年": -1, "头一年": -1,
    "再往后一年": 1, "往后一年": 1, "后一年": 1, "下一年": 1, "次年": 1, "第二年": 1, "晚一年": 1,
    "两年前": -2, "三年前": -3, "两年后": 2, "三年后": 3,
    "那一年": 0, "那年": 0, "当年": 0, "同年": 0, "同一年": 0,
    "the year before": -1, "the previous year": -1, "the prior year": -1, "a year earlier": -1,
    "one year earlier": -1, "the preceding year": -1, "the year prior": -1, "a year before": -1,
    "one year before": -1, "previous year": -1, "prior year": -1, "year before": -1,
    "the year after": 1, "the following year": 1, "a year later": 1, "one year later": 1, "the next year": 1,
    "next year": 1, "year after": 1, "that year": 0, "the same year": 0, "same year": 0,
    "two years earlier": -2, "two years before": -2, "three years earlier": -3, "two years later": 2,
}
# Words that make a year word a comparison, not a new year (比上一年 / than the year before).
TURN_YEAR_COMPARED = ("比", "较", "相比", "than", "compared with", "compared to", "versus", "vs")
# Multi-part questions (qa.multipart): words that join two asks ("…多少许可，又罚了多少",
# "how many X, and how many Y") and the words that make a clause an ask of its own.
PART_JOINERS = ("又", "另外", "此外", "以及", "同时", "并且", "还有", "其中", "and", "also", "plus", "as well as")
PART_ASKS = NUMERIC + LIST + ("what",)
# Words that list figures side by side (复议和诉讼, "reconsideration and lawsuits").
LIST_JOINERS = ("和", "与", "及", "以及", "、", "跟", "and", "or", "&")
# "Each of the figures named" (行政许可和行政处罚各是多少 / 新收和结转分别多少): not each agency.
EACH_ITEM = ("各是", "各有", "各为", "各多少", "各几", "各自", "分别", "respectively")
# A subset of the previous answer's figure: 其中自然人… / "how many of those were corrected".
SUBSET = ("其中", "这当中", "当中", "这里面", "这些当中", "这些里", "of those", "of them", "of these", "among them",
          "among those", "out of those")
# Plural nouns that make a question about agencies in general (their = theirs, not the
# previous answer's): "What problems did agencies report about their websites?"
GENERAL_PLURALS = ("各机关", "各单位", "各部门", "各地", "各级", "所有机关", "全部机关", "哪些机关", "哪些单位",
                   "哪些部门", "机关们", "agencies", "governments", "offices", "departments", "all agencies",
                   "every agency")
# The previous question again, reshaped (按年份列出来, 画成图, 换成表格).
RESHAPE = {
    "year": ("按年份列出来", "按年份列出", "按年列出", "按年份", "按年度", "分年份", "分年度", "按年", "逐年列出",
             "by year", "year by year", "per year", "for each year", "broken down by year", "each year"),
    "chart": ("画成图", "画个图", "画图", "做成图", "出个图", "图表", "折线图", "柱状图", "可视化", "chart it",
              "as a chart", "in a chart", "plot it", "graph it", "visualise it", "visualize it"),
    "table": ("换成表格", "做成表格", "列成表", "列个表", "用表格", "表格形式", "以表格", "as a table", "in a table",
              "tabulate", "table form"),
}
# "How did you calculate it?": the previous answer's computation, not a new search.
EXPLAIN = ("怎么算的", "怎么算出", "如何计算", "怎么计算", "怎样计算", "怎么得出", "如何得出", "怎么来的", "计算方法",
           "计算公式", "算法", "公式是", "how did you calculate", "how was it calculated", "how is it calculated",
           "how did you compute", "how was it computed", "how is it computed", "how did you get",
           "how did you work", "what formula", "which formula", "show your work", "show the calculation",
           "where does that number come from", "where did that number come from")
# Every column of the previous figure's row: 结果都是怎样的？ / "what were the outcomes?".
BREAKDOWN = ("结果都是怎样", "结果都是什么", "结果怎么样", "结果怎样", "结果如何", "都是什么结果", "分别是多少",
             "各是多少", "分别多少", "分别有多少", "各有多少", "明细", "细分", "构成", "分项", "breakdown",
             "break it down", "broken down", "what were the outcomes", "what were the results", "each outcome",
             "by outcome")
# The change between the last two turns' years: 增加了多少？ after 2021 then 2022.
TURN_CHANGE = ("增加了多少", "增长了多少", "减少了多少", "多了多少", "少了多少", "变化了多少", "差了多少", "相差多少",
               "涨了多少", "降了多少", "增加多少", "减少多少", "变化多少", "how much did it change",
               "how much did it grow", "how much did it rise", "how much did it fall", "what is the change",
               "what was the change", "by how much", "the difference", "how much more", "how much less")

# --- numbers, thresholds, years ----------------------------------------------------------

# Chinese numerals (CHINESE_DIGITS, CHINESE_UNITS): declared once, in parsing.vocabulary, imported above.
ENGLISH_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                   "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20}
# Thresholds: the words of each operator (before a number: 不少于10; after it: 10件以上) and the
# words that name a number's size (过百, 两位数) are declared with the operator's SQL and
# description in index/tables/operators.py; here as (words, operator) for the readers.
THRESHOLD_BEFORE: tuple[tuple[tuple[str, ...], str], ...] = tuple((op.before, op.key) for op in OPERATORS if op.before)
THRESHOLD_AFTER: tuple[tuple[tuple[str, ...], str], ...] = tuple((op.after, op.key) for op in OPERATORS if op.after)
THRESHOLD_MAGNITUDES: tuple[str, ...] = tuple(w for m in MAGNITUDES for w in m.words)
UNITS = ("件", "个", "次", "份", "万元", "元", "条", "项", "起", "宗", "%", "％")
TOP = ("前", "top", "first")
TOP_UNITS = ("名", "个", "位", "家", "强")

# Relative years, anchored on the newest report year N of the corpus.  Reports come out the
# year after the one they describe, so "去年" (last year) is N and "今年" is N + 1.
RELATIVE_YEARS = {
    "今年": 1, "this year": 1,
    "去年": 0, "上一年度": 0, "上年度": 0, "最近一年": 0, "最新一年": 0, "最新": 0, "last year": 0,
    "latest year": 0, "most recent year": 0, "latest": 0, "newest": 0,
    "前年": -1, "the year before last": -1,
}
RECENT_YEARS = ("近", "最近", "过去", "前", "last", "past", "recent", "previous")
# Two-digit years (21年 → 2021年): not after words that make "NN年" a number of years
# (近10年, 第12年, 满20年), nor before words that do (10年来, 20年间, 12年多).
SHORT_YEAR_NOT_AFTER = ("近", "最近", "过去", "前", "后", "第", "每", "满", "多", "共", "约", "连续",
                        "整整", "几", "超过", "不到", "长达", "历时", "用了", "花了")
# A year after these words is where requests are carried to (转到2026年继续办, carried into 2026),
# not a year asked about.
CARRIED_TO_YEAR = ("结转到", "结转至", "转到", "转入", "转至", "留到", "留待", "carried into", "carry into",
                   "carried over into", "carried forward into", "rolled over into", "carried forward to")
SHORT_YEAR_NOT_BEFORE = ("来", "间", "内", "以来", "多", "左右", "时间", "期间", "之内", "半", "的时间", "中")
YEARS_WORD = ("年", "years")
RANGE_WORDS = ("至", "到", "-", "–", "—", "~", "～", "to", "through", "until", "and")
SINCE = ("以来", "之后", "以后", "起", "since", "after", "from")
BEFORE = ("以前", "之前", "before", "until")
# Words before a year that bound it from above: "早于2019年" / "predate 2019" (2018 and earlier),
# "until 2019" (UNTIL: 2019 included).
BEFORE_YEAR = ("before", "until", "prior to", "predate", "predates", "predating", "earlier than", "older than", "早于",
               "先于")
UNTIL = ("until",)

# Question words removed from a narrative question before it is searched.
SEARCH_NOISE = ("有哪些", "哪些", "是什么", "什么", "怎么样", "如何", "吗", "呢", "请问", "一下", "关于", "方面",
                "的", "？", "?", "，", ",", "。", "what", "which", "are", "is", "the", "of", "about", "did", "do",
                "does", "for", "on", "in", "there", "any", "please", "tell", "me")

# --- coverage: words that link to nothing on purpose ---------------------------------------

# Characters that carry no figure of their own (particles, measure words, copulas): removed
# before the words of a question left unlinked are reported (qa.coverage); a single
# character left alone is never reported, so 有 / 多 need no entry.
FILLER_CHARS = "的了吗呢吧啊呀么是在和与及或把被对从向给为个件次份项条宗年月日这那其该些都也就又再很并且而里请问"
# Words about the reports in general (every figure is from them), and question phrasing.
FILLER_WORDS = (
    "政府信息公开", "信息公开", "政务公开", "工作年度报告", "年度报告", "年报", "报告", "工作", "情况", "统计", "表格", "数据",
    "一共", "总共", "请问", "告诉我", "告诉", "查一下", "查询", "看看", "看一下", "知道", "想", "能否", "可以", "是否",
    "多大", "怎样", "如何", "什么", "哪里", "多少件", "多少个", "多少次", "数目", "收到", "提出", "提交", "处理", "办理",
    "机关", "单位", "部门", "政府", "人民政府", "办公室", "有多少", "有几", "有没有", "有哪些", "有无", "还有", "共有", "相关",
    "信息", "因为", "由于", "情形", "方面", "其中", "当年", "本年", "本年度", "全年", "全市", "全省", "全区", "全县",
    "全国", "本市", "我市", "本地", "各地", "地方", "有何", "截至", "截止", "截止到", "截至到", "目前", "当前", "现在",
    "采取", "采取了",
    "a", "an", "the", "of", "in", "on", "at", "for", "to", "by", "from", "with", "and", "or", "did", "do", "does",
    "was", "were", "is", "are", "be", "been", "has", "have", "had", "how", "many", "much", "what", "which", "who",
    "there", "its", "it", "their", "they", "this", "that", "these", "those", "please", "tell", "me", "show", "give",
    "get", "find", "list", "year", "years", "report", "reports", "reported", "government", "information",
    "disclosure", "open", "annual", "office", "agency", "agencies", "receive", "received", "get", "got", "filed",
    "file", "submitted", "submit", "made", "make", "handled", "handle", "processed", "process", "by", "people",
    "s", "all", "any", "some", "number", "total", "overall", "altogether", "i", "we", "you", "know", "want", "like",
    "would", "could", "can", "case", "cases", "requests", "request", "applications", "application", "times",
    "face", "faced", "against", "saw", "see", "caseload", "caseloads", "volume", "new", "ended in", "ended up", "resulted in",
    "per", "administrative", "during", "were there",
    "as", "so", "far", "across", "over", "among", "foi",
)
# Words that change the figure when they are not understood: when one is left unlinked the
# answer says so first (qa.compose).
OUTCOME_WORDS = (
    "拒绝", "驳回", "不公开", "有效", "金额", "钱", "平均", "增长", "减少", "下降", "比例", "占比", "率", "败诉", "胜诉",
    "纠错", "撤销", "同比", "环比", "人均", "中位", "百分", "结转", "未结", "审结", "万元",
    "rate", "share", "percent", "percentage", "ratio", "average", "mean", "median", "growth", "increase",
    "decrease", "lost", "lose", "loss", "won", "win", "overturned", "money", "amount", "valid", "pending",
)

# --- the corpus itself: counting reports and agencies, report metadata (qa.corpus_facts) -----

# What a counting question counts; the first kind whose words occur wins.
CORPUS_COUNT = {
    "years": ("几年的", "多少年的", "几个年份", "多少个年份", "几个年度", "多少个年度", "几年有", "how many years"),
    "agencies": ("多少个机关", "几个机关", "多少机关", "多少家", "几家", "多少个单位", "几个单位", "多少个部门", "几个部门",
                 "多少个政府", "几个政府", "how many agencies", "number of agencies", "how many governments",
                 "how many offices", "how many different agencies"),
    "reports": ("几份", "多少份", "多少篇", "几篇", "多少个报告", "几个报告", "多少报告", "多少年报", "几个年报", "报告数量",
                "年报数量", "报告总数", "how many reports", "number of reports", "how many annual reports",
                "how many documents", "report count"),
}
# A report's attributes a question may ask for (columns of the store's ``reports`` table).
CORPUS_FIELDS = {
    "published": ("哪天发布", "哪天公开", "哪天公布", "哪天挂网", "哪天发的", "什么时候发布", "什么时候公开", "什么时候公布",
                  "什么时候挂网", "什么时候发的", "何时发布", "何时公开", "何时公布", "挂网",
                  "发布日期", "发布时间", "公开日期", "公开时间", "成文日期", "发布于", "哪一天", "哪天", "published",
                  "publication date", "release date", "released", "release", "date of publication", "what date", "which date"),
    "script": ("繁体", "简体", "字体", "繁简", "traditional chinese", "simplified chinese", "traditional characters",
               "simplified characters", "script", "traditional", "simplified"),
    "template": ("模板", "格式版本", "哪版格式", "统计表格式", "表格式", "版的", "哪个版本的格式", "表格格式", "哪种格式", "报告格式", "template", "templates",
                 "format version", "which format", "what format"),
    "level": ("属于哪一级", "属于什么级别", "什么级别", "哪一级", "哪个级别", "层级", "级别", "行政级别", "what level", "which level",
              "administrative level", "level"),
    "region": ("哪个省", "哪个市", "哪个地区", "哪个地方", "在哪里", "在哪儿", "所在地", "所在地区", "属于哪", "哪里的", "地区",
               "which province", "which city", "which region", "where is", "located", "region", "province"),
    "years": ("哪几年", "哪些年份", "是哪年", "的年度", "的年份", "覆盖的年度", "覆盖的年份", "for which years", "哪年的", "哪些年的", "哪几个年份", "哪些年度", "哪一年", "什么年份", "which years", "what years",
              "years covered", "which year", "what year", "cover", "covers", "covered"),
    "agency": ("全称", "发布机关", "发布单位", "哪个部门出的", "哪个单位出的", "哪个机关出的", "谁发布的", "谁出的",
               "full name", "issuing agency", "who published", "which agency published"),
    "source": ("源文件", "原文件", "文件名", "来源文件", "哪个文件", "出处", "原文", "source file", "file name", "filename",
               "which file", "source"),
}
# Values a question may filter on: script and template (store values → words).
CORPUS_SCRIPT_VALUES = {
    "traditional": ("繁体字", "繁体", "traditional chinese", "traditional characters", "traditional"),
    "simplified": ("简体字", "简体", "simplified chinese", "simplified characters", "simplified"),
}
CORPUS_TEMPLATE_VALUES = {
    "2021": ("2021版", "2021年版", "新版", "新模板", "新格式", "2021 template", "new template", "2021 format"),
    "2019": ("2019版", "2019年版", "旧版", "旧模板", "老模板", "旧格式", "2019 template", "old template", "2019 format"),
    "unknown": ("2019年以前的格式", "早期格式", "pre-2019 format"),
    # Either national template (qa.corpus_facts.NATIONAL): "有全国统一格式统计表的年报".
    "national": ("全国统一格式", "全国统一的统计表", "统一格式", "国家统一格式", "标准表格", "标准格式", "统一表格",
                 "national statistics tables", "national statistics table", "national tables", "national table",
                 "national template", "standard tables", "standard table"),
}
# Words asking for a list of the corpus's agencies or years ("列出所有发布年报的单位").
CORPUS_LIST = ("列出", "列举", "罗列", "都有谁", "有哪些", "所有", "全部", "list", "name all", "what are the", "all")
# Words asking for each agency's count ("每个机关各有几份", "how many reports does each agency have").
# "哪个部门出的": 部门 names the agency asked for, not the department level ("部门级的机关" is that level).
CORPUS_AGENCY_NOUN_LEVELS = ("哪个部门", "哪些部门", "哪家部门", "哪一个部门", "什么部门", "哪个政府部门")
CORPUS_EACH = ("每个", "每家", "各", "each", "every", "per")
# Verbs of publishing: "2023年发布的年报" may mean the publication year, said beside the report year.
CORPUS_PUBLISH = ("发布", "公布", "发表", "挂网", "发了", "出了", "published", "publish", "released", "release",
                  "came out", "put out")
# Words naming the corpus, its reports or its agencies: a question with one of these, a word of
# NUMERIC or COUNT and no figure of the tables counts what the noun names.
CORPUS_NOUNS = {
    "reports": ("语料库", "语料", "数据库", "库里", "库中", "库内", "年报", "报告", "corpus", "database", "reports", "report", "documents"),
    "agencies": ("机关", "单位", "部门", "政府", "agencies", "agency", "governments", "offices"),
}
# Verbs and words of corpus questions that add nothing to what is asked ("收录了多少个机关",
# "written in", "乡镇一级", "不同的机关").
CORPUS_VERBS = ("behind", "发布", "公布", "发表", "出具", "来自", "来源于", "收录", "涉及", "填报", "去重", "不同", "分别", "一级", "这一级", "包含", "包括", "覆盖", "涵盖", "写的", "用的是", "使用", "采用", "publish", "publishing", "collection", "different", "distinct", "deduplicated", "follow", "follows", "come", "comes",
                "table", "older", "newer", "represented", "when", "written", "write", "use", "used",
                "uses", "using", "contain", "contains", "include", "includes", "hold", "holds")
