"""The narrative of a demo report: sections 一, 五 and 六, preamble and closing.

Sentences come from :mod:`corpus.phrases`; figures the tables also hold (requests
received, normative documents, reconsideration and litigation) are stated only through the
``*_FIGURE*`` sentences, from the printed tables, unless a ``narrative_conflict`` defect asks
for one of them to disagree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from corpus import demo_form as F
from corpus import phrases as P
from corpus.demo_geo import Agency
from parsing.record import Grid, Number
from parsing.template import SECTIONS, TEMPLATE_2021

# Conflicts a narrative can carry, by the figure it misstates.
CONFLICT_FIELDS = ("requests", "repealed", "review")

_PROBLEMS_BY_TOPIC = {key: [p.text for p in P.PROBLEMS if p.topic == key] for key in P.TOPIC_KEYS}
_MEASURES_BY_TOPIC = {key: [p.text for p in P.MEASURES if p.topic == key] for key in P.TOPIC_KEYS}
# Some problems are raised far more often than others in real reports.
_TOPIC_WEIGHTS = {
    "policy_interpretation": 5, "request_handling": 3, "new_media": 4, "websites_platforms": 4,
    "training_staff": 5, "supervision_assessment": 3, "grassroots": 2, "open_data": 1, "accessibility": 1,
    "confidentiality_review": 2, "cybersecurity": 1, "responding_concerns": 3, "key_areas": 3,
    "institution_building": 3,
}
_HALFWIDTH = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})


@dataclass
class Narrative:
    preamble: str | None
    sections: list[dict[str, object]]          # {"no", "title", "text"} for 一, 五, 六
    closing: str | None
    stated: dict[str, Number] = field(default_factory=dict)
    topics: dict[str, list[str]] = field(default_factory=dict)
    conflict: dict[str, object] | None = None


class Context:
    """The slot values of one report; numbers are drawn afresh for every phrase that has them."""

    def __init__(self, agency: Agency, year: int) -> None:
        self.fixed: dict[str, object] = {
            "agency": agency.name, "unit": self_name(agency.name), "scope": scope_word(agency),
            "platform": P.PORTAL.format(place=agency.place), "upper": agency.upper,
            "year": year, "next_year": year + 1,
        }
        self.place_core = (agency.county or agency.city or agency.province)[:-1][-2:]

    def slots(self, rng: random.Random, text: str) -> dict[str, object]:
        if "{n" not in text and "{app}" not in text:
            return self.fixed
        return {**self.fixed, "app": rng.choice(P.APP_NAMES).format(short=self.place_core),
                "n1": rng.randint(2, 9), "n2": rng.randint(10, 99), "n3": rng.randint(100, 3000)}


def self_name(agency: str) -> str:
    for ending, name in P.SELF_NAMES:
        if agency.endswith(ending):
            return name
    return "本机关"


def scope_word(agency: Agency) -> str:
    level = "district" if agency.level == "county" and agency.district else agency.level
    return P.SCOPE_WORDS[level]


def _fill(rng: random.Random, ctx: Context, text: str, **extra: object) -> str:
    return text.format_map({**ctx.slots(rng, text), **extra}) if extra else text.format_map(ctx.slots(rng, text))


def _numeral(i: int) -> str:
    return F.CN_NUMERALS[i]


def _sentences(parts: list[str]) -> str:
    return "".join(p + "。" for p in parts)


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def _request_sentence(rng: random.Random, ctx: Context, apps: Grid, stated: Number) -> str:
    carried, forward = apps["carried_over"]["total"], apps["carried_forward"]["total"]
    if stated == 0:
        return _fill(rng, ctx, rng.choice(P.REQUEST_FIGURE_ZERO))
    text = _fill(rng, ctx, rng.choice(P.REQUEST_FIGURE), n=stated, carried=carried)
    follow = P.REQUEST_FOLLOW_CARRIED if forward else P.REQUEST_FOLLOW_DONE
    return text + "，" + rng.choice(follow).format(forward=forward)


def _review_sentence(rng: random.Random, ctx: Context, review: Grid, deny: bool) -> tuple[str, dict[str, Number]]:
    r = review["review"]["total"]
    lit = review["litigation_direct"]["total"] + review["litigation_after_review"]["total"]
    if deny or (r == 0 and lit == 0):
        return (_fill(rng, ctx, rng.choice(P.REVIEW_FIGURE_NONE)),
                {"review_litigation.review.total": 0, "review_litigation.litigation.total": 0})
    group = P.REVIEW_FIGURE_BOTH if r and lit else (P.REVIEW_FIGURE_REVIEW_ONLY if r else P.REVIEW_FIGURE_LITIGATION_ONLY)
    text = _fill(rng, ctx, rng.choice(group), review=r, litigation=lit)
    return text, {"review_litigation.review.total": r, "review_litigation.litigation.total": lit}


def _docs_sentence(rng: random.Random, ctx: Context, template: str, docs: dict[str, Number],
                   must_state: str | None) -> tuple[str, dict[str, Number]]:
    options = P.DOCS_FIGURE_2021 if template == TEMPLATE_2021 else P.DOCS_FIGURE_2019
    if must_state:
        options = tuple(o for o in options if must_state in o[0])
    fields, text = rng.choice(options)
    stated = {f"active_disclosure.normative_documents.{f}": docs[f] for f in fields}
    return _fill(rng, ctx, text, **docs), stated


def _misstate(rng: random.Random, true: int, avoid: set[Number]) -> int:
    """A figure that is clearly not ``true`` (nor any figure in ``avoid``)."""
    while True:
        delta = rng.randint(1, max(3, true // 3))
        value = true + delta if rng.random() < 0.6 or true - delta < 0 else true - delta
        if value not in avoid and value >= 0:
            return value


# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------


def _overview(rng: random.Random, ctx: Context, template: str, tables: dict[str, Grid],
              conflict: str | None) -> tuple[str, dict[str, Number], list[str], dict[str, object] | None]:
    apps, review = tables["applications"], tables["review_litigation"]
    docs = tables["active_disclosure"]["normative_documents"]
    stated: dict[str, Number] = {}
    planted: dict[str, object] | None = None
    topics: list[str] = []
    items = [k for k in P.OVERVIEW_ITEMS if k in ("requests", "management") or rng.random() < 0.8]
    inline = rng.random() < 0.4
    lines = [_fill(rng, ctx, rng.choice(P.OVERVIEW_LEADS)) + "。"]
    for i, key in enumerate(items):
        pool = list(P.OVERVIEW[key])
        chosen = rng.sample(pool, k=min(len(pool), rng.randint(1, 3)))
        topics.extend(p.topic for p in chosen)
        body = [_fill(rng, ctx, p.text) for p in chosen]
        if key == "requests":
            figures = []
            truth = apps["new_received"]["total"]
            if conflict == "requests":
                avoid = {truth, apps["total_processed"]["total"], truth + apps["carried_over"]["total"]}
                said = _misstate(rng, int(truth), avoid)
                planted = {"field": "applications.new_received.total", "stated": said, "table": truth}
                figures.append(_request_sentence(rng, ctx, apps, said))
            elif rng.random() < 0.85:
                stated["applications.new_received.total"] = truth
                figures.append(_request_sentence(rng, ctx, apps, truth))
            if conflict == "review":
                text, _ = _review_sentence(rng, ctx, review, deny=True)
                planted = {"field": "review_litigation", "stated": "none",
                           "table": {row: review[row]["total"] for row in review}}
                figures.append(text)
            elif rng.random() < 0.6:
                text, said_review = _review_sentence(rng, ctx, review, deny=False)
                stated.update(said_review)
                figures.append(text)
            body = figures + body
        elif key == "management":
            if conflict == "repealed":
                truth = docs["repealed"]
                said = _misstate(rng, int(truth), {int(truth)})
                text, _ = _docs_sentence(rng, ctx, template, {**docs, "repealed": said}, "repealed")
                planted = {"field": "active_disclosure.normative_documents.repealed", "stated": said,
                           "table": truth}
                body.append(text)
            elif rng.random() < 0.6:
                text, said_docs = _docs_sentence(rng, ctx, template, docs, None)
                stated.update(said_docs)
                body.append(text)
        heading = f"（{_numeral(i)}）{rng.choice(P.OVERVIEW_HEADINGS[key])}"
        lines.append(f"{heading}。{_sentences(body)}" if inline else f"{heading}\n{_sentences(body)}")
    return "\n".join(lines), stated, topics, planted


def _pick_topics(rng: random.Random, k: int) -> list[str]:
    keys = list(_TOPIC_WEIGHTS)
    chosen: list[str] = []
    while len(chosen) < k:
        key = rng.choices(keys, [_TOPIC_WEIGHTS[x] for x in keys])[0]
        if key not in chosen:
            chosen.append(key)
    return chosen


def _enumerate_shi(parts: list[str], sep: str) -> str:
    return sep.join(f"{_numeral(i)}是{p}" for i, p in enumerate(parts)) + "。"


def _problems_and_measures(rng: random.Random, ctx: Context) -> tuple[str, dict[str, list[str]]]:
    problem_topics = _pick_topics(rng, rng.randint(2, 4))
    extra = [t for t in _pick_topics(rng, rng.randint(0, 2)) if t not in problem_topics]
    measure_topics = problem_topics + extra
    problems = [_fill(rng, ctx, rng.choice(_PROBLEMS_BY_TOPIC[t])) for t in problem_topics]
    measures = [_fill(rng, ctx, rng.choice(_MEASURES_BY_TOPIC[t])) for t in measure_topics]
    p_head, m_head = rng.choice(P.PROBLEM_HEADINGS), rng.choice(P.MEASURE_HEADINGS)
    p_lead = _fill(rng, ctx, rng.choice(P.PROBLEM_LEADS))
    m_lead = _fill(rng, ctx, rng.choice(P.MEASURE_LEADS))
    style = rng.choice(("headed", "lead", "numbered", "titled"))
    if style == "headed":
        text = (f"（一）{p_head}\n{_enumerate_shi(problems, '；')}\n"
                f"（二）{m_head}\n{_enumerate_shi(measures, '。')}")
    elif style == "lead":
        text = f"{p_lead}：{_enumerate_shi(problems, '；')}\n{m_lead}：{_enumerate_shi(measures, '；')}"
    elif style == "numbered":
        text = (f"（一）{p_head}\n" + "\n".join(f"{i + 1}.{p}；" for i, p in enumerate(problems))[:-1] + "。\n"
                + f"（二）{m_head}\n" + "\n".join(f"{i + 1}.{m}。" for i, m in enumerate(measures)))
    else:
        titled = "\n".join(f"（{_numeral(i)}）{rng.choice(P.MEASURE_TITLES[t])}\n{m}。"
                           for i, (t, m) in enumerate(zip(measure_topics, measures)))
        text = f"{p_lead}：{_enumerate_shi(problems, '；')}\n{m_lead}：\n{titled}"
    return text, {"problems": problem_topics, "measures": measure_topics}


def compose(rng: random.Random, agency: Agency, year: int, template: str, tables: dict[str, Grid],
            conflict: str | None = None, halfwidth: bool = False) -> Narrative:
    """The narrative of one report, consistent with ``tables`` unless ``conflict`` names a figure."""
    ctx = Context(agency, year)
    overview, stated, overview_topics, planted = _overview(rng, ctx, template, tables, conflict)
    section5, topics = _problems_and_measures(rng, ctx)
    topics["overview"] = overview_topics
    section6 = _fill(rng, ctx, rng.choice(P.SECTION6_TEXTS)) + "。"
    preamble = _fill(rng, ctx, rng.choice(P.PREAMBLES)) if rng.random() < 0.6 else None
    closing = _fill(rng, ctx, rng.choice(P.CLOSINGS)) if rng.random() < 0.25 else None
    sections: list[dict[str, object]] = [
        {"no": 1, "title": SECTIONS[0].title, "text": overview},
        {"no": 5, "title": rng.choice(P.SECTION5_TITLES), "text": section5},
        {"no": 6, "title": SECTIONS[5].title, "text": section6},
    ]
    if halfwidth:
        for section in sections:
            section["text"] = str(section["text"]).translate(_HALFWIDTH)
        preamble = preamble.translate(_HALFWIDTH) if preamble else None
        closing = closing.translate(_HALFWIDTH) if closing else None
    if planted is not None:
        planted = {"kind": "narrative_conflict", **planted}
    return Narrative(preamble, sections, closing, stated, topics, planted)
