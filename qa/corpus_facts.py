"""Questions about the corpus itself: how many reports or agencies, and what a report is.

"语料库里一共有几份年报?" / "2024年有几个机关发布了年报?" / "平潭综合实验区有几年的年报?" count
reports, agencies or years; "大涌镇的年报是哪天发布的?" / "哪些报告是繁体字的?" / "which template
does it use?" read a report's attributes (publication date, script, template, level, region,
years, source file).  All of them are one query over the store's ``reports`` table, filtered
by the plan's years, region, agencies and level and by a script or template the question
names.  The words are :data:`qa.lexicon.CORPUS_COUNT`, ``CORPUS_FIELDS``,
``CORPUS_SCRIPT_VALUES``, ``CORPUS_TEMPLATE_VALUES`` and ``CORPUS_NOUNS``.

:func:`read` runs in :func:`qa.understand.understand` (a question without a figure of the
tables), :func:`gather` in :func:`qa.answer.gather`, :func:`compose` in :func:`qa.compose.compose`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from parsing.template import TEMPLATE_UNKNOWN
from parsing.vocabulary import GOVERNMENT_SUFFIXES
from qa import lexicon
from qa.coverage import name_like, original_case, unlinked_words
from qa.facts import TEXT_ROWS
from qa.plan import Plan, Reading
from qa.quantities import find_cue, read_level
from qa.report_scope import report_clauses, where_sql

if TYPE_CHECKING:
    from qa.facts import Facts
    from qa.corpus import Corpus

INTENT = "corpus"
# A template filter meaning "either national template" (not a store value).
NATIONAL = "national"
# What a corpus question asks for: a count of reports / agencies / years, or a listing.
ASKS = ("reports", "agencies", "years", "list", "agency_list")
_REGION_LEVELS = ("province", "city", "county", "township")
_COLUMNS = ["report_id", "agency", "year", "published", "template", "script", "level", *_REGION_LEVELS, "source"]
_FIELD_NAMES = {"agency": ("发布机关", "agency"), "published": ("发布日期", "publication date"), "script": ("字体", "script"),
                "template": ("模板", "template"), "level": ("层级", "level"), "region": ("地区", "region"),
                "years": ("报告年份", "years covered"), "source": ("源文件", "source file")}
LEVEL_NAMES = {"province": ("省级", "provincial"), "city": ("市级", "city"), "county": ("县级", "county"),
                "township": ("乡镇级", "township"), "department": ("部门", "department"),
                "unknown": ("未知层级", "unknown level")}
_SCRIPT_NAMES = {"traditional": ("繁体", "traditional Chinese"), "simplified": ("简体", "simplified Chinese")}
_TEMPLATE_NAMES = {"2021": ("2021年版格式(国办公开办函〔2021〕30号)", "the 2021 template (国办公开办函〔2021〕30号)"),
                   "2019": ("2019年版格式(国办公开办函〔2019〕60号)", "the 2019 template (国办公开办函〔2019〕60号)"),
                   "unknown": ("2019年以前的格式(不是国家统一表格)", "a pre-2019 layout (not the national table)"),
                   NATIONAL: ("全国统一格式的统计表(2019年版或2021年版)", "the national statistics tables (2019 or 2021 template)")}


def _cue(text: str, words: tuple[str, ...]) -> str | None:
    """``find_cue`` with English phrases in the word forms the question was put in."""
    from qa.metric_terms import english_forms

    return find_cue(text, tuple(dict.fromkeys(words + tuple(english_forms(w) for w in words if w.isascii()))))


def _value_cue(text: str, values: Mapping[str, tuple[str, ...]]) -> tuple[str | None, str | None]:
    for value, words in values.items():
        found = _cue(text, words)
        if found:
            return value, found
    return None, None


def read(plan: Plan, cue_text: str, figure_matched: bool, other_kind: bool) -> bool:
    """Make ``plan`` a corpus question when it asks about the reports themselves.

    ``cue_text`` is the question with names and metric phrases blanked; ``figure_matched``
    says a metric of the catalogue was named (then it is a figure question, never this);
    ``other_kind`` a data-quality or problems/measures question."""
    if figure_matched or other_kind:
        return False
    count = next((kind for kind, words in lexicon.CORPUS_COUNT.items() if _cue(cue_text, words)), None)
    fields = [key for key, words in lexicon.CORPUS_FIELDS.items() if _cue(cue_text, words)]
    script, script_words = _value_cue(cue_text, lexicon.CORPUS_SCRIPT_VALUES)
    template, template_words = _value_cue(cue_text, lexicon.CORPUS_TEMPLATE_VALUES)
    if template is None:  # "2019年版": the year reader took "2019年" out of cue_text
        template, template_words = _value_cue(plan.question.lower(), lexicon.CORPUS_TEMPLATE_VALUES)
    nouns = {kind: _cue(cue_text, words) for kind, words in lexicon.CORPUS_NOUNS.items()}
    if count == "reports" and not any(nouns.values()):
        count = None  # "几份" alone, without 年报 / reports, is no question about the corpus
    if count is None and not fields and find_cue(cue_text, lexicon.COUNT + lexicon.NUMERIC):
        # "县级机关有几个" / "how many reports are there": the noun says what is counted.
        count = "agencies" if nouns["agencies"] else "reports" if nouns["reports"] else None
    if not (count or fields) and nouns["agencies"] and find_cue(cue_text, lexicon.LIST + lexicon.CORPUS_LIST):
        count = "agency_list"  # "库里有哪些机关" / "列出所有发布年报的单位": every agency, with its years
    if count == "reports" and nouns["agencies"] and _cue(cue_text, lexicon.CORPUS_EACH):
        count = "agency_list"  # "每个机关各有几份年报": each agency's reports
    if not (count or fields):
        return False
    # Every other content word must be linked: "有多少报告提到了政务新媒体" asks about passages.
    found = [_cue(cue_text, words) for words in (*lexicon.CORPUS_FIELDS.values(), *lexicon.CORPUS_COUNT.values(),
                                                  *lexicon.CORPUS_NOUNS.values(), lexicon.CORPUS_VERBS,
                                                  lexicon.LIST + lexicon.CORPUS_LIST, lexicon.CORPUS_EACH)]
    found += [template_words, script_words]
    linked = [w for w in found if w]
    unlinked = unlinked_words(cue_text, linked)
    if [w for w in unlinked if not name_like(w, plan.question)]:
        return False
    # A word where a name stands is an agency the corpus lacks: said, never a count of everything.
    names = [original_case(w, plan.question) for w in unlinked]
    new = [n for n in names if n not in plan.unknown_names and not any(n in known for known in plan.unknown_names)]
    if new:
        plan.unknown_names += new
        plan.readings.append(Reading("agency", "、".join(new), None, "a name the corpus does not hold",
                                     "语料库中没有的名称", 0.0))
    plan.intent = INTENT
    plan.metrics = []
    plan.readings = [r for r in plan.readings if r.piece not in ("metric", "intent")]
    if script:
        fields = [f for f in fields if f != "script"] if count or fields != ["script"] else []
    if template:
        fields = [f for f in fields if f != "template"]
        # "2019版" is a template, not the year 2019.
        plan.years = [y for y in plan.years if str(y) not in (template_words or "")]
    _single_year(plan)
    ask = count or ("years" if fields == ["years"] else "list")  # "哪几年的报告" lists the years
    plan.corpus = {"ask": ask, "fields": fields, "script": script, "template": template}
    if plan.years and (not fields or (count and fields == ["published"])) and _cue(cue_text, lexicon.CORPUS_PUBLISH):
        # "2023年发布的年报": the report year is read, the publication year offered beside it.
        plan.corpus["by_published"] = True
    if plan.level is None:
        read_level(cue_text, plan)
    if plan.level and _cue(cue_text, lexicon.CORPUS_AGENCY_NOUN_LEVELS):
        # "哪个部门出的": the noun of the agencies asked for, not the department level.
        plan.level = None
        plan.readings = [r for r in plan.readings if r.piece != "level"]
    plan.given.append("intent")
    plan.readings.append(Reading("intent", "", INTENT, f"about the corpus: {ask}{' ' + ', '.join(fields) if fields else ''}",
                                 f"关于语料库本身:{ask}{' ' + '、'.join(fields) if fields else ''}"))
    for value, words, piece in ((script, script_words, "script"), (template, template_words, "template")):
        if value:
            plan.readings.append(Reading(piece, words or "", value, f"only {piece} {value}", f"只看{words}"))
    return True


def _single_year(plan: Plan) -> None:
    """"reports from 2021" names a year, not "since 2021", unless a since-word says so."""
    reading = plan.reading("year")
    if plan.years or plan.year_from is None or plan.year_to is not None or reading is None:
        return
    words = reading.text.lower()
    if find_cue(words, ("from",)) and not find_cue(words, tuple(w for w in lexicon.SINCE if w != "from")):
        plan.years, plan.year_from = [plan.year_from], None


def _where(plan: Plan) -> tuple[str, list[Any]]:
    clauses, values = report_clauses(plan)  # the level too
    for key in ("script", "template"):
        if plan.corpus.get(key) == NATIONAL and key == "template":
            clauses.append("template <> ?")
            values.append(TEMPLATE_UNKNOWN)
        elif plan.corpus.get(key):
            clauses.append(f"{key} = ?")
            values.append(plan.corpus[key])
    return where_sql(clauses), values


def query(plan: Plan, corpus: Corpus) -> tuple[str, list[Any], pd.DataFrame]:
    """The reports in the plan's scope, one row each (SQL, parameters, rows)."""
    where, values = _where(plan)
    sql = f"SELECT {', '.join(_COLUMNS)} FROM reports{where} ORDER BY year, agency"
    frame = corpus.connection().execute(sql, values).df()
    return sql, values, frame


def gather(plan: Plan, corpus: Corpus, facts: Facts) -> None:
    sql, values, frame = query(plan, corpus)
    facts.frame = frame
    facts.sources = dict(zip(frame["report_id"], frame["source"]))
    facts.agencies = list(dict.fromkeys(frame["agency"]))
    plan.corpus["sql"] = sql
    plan.corpus["params"] = [v if isinstance(v, (str, int, float)) else str(v) for v in values]
    if plan.agencies and plan.corpus.get("ask") in ("years", "reports"):
        plan.corpus["related"] = _same_body(plan, corpus)
    if plan.corpus.get("by_published"):
        plan.corpus["published_in"] = _published_in(plan, corpus)


def _published_in(plan: Plan, corpus: Corpus) -> list[list[Any]]:
    """The reports published in the asked years (by publication date), whatever year they report on."""
    years = list(plan.years)
    scoped = Plan(**{**plan.__dict__, "years": []})
    where, values = _where(scoped)
    marks = ", ".join("?" for _ in years)
    sql = (f"SELECT agency, year, published, source FROM reports{where}{' AND' if where else ' WHERE'} "
           f"year(published) IN ({marks}) ORDER BY published, agency")
    rows = corpus.connection().execute(sql, values + years).fetchall()
    return [[str(a), int(y), pd.Timestamp(p).date().isoformat(), str(src)] for a, y, p, src in rows]


def _same_body(plan: Plan, corpus: Corpus) -> dict[str, list[int]]:
    """Other agencies of the store whose name is an asked agency's name and a government ending
    (平潭综合实验区 and 平潭综合实验区管委会): perhaps the same body, said beside the count."""
    rows = corpus.connection().execute("SELECT DISTINCT agency, year FROM reports ORDER BY agency, year").fetchall()
    related: dict[str, list[int]] = {}
    for agency, year in rows:
        if agency in plan.agencies:
            continue
        for asked in plan.agencies:
            longer, shorter = (agency, asked) if len(agency) > len(asked) else (asked, agency)
            if longer.startswith(shorter) and longer[len(shorter):] in GOVERNMENT_SUFFIXES:
                related.setdefault(str(agency), []).append(int(year))
    return related


# ---------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------


def scope(plan: Plan, lang: str) -> str:
    """The filters in words: "2024年、县级、浙江省" / "2024, county level, 浙江省"."""
    zh = lang == "zh"
    parts: list[str] = []
    if plan.agencies:
        parts.append("、".join(plan.agencies) if zh else ", ".join(plan.agencies))
    if plan.region:
        parts.append("".join(plan.region.values()))
    if plan.years:
        parts.append("、".join(f"{y}年" for y in plan.years) if zh else ", ".join(map(str, plan.years)))
    elif plan.year_from is not None and plan.year_to is not None:
        parts.append(f"{plan.year_from}–{plan.year_to}年" if zh else f"{plan.year_from}–{plan.year_to}")
    elif plan.year_to is not None:
        parts.append(f"{plan.year_to}年及以前" if zh else f"up to {plan.year_to}")
    elif plan.year_from is not None:
        parts.append(f"{plan.year_from}年及以后" if zh else f"from {plan.year_from} on")
    if plan.level:
        name = LEVEL_NAMES.get(plan.level, (plan.level, plan.level))
        parts.append(name[0] if zh else f"{name[1]} level")
    if plan.corpus.get("script"):
        name = _SCRIPT_NAMES[plan.corpus["script"]]
        parts.append(name[0] + "字" if zh else name[1])
    if plan.corpus.get("template"):
        name = _TEMPLATE_NAMES.get(plan.corpus["template"], (plan.corpus["template"],) * 2)
        parts.append(name[0] if zh else name[1])
    if not parts:
        return "整个语料库" if zh else "the whole corpus"
    return "、".join(parts) if zh else ", ".join(parts)


def _region(row: pd.Series) -> str:
    return "".join(str(row[k]) for k in _REGION_LEVELS if isinstance(row[k], str) and row[k])


def _value(row: pd.Series, key: str, lang: str, years: dict[str, list[int]]) -> str:
    zh = lang == "zh"
    if key == "published":
        value = row["published"]
        if pd.isna(value):
            return "报告中没有写明发布日期" if zh else "the report states no publication date"
        return pd.Timestamp(value).date().isoformat()
    if key == "script":
        name = _SCRIPT_NAMES.get(str(row["script"]), (str(row["script"]),) * 2)
        return name[0] if zh else name[1]
    if key == "template":
        name = _TEMPLATE_NAMES.get(str(row["template"]), (str(row["template"]),) * 2)
        return name[0] if zh else name[1]
    if key == "level":
        name = LEVEL_NAMES.get(str(row["level"]), (str(row["level"]),) * 2)
        return name[0] if zh else name[1]
    if key == "agency":
        return str(row["agency"])
    if key == "region":
        return _region(row) or ("未知" if zh else "unknown")
    if key == "years":
        have = years.get(row["agency"], [])
        return "、".join(f"{y}年" for y in have) if zh else ", ".join(map(str, have))
    return str(row["source"])


def _cite(row: pd.Series, lang: str) -> str:
    if lang == "zh":
        return f"{row['agency']}{int(row['year'])}年报告(来源:{row['source']})"
    return f"{row['agency']}'s {int(row['year'])} report (source: {row['source']})"


def _published_line(plan: Plan, lang: str, lines: list[str]) -> None:
    """The other reading of "2023年发布的": by publication date."""
    if not plan.corpus.get("by_published"):
        return
    zh = lang == "zh"
    rows = plan.corpus.get("published_in") or []
    years = "、".join(f"{y}年" for y in plan.years) if zh else ", ".join(map(str, plan.years))
    reports = len({(a, y) for a, y, _, _ in rows})
    listed = ("、".join(f"{a}({y}年度,{p})" for a, y, p, _ in rows) if zh else
              "; ".join(f"{a} ({y} report, {p})" for a, y, p, _ in rows))
    if zh:
        lines.append(f"(以上按报告所属年度计。若按发布日期,{years}发布的年报有{reports}份" + (f":{listed}" if rows else "")
                     + ";未写明发布日期的报告不在其内。)")
    else:
        lines.append(f"(Counted by the year each report covers. By publication date, {reports} report"
                     f"{'s' * (reports != 1)} came out in {years}" + (f": {listed}" if rows else "")
                     + "; reports that state no publication date are not among them.)")


def _related_line(plan: Plan, frame: pd.DataFrame, ask: str, lang: str, lines: list[str]) -> None:
    """Agencies named like the asked one (its 管委会, its 人民政府): counted apart, said with the
    figure they would give together."""
    related: dict[str, list[int]] = plan.corpus.get("related") or {}
    if not related:
        return
    zh = lang == "zh"
    own = {int(y) for y in frame["year"]}
    together = sorted(own.union(*[set(ys) for ys in related.values()]))
    names = [f"“{a}”({'、'.join(f'{y}年' for y in ys)})" if zh else f"“{a}” ({', '.join(map(str, ys))})"
             for a, ys in related.items()]
    if ask == "years":
        total = (f"共{len(together)}个年份:{'、'.join(f'{y}年' for y in together)}" if zh else
                 f"{len(together)} years: {', '.join(map(str, together))}")
    else:
        n = len(own) + sum(len(set(ys) - own) for ys in related.values())
        total = f"共{n}份" if zh else f"{n} reports"
    lines.append(f"另有名称相近的{'、'.join(names)}单独列为机关,可能是同一机关;若一并计算,{total}。" if zh else
                 f"The corpus also holds {', '.join(names)}, a similar name kept as a separate agency that may be the "
                 f"same body; counted together: {total}.")


def compose(facts: Facts, lang: str, lines: list[str]) -> dict[str, Any] | None:
    """The answer's lines (appended to ``lines``) and its table."""
    plan = facts.plan
    if facts.frame is None:
        return None  # nothing was asked of the store: the scope notes say why
    frame = facts.frame
    zh = lang == "zh"
    where = scope(plan, lang)
    ask = plan.corpus.get("ask", "list")
    fields = list(plan.corpus.get("fields", []))
    if not len(frame):
        lines.append(f"语料库中没有符合条件的报告({where})。" if zh else f"The corpus has no report matching ({where}).")
        return None
    years: dict[str, list[int]] = {str(a): sorted({int(y) for y in g["year"]}) for a, g in frame.groupby("agency")}
    # One report is an agency's year: the same report stored twice (an HTML page and its text
    # dump) is counted once, and the files are said.
    n_reports = len(frame.drop_duplicates(["agency", "year"]))
    files = "" if n_reports == len(frame) else (f"(共{len(frame)}个文件,同一报告的不同文件只算一份)" if zh else
                                                f" ({len(frame)} files; one report stored in several files counts once)")
    if ask == "reports":
        lines.append(f"{where}:共{n_reports}份年报{files}。" if zh else
                     f"{where}: {n_reports} report{'s' * (n_reports != 1)}{files}.")
    elif ask == "agencies":
        n = len(years)
        lines.append(f"{where}:共{n}个机关发布了年报({n_reports}份)。" if zh else
                     f"{where}: {n} agenc{'ies' if n != 1 else 'y'} ({n_reports} report{'s' * (n_reports != 1)}).")
    elif ask == "agency_list":
        n = len(years)
        agencies = [f"{a}({len(ys)}份:{'、'.join(f'{y}年' for y in ys)})" if zh else
                    f"{a} ({len(ys)}: {', '.join(map(str, ys))})" for a, ys in years.items()]
        lines.append(f"{where}:共{n}个机关发布了年报({n_reports}份):" + "、".join(agencies) + "。" if zh else
                     f"{where}: {n} agenc{'ies' if n != 1 else 'y'} ({n_reports} report{'s' * (n_reports != 1)}): "
                     + "; ".join(agencies) + ".")
    elif ask == "years":
        found = sorted({int(y) for y in frame["year"]})
        listed = "、".join(f"{y}年" for y in found) if zh else ", ".join(map(str, found))
        lines.append(f"{where}:共有{len(found)}个年份的年报:{listed}。" if zh else
                     f"{where}: reports for {len(found)} year{'s' * (len(found) != 1)}: {listed}.")
    else:
        lines.append(f"{where}:{n_reports}份年报{files}。" if zh else
                     f"{where}: {n_reports} report{'s' * (n_reports != 1)}{files}.")
    _related_line(plan, frame, ask, lang, lines)
    _published_line(plan, lang, lines)
    shown = [f for f in fields if not (ask == "years" and f == "years")] or (["script"] if plan.corpus.get("script") else []) or (
        ["template"] if plan.corpus.get("template") else [])
    for _, row in frame.head(0 if ask == "agency_list" else TEXT_ROWS).iterrows():
        values = [f"{_FIELD_NAMES[k][0 if zh else 1]}{':' if zh else ': '}{_value(row, k, lang, years)}" for k in shown]
        tail = (";" if zh else "; ").join(values)
        lines.append(f"- {_cite(row, lang)}" + (f":{tail}" if zh and tail else f": {tail}" if tail else ""))
    if len(frame) > TEXT_ROWS and ask != "agency_list":
        lines.append(f"……另有{len(frame) - TEXT_ROWS}份见表格。" if zh else f"… {len(frame) - TEXT_ROWS} more in the table.")
    headers = ["机关", "年份", "发布日期", "模板", "字体", "层级", "地区", "源文件"] if zh else \
        ["agency", "year", "published", "template", "script", "level", "region", "source"]
    rows = [[row["agency"], int(row["year"]), None if pd.isna(row["published"]) else pd.Timestamp(row["published"]).date().isoformat(),
             row["template"], _value(row, "script", lang, years), _value(row, "level", lang, years), _region(row),
             row["source"]] for _, row in frame.iterrows()]
    return {"columns": headers, "rows": rows}
