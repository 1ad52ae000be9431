"""Question files: conversations with expected answers, checked and scored per intent.

One JSON object per line: ``{"id", "turns": [...], "expect": [{...}, ...], "intent"?}`` where
``expect[i]`` holds, for answer i (see ../shared/questions/README.md):

* ``numbers``: each appears in the answer text or table, as the report writes it;
* ``mentions``: each string appears in the answer text;
* ``sources_from``: the cited passages include one from each listed file;
* ``source_section``: those passages (all passages when no file is listed) are from that section;
* ``sources_agencies``: every cited passage comes from one of these agencies;

and, beyond the shared format: ``intent`` (the plan's intent), ``no_data`` (true when the
answer must say that the corpus lacks what was asked), ``warnings`` (strings some warning
holds), ``not_mentions`` (strings the text must not hold).  ``intent`` at the top level
(a string, or a list with one per turn) names the intent a turn is scored under; without
it the plan's intent is used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parsing.errors import GongkaiError

# A number as written: not part of a file name or a Latin word (000_9b26….txt holds no 9).
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])-?\d+(?:\.\d+)?(?![0-9A-Za-z_])")


class BadQuestionFile(GongkaiError):
    """A question file line that is not a conversation with expectations."""


def answer_numbers(answer: dict[str, Any]) -> list[float]:
    """Every number of the answer's text and table."""
    found = [float(n) for n in _NUMBER.findall(answer.get("answer") or "")]
    table = answer.get("table") or {}
    for row in table.get("rows") or []:
        for value in row:
            if isinstance(value, bool):
                continue
            if isinstance(value, (int, float)):
                found.append(float(value))
            elif isinstance(value, str):
                found += [float(n) for n in _NUMBER.findall(value)]
    return found


def _name(path: str) -> str:
    return Path(str(path)).name


def check(answer: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    """What ``answer`` (as ``Answer.to_dict()``) fails of ``expect``; empty when it passes."""
    problems: list[str] = []
    text = answer.get("answer") or ""
    numbers = answer_numbers(answer)
    for number in expect.get("numbers", []):
        if not any(abs(float(number) - n) < 1e-6 for n in numbers):
            problems.append(f"number {number} not in the answer")
    for mention in expect.get("mentions", []):
        if mention not in text:
            problems.append(f"“{mention}” not mentioned")
    for mention in expect.get("not_mentions", []):
        if mention in text:
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


@dataclass
class TurnResult:
    id: str
    turn: int
    question: str
    intent: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class EvalReport:
    results: list[TurnResult] = field(default_factory=list)

    def by_intent(self) -> dict[str, tuple[int, int]]:
        scores: dict[str, tuple[int, int]] = {}
        for result in self.results:
            passed, total = scores.get(result.intent, (0, 0))
            scores[result.intent] = (passed + result.ok, total + 1)
        return dict(sorted(scores.items()))

    @property
    def failures(self) -> list[str]:
        return [f"{r.id}#{r.turn + 1} [{r.intent}] {r.question}: {'; '.join(r.problems)}"
                for r in self.results if not r.ok]

    def summary(self) -> str:
        lines = [f"{'intent':12s} {'passed':>6s} {'total':>6s} {'accuracy':>9s}"]
        for intent, (passed, total) in self.by_intent().items():
            lines.append(f"{intent:12s} {passed:6d} {total:6d} {passed / total:9.1%}")
        passed = sum(r.ok for r in self.results)
        total = len(self.results)
        lines.append(f"{'all':12s} {passed:6d} {total:6d} {(passed / total if total else 0):9.1%}")
        return "\n".join(lines)


def load(path: Path) -> list[dict[str, Any]]:
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadQuestionFile(f"{path}:{number}: not JSON ({exc}).") from exc
        if not isinstance(item.get("turns"), list) or not isinstance(item.get("expect"), list) \
                or len(item["turns"]) != len(item["expect"]):
            raise BadQuestionFile(f"{path}:{number}: needs “turns” and “expect” lists of the same length.")
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

    report = EvalReport()
    for item in items:
        conversation = Conversation()
        for turn, (question, expect) in enumerate(zip(item["turns"], item["expect"])):
            answer = ask(question, conversation, corpus).to_dict()
            intent = _intent(item, turn, answer["plan"]["intent"])
            report.results.append(TurnResult(str(item.get("id", "?")), turn, question, intent,
                                             check(answer, expect)))
    return report


def evaluate_file(path: Path, data: Path) -> EvalReport:
    from qa.corpus import Corpus

    with Corpus(data) as corpus:
        return evaluate(load(path), corpus)
