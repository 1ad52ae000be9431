"""The topic taxonomy users browse passages by, declared once, and the tagger.

Every topic has a key (used in the index, filters and URLs), a Chinese and an English
name (shown to users), and keywords in simplified script: a passage carries a topic when
its simplified text contains one of the topic's keywords.  The keywords are also fed to
the jieba user dictionary so that BM25 sees them as whole words.

This module is the index's vocabulary, the counterpart of ``parsing/template.py`` for
narrative text: other modules (the demo-corpus phrase bank, the question layer) read
topics from here instead of keeping their own lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsing.errors import GongkaiError
from parsing.meta import to_simplified


@dataclass(frozen=True)
class Topic:
    key: str
    zh: str
    en: str
    keywords: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic("policy_interpretation", "政策解读", "Policy interpretation",
          ("政策解读", "解读", "图解", "政策问答", "一图读懂", "吹风会", "同步解读")),
    Topic("request_handling", "依申请公开办理", "Handling disclosure requests",
          ("依申请公开", "依申请", "申请公开", "公开申请", "申请人", "答复", "办理指南", "补正", "办理时限",
           "告知书")),
    Topic("new_media", "政务新媒体", "Government new media",
          ("政务新媒体", "新媒体", "公众号", "政务微博", "政务微信", "微博", "微信", "抖音", "视频号", "短视频",
           "客户端")),
    Topic("websites_platforms", "政府网站与平台", "Government websites and platforms",
          ("门户网站", "政府网站", "网站", "公开平台", "政务公开平台", "专栏", "栏目", "集约化", "智能搜索",
           "智能检索", "站内搜索", "网络平台")),
    Topic("training_staff", "培训与队伍", "Training and staffing",
          ("培训", "队伍建设", "队伍", "工作人员", "业务能力", "业务骨干", "专职人员", "专人", "人员流动",
           "业务水平", "联络员")),
    Topic("supervision_assessment", "监督考核", "Supervision and assessment",
          ("监督", "考核", "绩效", "通报", "督查", "督办", "督导", "评估", "考评", "测评", "社会评议", "问责",
           "责任追究", "督促检查")),
    Topic("grassroots", "基层政务公开", "Grassroots disclosure",
          ("基层政务公开", "基层", "村务公开", "居务", "公开栏", "村居", "社区", "嘎查", "乡镇", "镇街")),
    Topic("open_data", "数据开放", "Open data",
          ("数据开放", "开放数据", "数据集", "数据共享", "公共数据", "开放平台")),
    Topic("accessibility", "适老化与无障碍", "Age-friendly and accessible services",
          ("适老化", "无障碍", "老龄化改造", "老年人", "长者", "读屏", "大字版", "关怀版", "特殊群体")),
    Topic("confidentiality_review", "保密审查", "Confidentiality and pre-publication review",
          ("保密审查", "保密", "三审三校", "三审", "发布审核", "审核", "纠错审查", "审查", "个人信息", "隐私",
           "脱敏", "商业秘密")),
    Topic("cybersecurity", "网络安全", "Cybersecurity",
          ("网络安全", "信息安全", "安全隐患", "攻防演习", "攻防演练", "攻防", "等级保护", "安全防护", "暗链",
           "漏洞", "弱口令")),
    Topic("responding_concerns", "回应关切", "Responding to public concerns",
          ("回应关切", "回应", "社会关切", "关切", "舆情", "热点", "新闻发布", "发布会", "政民互动", "互动",
           "留言", "反馈")),
    Topic("public_participation", "公众参与", "Public participation",
          ("公众参与", "意见征集", "征求意见", "征集", "网上调查", "参与度", "听证")),
    Topic("key_areas", "重点领域公开", "Key-area disclosure",
          ("重点领域", "民生", "预决算", "预算", "决算", "重大建设项目", "重点项目", "社会救助", "脱贫", "扶贫",
           "公共资源", "政府采购", "减税降费", "疫情防控", "食品安全", "生态环保", "安全生产", "就业",
           "保障性住房")),
    Topic("institution_building", "制度建设", "Rules and institutions",
          ("制度建设", "健全制度", "工作制度", "工作机制", "责任制", "组织领导", "领导小组", "分管领导",
           "主要领导", "一把手", "工作要点", "公开目录", "标准目录", "目录", "标准化", "事项清单", "公开指南",
           "公开属性")),
    Topic("normative_documents", "规范性文件管理", "Normative documents",
          ("规范性文件", "文件清理", "废止", "现行有效", "合法性审查", "宣布失效")),
    Topic("services_hotline", "政务服务与便民", "Government services and hotlines",
          ("政务服务", "12345", "便民服务", "热线", "网上办事", "一网通办", "最多跑一次", "办事大厅", "一次办",
           "放管服")),
    Topic("fees", "信息处理费", "Information processing fees",
          ("信息处理费", "处理费", "收费通知", "收取费用")),
    Topic("review_litigation", "复议与诉讼", "Reconsideration and litigation",
          ("行政复议", "行政诉讼", "复议", "诉讼", "行政争议")),
)

_BY_KEY = {t.key: t for t in TOPICS}


class UnknownTopic(GongkaiError):
    """A topic filter names no topic of the taxonomy."""

    def __init__(self, name: str) -> None:
        known = ", ".join(f"{t.key} ({t.zh})" for t in TOPICS)
        super().__init__(f"unknown topic {name!r}; use one of: {known}")
        self.name = name

# Words that mark a sentence of section 五 as a problem found or as a measure planned.
# Used only when the section has no heading that separates the two halves.
PROBLEM_CUES: tuple[str, ...] = (
    "问题", "不足", "有待", "不够", "不强", "不高", "不及时", "不到位", "不全面", "不完善", "不规范", "不平衡",
    "较少", "较弱", "单一", "滞后", "薄弱", "欠缺", "缺少", "缺乏", "差距", "短板", "还需",
)
# A sentence that opens with one of these after an optional year and subject ("2015年，我区将…")
# announces the measures, even inside the last problem item.
MEASURE_LEADS: tuple[str, ...] = ("将", "要", "计划", "拟", "打算", "下一步", "下步")
MEASURE_CUES: tuple[str, ...] = (
    "加强", "强化", "推进", "推动", "提升", "提高", "完善", "健全", "深化", "落实", "做好", "加大", "丰富",
    "拓展", "优化", "规范", "建立", "持续", "继续", "进一步", "将",
)


def topic(key: str) -> Topic:
    """The topic named by ``key``, its Chinese name or its English name (any case)."""
    found = resolve_topic(key)
    if found is None:
        raise UnknownTopic(key)
    return found


def resolve_topic(name: str) -> Topic | None:
    """The topic whose key, Chinese or English name is ``name``, else None."""
    name = name.strip()
    if name in _BY_KEY:
        return _BY_KEY[name]
    lowered = name.lower()
    simplified = to_simplified(name)
    for t in TOPICS:
        if t.en.lower() == lowered or t.zh == simplified or t.key == lowered.replace(" ", "_"):
            return t
    return None


def tag_topics(text: str) -> list[str]:
    """Keys of the topics whose keywords occur in ``text`` (either script), in taxonomy order."""
    simplified = to_simplified(text)
    return [t.key for t in TOPICS if any(k in simplified for k in t.keywords)]


def keywords() -> list[str]:
    """Every keyword of every topic (for the jieba user dictionary)."""
    return sorted({k for t in TOPICS for k in (t.zh, *t.keywords)})

