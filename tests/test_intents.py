"""The intent registry (qa/intents.py): every intent one entry, looked up by name, loudly."""

from __future__ import annotations

import pytest

from qa import intents
from qa.plan import INTENTS, STRUCTURED, Plan


def test_every_intent_of_the_plan_has_one_entry():
    names = [intent.name for intent in intents.REGISTRY]
    assert len(names) == len(set(names)), "an intent is declared twice"
    assert set(names) == set(INTENTS)


@pytest.mark.parametrize("intent", intents.REGISTRY, ids=lambda i: i.name)
def test_every_entry_has_a_description_a_step_and_a_composer(intent):
    assert intent.description.strip()
    assert callable(intent.gather) and callable(intent.compose)
    assert intent.structured == (intent.name in STRUCTURED)
    # Only intents answered from table cells are chosen by the structured chain's predicates.
    assert intent.when is None or intent.structured


def test_an_unknown_intent_fails_loudly():
    with pytest.raises(intents.UnknownIntent, match="“sideways”"):
        intents.get("sideways")
    with pytest.raises(intents.UnknownIntent):
        intents.gather(Plan(question="?", intent="sideways"), corpus=None)  # type: ignore[arg-type]


def test_the_last_structured_intent_always_holds():
    last = [i for i in intents.REGISTRY if i.when is not None][-1]
    assert last.when is not None and last.when(Plan(), {k: None for k in intents.cue_words()}, 0)


@pytest.mark.parametrize("cues, agencies, years, expected, compare", [
    ({"compare": "对比"}, 0, [], "compare", "agency"),
    ({}, 2, [2021], "compare", "agency"),
    ({}, 1, [2021, 2022], "compare", "year"),
    ({"trend": "趋势"}, 1, [], "trend", None),
    ({"rank": "最多"}, 0, [], "rank", None),
    ({"count": "几个"}, 0, [], "count", None),
    ({"list": "哪些"}, 0, [], "list", None),
    ({"average": "平均"}, 0, [], "average", None),
    ({}, 1, [2021], "lookup", None),
    ({}, 0, [2021], "total", None),
])
def test_structured_intents_are_tried_in_registry_order(cues, agencies, years, expected, compare):
    found = {name: None for name in intents.cue_words()} | {"numeric": None} | cues
    plan = Plan(years=years, metrics=["requests_new"])
    assert intents.structured_intent(plan, found, agencies) == expected
    assert plan.compare == compare


def test_cue_words_come_from_the_registry():
    words = intents.cue_words()
    assert {"compare", "trend", "rank", "count", "list", "average", "total"} <= set(words)
    assert all(isinstance(w, str) and w for ws in words.values() for w in ws)
