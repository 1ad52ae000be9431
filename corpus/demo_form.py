"""Words the printed form and the web page put around a report (not table row labels).

Row and column labels come from :mod:`parsing.template`; this module holds the rest of
what the official form prints (article numbers, header cells, the balance note) and the
page furniture of government websites (navigation, publication line, index-number block),
so that the demo renderer keeps no Chinese strings of its own.
"""

from __future__ import annotations

CN_NUMERALS = "一二三四五六七八九十"
TITLE_FORMATS: tuple[str, ...] = (
    "{agency}{year}年政府信息公开工作年度报告",
    "{agency}{year}年度政府信息公开工作年度报告",
    "{agency}{year}年度政府信息公开工作报告",
    "{agency}关于{year}年政府信息公开工作年度报告",
)
ARTICLE = "第二十条第({})项"
INFO_CONTENT = "信息内容"
DECISIONS_2021 = "本年处理决定数量"
FEES_2021 = "本年收费金额(单位:万元)"
PROCUREMENT_AMOUNT = "采购总金额"
WAN = "万元"
APPLICANTS_HEADER = "申请人情况"
ORGANISATIONS_HEADER = "法人或其他组织"
BALANCE_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
RESULTS_LABEL = "三、本年度办理结果"
PARTIAL_NOTE = "(区分处理的,只计这一情形,不计其他情形)"
CHECK_LINE = "(数据核定时间点为{year}年1月1日—{year}年12月31日)"
DATE_CN = "{y}年{m}月{d}日"

CHROME_TOPS: tuple[tuple[str, ...], ...] = (
    ("无障碍版 长者助手 登录", "您当前的位置: > >信息公开年度报告"),
    ("无障碍 | 长者模式 | 登录 | 注册", "首页 > 政务公开 > 政府信息公开年报"),
    ("网站支持IPv6 无障碍浏览 关怀版", "当前位置：首页 > 信息公开 > 年度报告"),
)
CHROME_INFO: tuple[str, ...] = (
    "信息来源:本网 发布日期:{date} 分享:",
    "来源：{agency} 发布时间：{date} 浏览次数：{n3}",
    "发布日期：{date} 字号：[大] [中] [小]",
)
CHROME_FOOTERS: tuple[tuple[str, ...], ...] = (
    ("扫一扫在手机上查看当前页面",),
    ("【打印本页】 【关闭窗口】",),
    ("相关附件：无", "【我要纠错】 【打印】 【关闭】"),
)
META_ROWS: tuple[str, ...] = ("文件名称:", "索引号:", "公开日期:", "公开目录:", "工作报告", "公开形式:", "主动公开")
META_LINES: tuple[str, ...] = ("索引号：{index}", "发布机构：{agency}", "成文日期：{date}", "标题：{title}")
