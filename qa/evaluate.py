"""Question files: conversations with expected answers, checked and scored per intent and kind.

One JSON object per line: ``{"id", "turns": [...], "expect": [{...}, ...], "intent"?}`` where
``expect[i]`` holds, for answer i (see ../shared/questions/README.md):

* ``numbers``: each is *stated* by the answer (see :func:`answer_numbers`), as the report writes it;
* ``mentions``: each string appears in the answer text;
* ``sources_from``: the cited passages include one from each listed file;
* ``source_section``: those passages (all passages when no file is listed) are from that section;
* ``sources_agencies``: every cited passage comes from one of these agencies;

and, beyond the shared format: ``not_numbers`` (numbers the answer must not state),
``not_mentions`` (strings neither the text nor the table may hold), ``intent`` (the plan's
intent), ``no_data`` (true when the answer must say that the corpus lacks what was asked),
``warnings`` (strings some warning holds).  ``intent`` at the top level (a string, or a list
with one per turn) names the intent a turn is scored under; without it the plan's intent is
used.  A line may also carry ``kind`` (what sort of question: scored per kind too), ``group``
(the underlying question its paraphrases share), ``lang``, ``note`` (ignored) and ``unsure``
(true: the expectation itself is in doubt; such lines are scored apart from the rest).

A wrong answer is **confidently wrong** when it shows nothing that would make a reader doubt
it (:func:`shown_doubts`): no words or names reported as not understood, no readings offered,
no "理解为 … / read as …" or other stated assumption, no warning about the reading of the
question, and no statement that data is missing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parsing.errors import GongkaiError

# A number as written: not part of a file name or a Latin word (000_9b26….txt holds no 9).
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])-?\d+(?:\.\d+)?(?![0-9A-Za-z_]|\.[A-Za-z])")
# Citations, whose digits are not figures: file names and paths, passage markers "[2]",
# report sections "第5部分" / "section 5" / "§5".
_CITATION = re.compile(
    r"[^\s()（）“”\"'‘’,，;；:：、]+\.(?:txt|html?|pdf|docx?|xlsx?|wps|csv|json|md)\b"
    r"|\[\d+\]|第\s*\d+\s*部分|\bsections?\s+\d+|§\s*\d+", re.I)
# An arithmetic operator: a piece of an expression that holds one shows a breakdown, and
# its numbers are terms, not stated figures ("3件 (= 1 + 2)", "36 − 31 = 5": 5 only).
# ASCII "-" and "/" count only between spaces (else: ranges, dates, negative numbers).
_OPERATOR = re.compile(r"[+＋−×÷]|\s[-/*]\s")
# What separates the pieces of an expression (and of sentences).
_PIECE_BREAK = re.compile(r"[=＝;；,，。\n]")

# Expectation keys (a misspelt key would pass silently otherwise).
EXPECT_KEYS = ("numbers", "not_numbers", "mentions", "not_mentions", "sources_from", "source_section",
               "sources_agencies", "intent", "no_data", "warnings")

# Words of an answer text (or warning) that state an assumption or offer a choice of readings.
ASSUMPTION_WORDS = ("理解为", "假定", "假设", "按照", "视为", "当作", "未识别", "没有识别", "无法识别", "未能识别",
                    "没有理解", "不确定", "可能是指", "是否指", "您是指", "你是指", "是指以下", "请选择", "哪一个",
                    "最接近", "assumed", "assuming", "read as", "taken as", "treated as", "not understood",
                    "did not understand", "didn't understand", "not recognised", "not recognized",
                    "did you mean", "which one", "closest", "could mean", "choose")
# Plan fields that, when not empty, are shown to the reader as doubts about the reading:
# names that matched nothing, words linked to nothing (``unlinked``), readings to choose from.
DOUBT_FIELDS = ("unknown_names", "unlinked", "options", "choices", "alternatives", "clarify")
# A warning about a failed data check names its rule: "(narrative.review_litigation.total: …)".
_CHECK_RULE = re.compile(r"[(（][a-z_0-9]+(?:\.[a-z_0-9]+)+[:：]")


class BadQuestionFile(GongkaiError):
    """A question file line that is not a conversation with expectations."""


# ---------------------------------------------------------------------------
# What an answer states
# ---------------------------------------------------------------------------


def _paren_groups(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into (inside top-level brackets?, text) runs; unbalanced brackets are text."""
    runs: list[tuple[bool, str]] = []
    depth, start = 0, 0
    for i, char in enumerate(text):
        if char in "(（":
            if depth == 0:
                runs.append((False, text[start:i]))
                start = i + 1
            depth += 1
        elif char in ")）" and depth:
            depth -= 1
            if depth == 0:
                runs.append((True, text[start:i]))
                start = i + 1
    runs.append((depth > 0, text[start:]))
    return runs


def _without_terms(text: str) -> str:
    """``text`` with every piece of arithmetic that holds an operator blanked out."""
    pieces = _PIECE_BREAK.split(text)
    return " | ".join(" " if _OPERATOR.search(piece) else piece for piece in pieces)


def stated_text(text: str) -> str:
    """The parts of ``text`` whose numbers it states: no citations, no breakdown terms.

    A bracket that opens with "=" ("(= 1 + 2)", "(= (14 + 6) / 38 × 100)") is a breakdown
    as a whole; elsewhere a piece between "=", ";", "," and sentence ends that holds an
    operator is ("(61 = 55 + 6)" states 61; "(36 − 31 = 5)" states 5).
    """
    text = _CITATION.sub(" ", text)
    kept = []
    for inside, run in _paren_groups(text):
        if inside and run.lstrip().startswith(("=", "＝")):
            continue
        kept.append(_without_terms(run))
    return " ( ".join(kept)


def answer_text(answer: dict[str, Any]) -> str:
    """The answer's text without its scope line (``"scope"``: "范围:2021年 · 县级机关…"), which
    restates the filters the answer ran under, not what it answers."""
    text = answer.get("answer") or ""
    scope = answer.get("scope") or ""
    if scope and text.endswith(scope):
        text = text[: len(text) - len(scope)].rstrip("\n")
    return text


def numbers_in(text: str) -> list[float]:
    return [float(n) for n in _NUMBER.findall(stated_text(text))]


def answer_numbers(answer: dict[str, Any]) -> list[float]:
    """The numbers the answer states: in its text and its table's cells, not in a file name,
    a source citation, or as a term of an arithmetic breakdown shown beside a figure."""
    found = numbers_in(answer_text(answer))
    for value in _cells(answer):
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, float)):
            found.append(float(value))
        elif isinstance(value, str):
            found += numbers_in(value)
    return found


def _cells(answer: dict[str, Any]) -> list[Any]:
    table = answer.get("table") or {}
    return [value for row in table.get("rows") or [] for value in row]


def _name(path: str) -> str:
    return Path(str(path)).name


def _has(numbers: list[float], number: Any) -> bool:
    return any(abs(float(number) - n) < 1e-6 for n in numbers)


# ---------------------------------------------------------------------------
# Checking one answer
# ---------------------------------------------------------------------------


def check(answer: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    """What ``answer`` (as ``Answer.to_dict()``) fails of ``expect``; empty when it passes."""
    problems: list[str] = []
    text = answer_text(answer)
    shown = [text] + [str(v) for v in _cells(answer) if isinstance(v, str)]
    numbers = answer_numbers(answer)
    for number in expect.get("numbers", []):
        if not _has(numbers, number):
            problems.append(f"number {number} not in the answer")
    for number in expect.get("not_numbers", []):
        if _has(numbers, number):
            problems.append(f"number {number} stated")
    for mention in expect.get("mentions", []):
        if mention not in text:
            problems.append(f"“{mention}” not mentioned")
    for mention in expect.get("not_mentions", []):
        if any(mention in s for s in shown):
            problems.append(f"“{mention}” mentioned")
    sources = answer.get("sources") or []
    files = expect.get("sources_from", [])
    section = expect.get("source_section")
    for file in files:
        mine = [s for s in sources if _name(s.get("source", "")) == _name(file)]
        if not mine:
            problems.append(f"no passage cited from {file}")
        elif section is not None and not any(s.get("section") == section for s in mine):
            problems.append(f"no passage of {file} from section {section}")
    if section is not None and not files:
        if not sources or any(s.get("section") != section for s in sources):
            problems.append(f"passages not all from section {section}")
    allowed = expect.get("sources_agencies")
    if allowed is not None:
        if not sources:
            problems.append("no passage cited")
        outside = sorted({s.get("agency") for s in sources if s.get("agency") not in allowed})
        if outside:
            problems.append(f"passages cited from other agencies: {', '.join(map(str, outside))}")
    plan = answer.get("plan") or {}
    if "intent" in expect and plan.get("intent") != expect["intent"]:
        problems.append(f"intent {plan.get('intent')!r}, expected {expect['intent']!r}")
    if "no_data" in expect and bool(plan.get("no_data")) != bool(expect["no_data"]):
        problems.append("expected a no-data answer" if expect["no_data"] else "answered “no data”")
    for warning in expect.get("warnings", []):
        if not any(warning in w for w in answer.get("warnings") or []):
            problems.append(f"no warning mentions “{warning}”")
    return problems


def _name_warning(warning: str, plan: dict[str, Any]) -> bool:
    """Does ``warning`` only say how a name of the question was identified ("越城区" → 绍兴市…)?"""
    for entity in plan.get("entities") or []:
        words = [entity.get("text") or ""]
        targets = list(entity.get("names") or []) + list((entity.get("region") or {}).values())
        if all(words) and words[0] in warning and any(t and t in warning for t in targets):
            return True
    return False


def failed_on_names(answer: dict[str, Any], expect: dict[str, Any], is_name: Callable[[str], bool]) -> bool:
    """Did the answer fail on an agency or place: an expected name missing from its text, an
    unwanted one shown, or a passage cited from an agency not allowed?  ``is_name`` tells
    whether a string names an agency or place of the corpus; a part of a name the question
    used (越秀 of 越秀区, matching nothing) is a name too."""
    text = answer_text(answer)
    shown = [text] + [str(v) for v in _cells(answer) if isinstance(v, str)]
    used = [e.get("text") or "" for e in (answer.get("plan") or {}).get("entities") or []]

    def named(mention: str) -> bool:  # a name of the corpus, or part of a name the question used
        return is_name(mention) or any(u and (mention in u or u in mention) for u in used)

    if any(m not in text and named(m) for m in expect.get("mentions", [])):
        return True
    if any(named(m) and any(m in s for s in shown) for m in expect.get("not_mentions", [])):
        return True
    allowed = expect.get("sources_agencies")
    return allowed is not None and any(s.get("agency") not in allowed for s in answer.get("sources") or [])


def shown_doubts(answer: dict[str, Any], on_names: bool = False) -> list[str]:
    """What the answer shows that tells a reader it may not answer the question asked.

    * ``no data``: the answer says the corpus lacks what was asked (``plan.no_data``);
    * ``<field>``: a plan field of :data:`DOUBT_FIELDS` is not empty (``unknown_names``,
      ``unlinked`` …): names or words reported as not understood, readings offered;
    * ``stated assumption``: the text holds one of :data:`ASSUMPTION_WORDS` (the "理解为:…"
      line of a follow-up, "assumed …", "did you mean …");
    * ``warning``: a warning other than a failed data check of a report (which says
      nothing about the reading) and other than the identification of a name the question
      used ("“越城区”识别为…", which vouches for the agency, not for the figure) — unless
      ``on_names``: the answer failed on a name (:func:`failed_on_names`).

    Empty: the answer is stated as plain fact.
    """
    plan = answer.get("plan") or {}
    doubts = []
    if plan.get("no_data"):
        doubts.append("no data")
    doubts += [name for name in DOUBT_FIELDS if plan.get(name)]
    text = answer_text(answer).lower()
    if any(word.lower() in text for word in ASSUMPTION_WORDS):
        doubts.append("stated assumption")
    for warning in answer.get("warnings") or []:
        if _CHECK_RULE.search(warning):
            continue
        if _name_warning(warning, plan) and not on_names:
            continue
        doubts.append("warning")
        break
    return doubts


# ---------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------


@dataclass
class TurnResult:
    id: str
    turn: int
    question: str
    intent: str
    problems: list[str] = field(default_factory=list)
    kind: str = ""
    group: str = ""
    lang: str = ""
    unsure: bool = False
    doubts: list[str] = field(default_factory=list)  # see shown_doubts

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def confidently_wrong(self) -> bool:
        """Wrong, and shown as plain fact: no assumption, no warning, no missing data said."""
        return bool(self.problems) and not self.doubts


@dataclass
class Score:
    passed: int = 0
    total: int = 0
    confidently_wrong: int = 0

    @property
    def accuracy(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def wrong(self) -> int:
        return self.total - self.passed

    @property
    def confidently_wrong_rate(self) -> float:
        """Confidently wrong answers among all answers."""
        return self.confidently_wrong / self.total if self.total else 0.0

    def add(self, result: TurnResult) -> None:
        self.passed += result.ok
        self.total += 1
        self.confidently_wrong += result.confidently_wrong


def _scores(results: Iterable[TurnResult], key: Callable[[TurnResult], str]) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    for result in results:
        scores.setdefault(key(result), Score()).add(result)
    return dict(sorted(scores.items()))


def _total(results: Iterable[TurnResult]) -> Score:
    score = Score()
    for result in results:
        score.add(result)
    return score


@dataclass
class EvalReport:
    """Every turn's result.  The figures (``by_intent``, ``by_kind``, ``overall`` …) count the
    sure lines only; lines marked ``unsure`` are scored apart (``unsure_score``)."""

    results: list[TurnResult] = field(default_factory=list)

    @property
    def sure(self) -> list[TurnResult]:
        return [r for r in self.results if not r.unsure]

    @property
    def unsure(self) -> list[TurnResult]:
        return [r for r in self.results if r.unsure]

    def by_intent(self) -> dict[str, tuple[int, int]]:
        return {k: (s.passed, s.total) for k, s in self.scores("intent").items()}

    def scores(self, by: str) -> dict[str, Score]:
        """Per ``intent``, ``kind``, ``lang`` or ``group`` (lines without it: "-")."""
        return _scores(self.sure, lambda r: str(getattr(r, by) or "-"))

    def by_kind(self) -> dict[str, Score]:
        return self.scores("kind")

    @property
    def overall(self) -> Score:
        return _total(self.sure)

    @property
    def unsure_score(self) -> Score:
        return _total(self.unsure)

    @property
    def confidently_wrong_rate(self) -> float:
        return self.overall.confidently_wrong_rate

    def groups_all_right(self) -> tuple[int, int]:
        """Underlying questions (``group``) all of whose wordings passed, of all groups."""
        groups = self.scores("group")
        groups.pop("-", None)
        return sum(s.passed == s.total for s in groups.values()), len(groups)

    @property
    def failures(self) -> list[str]:
        return [f"{r.id}#{r.turn + 1} [{r.intent}{'/' + r.kind if r.kind else ''}]"
                f"{' CONFIDENTLY WRONG' if r.confidently_wrong else ''}{' (unsure)' if r.unsure else ''}"
                f" {r.question}: {'; '.join(r.problems)}{' (shown: ' + ', '.join(r.doubts) + ')' if r.doubts else ''}"
                for r in self.results if not r.ok]

    def to_dict(self) -> dict[str, Any]:
        def score(s: Score) -> dict[str, Any]:
            return {"passed": s.passed, "total": s.total, "accuracy": s.accuracy,
                    "confidently_wrong": s.confidently_wrong, "confidently_wrong_rate": s.confidently_wrong_rate}

        return {"overall": score(self.overall),
                "by_intent": {k: score(s) for k, s in self.scores("intent").items()},
                "by_kind": {k: score(s) for k, s in self.by_kind().items()},
                "by_lang": {k: score(s) for k, s in self.scores("lang").items()},
                "unsure": score(self.unsure_score),
                "groups_all_right": list(self.groups_all_right()),
                "failures": self.failures}

    def summary(self) -> str:
        sure = self.sure
        lines = _accuracy_table("intent", self.scores("intent"), self.overall)
        if any(r.kind for r in sure):
            lines += [""] + _accuracy_table("kind", self.by_kind(), self.overall)
        lines += ["", "Confidently wrong (wrong, with no assumption, warning or missing data shown):"]
        lines += _confident_table("intent", self.scores("intent"), self.overall)
        if any(r.kind for r in sure):
            lines += [""] + _confident_table("kind", self.by_kind(), self.overall)
        if len({r.lang for r in sure}) > 1:
            lines += [""] + [f"{lang:8s} {s.passed:5d}/{s.total:<5d} {s.accuracy:7.1%} right, "
                             f"{s.confidently_wrong_rate:6.1%} confidently wrong"
                             for lang, s in self.scores("lang").items()]
        right, groups = self.groups_all_right()
        if groups:
            lines.append(f"\nQuestions right in every wording: {right} of {groups} groups.")
        if self.unsure:
            s = self.unsure_score
            lines.append(f"Unsure lines (not counted above): {s.passed} of {s.total} passed, "
                         f"{s.confidently_wrong} confidently wrong.")
        return "\n".join(lines)


def _accuracy_table(by: str, scores: dict[str, Score], overall: Score) -> list[str]:
    width = max([12] + [len(k) + 1 for k in scores])
    lines = [f"{by:{width}s} {'passed':>6s} {'total':>6s} {'accuracy':>9s}"]
    for name, s in list(scores.items()) + [("all", overall)]:
        lines.append(f"{name:{width}s} {s.passed:6d} {s.total:6d} {s.accuracy:9.1%}")
    return lines


def _confident_table(by: str, scores: dict[str, Score], overall: Score) -> list[str]:
    width = max([12] + [len(k) + 1 for k in scores])
    lines = [f"{by:{width}s} {'wrong':>6s} {'conf.':>6s} {'of all':>7s}"]
    for name, s in list(scores.items()) + [("all", overall)]:
        lines.append(f"{name:{width}s} {s.wrong:6d} {s.confidently_wrong:6d} {s.confidently_wrong_rate:7.1%}")
    return lines


# ---------------------------------------------------------------------------
# Files and runs
# ---------------------------------------------------------------------------


def load(path: Path) -> list[dict[str, Any]]:
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadQuestionFile(f"{path}:{number}: not JSON ({exc}).") from exc
        if not isinstance(item, dict) or not isinstance(item.get("turns"), list) \
                or not isinstance(item.get("expect"), list) or len(item["turns"]) != len(item["expect"]):
            raise BadQuestionFile(f"{path}:{number}: needs “turns” and “expect” lists of the same length.")
        for expect in item["expect"]:
            if not isinstance(expect, dict):
                raise BadQuestionFile(f"{path}:{number}: each “expect” entry is an object.")
            unknown = sorted(set(expect) - set(EXPECT_KEYS))
            if unknown:
                raise BadQuestionFile(f"{path}:{number}: unknown expectation {', '.join(unknown)} "
                                      f"(known: {', '.join(EXPECT_KEYS)}).")
        items.append(item)
    return items


def _intent(item: dict[str, Any], turn: int, plan_intent: str) -> str:
    intent = item.get("intent")
    if isinstance(intent, list):
        return str(intent[turn]) if turn < len(intent) else plan_intent
    return str(intent) if intent else plan_intent


def evaluate(items: Iterable[dict[str, Any]], corpus: Any) -> EvalReport:
    """Ask every conversation of ``items`` of ``corpus`` (a :class:`qa.corpus.Corpus`) and check it."""
    from qa.dialogue import Conversation
    from qa.session import ask

    vocabulary = corpus.vocabulary()

    def is_name(text: str) -> bool:
        return bool(vocabulary.mentions(text))

    report = EvalReport()
    for item in items:
        conversation = Conversation()
        for turn, (question, expect) in enumerate(zip(item["turns"], item["expect"])):
            try:
                answer = ask(question, conversation, corpus).to_dict()
            except Exception as exc:  # noqa: BLE001 - one failing question must not stop the run
                # An error states no figure: a failure, never a confidently wrong one.
                answer = {"answer": "", "plan": {"intent": "error"}, "warnings": []}
                problems, doubts = [f"error: {type(exc).__name__}: {exc}"], ["error"]
            else:
                problems = check(answer, expect)
                doubts = shown_doubts(answer, bool(problems) and failed_on_names(answer, expect, is_name))
            report.results.append(TurnResult(
                str(item.get("id", "?")), turn, question, _intent(item, turn, answer["plan"]["intent"]),
                problems, kind=str(item.get("kind") or ""), group=str(item.get("group") or ""),
                lang=str(item.get("lang") or answer["plan"].get("lang") or ""), unsure=bool(item.get("unsure")),
                doubts=doubts))
    return report


def evaluate_file(path: Path, data: Path) -> EvalReport:
    from qa.corpus import Corpus

    with Corpus(data) as corpus:
        return evaluate(load(path), corpus)
