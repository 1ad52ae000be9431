"""Corpora for the question-answering and app tests, built once per session, and the demo
question renderer.

* the seeds (../shared/seeds) ingested with their passage index (shared, read-only: tests
  that write build their own corpus);
* a small demo corpus (``corpus.demo.write_corpus``) ingested the same way, with its
  manifest: the ground truth the demo questions' expectations are computed from.

Demo question templates (``tests/questions/demo.jsonl``) name no agency or number: a
``pick`` selects reports from the manifest, ``{agency}``, ``{year}``, ``{v:<metric>}`` …
are filled from it, and aggregate expectations (``list``, ``count``, ``top``, ``series``,
``sum``, ``avg``, ``defects``) are computed from the manifest's truth.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEEDS

QUESTIONS = Path(__file__).parent / "questions"
DEMO_AGENCIES = 6
DEMO_YEARS = range(2019, 2025)
DEMO_SEED = 5
# More defects than the default 5 %, so that a small corpus holds some of each.
DEMO_SHARES = {"unbalanced": 0.12, "narrative_conflict": 0.12, "copied_narrative": 0.12}

_BUILT: dict[str, Any] = {}


def _ingest_with_index(files: Path, data: Path) -> None:
    from corpus.ingest import ingest

    result = ingest([files], data, workers=1, progress=False)
    assert not result.failed, result.failed


def seeds_corpus(factory: pytest.TempPathFactory) -> Path:
    if "seeds" not in _BUILT:
        if not SEEDS.is_dir():
            pytest.fail(f"{SEEDS} is missing: the seeds live in ../shared/seeds")
        data = factory.mktemp("qa-seeds")
        _ingest_with_index(SEEDS, data)
        _BUILT["seeds"] = data
    return _BUILT["seeds"]


def real_corpus(factory: pytest.TempPathFactory) -> Path:
    """../shared/real (published HTML pages and crawler dumps) ingested as one corpus, with its index."""
    if "real" not in _BUILT:
        real = SEEDS.parent / "real"
        if not real.is_dir():
            pytest.fail(f"{real} is missing: the real reports live in ../shared/real")
        data = factory.mktemp("qa-real")
        _ingest_with_index(real, data)
        _BUILT["real"] = data
    return _BUILT["real"]


def demo_corpus(factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    if "demo" not in _BUILT:
        from corpus.demo import read_manifest, write_corpus

        files = factory.mktemp("qa-demo-files")
        write_corpus(files, DEMO_AGENCIES, DEMO_YEARS, seed=DEMO_SEED, shares=DEMO_SHARES)
        data = factory.mktemp("qa-demo")
        _ingest_with_index(files, data)
        _BUILT["demo"] = (data, read_manifest(files))
    return _BUILT["demo"]


# ---------------------------------------------------------------------------
# Ground truth
# ---------------------------------------------------------------------------


def truth_value(entry: dict[str, Any], key: str) -> float | None:
    """A metric's value in one manifest entry's truth (sums over the cells it has)."""
    from index.tables.metrics import catalogue

    metric = catalogue()[key]
    truth = entry["truth"]
    values = [truth.get(t, {}).get(r, {}).get(c) for t, r, c in metric.cells]
    if metric.kind == "cell":
        return values[0]
    present = [v for v in values if v is not None]
    return float(sum(present)) if present else None


def _ops(value: float, op: str, threshold: float) -> bool:
    return {">": value > threshold, ">=": value >= threshold, "<": value < threshold, "<=": value <= threshold,
            "=": value == threshold}[op]


def english_name(agency: str, region: dict[str, Any]) -> str | None:
    """柏原区人民政府 → "Baiyuan District": the place's pinyin and its English place word."""
    from pypinyin import lazy_pinyin

    from index.tables.resolve import PLACE_WORDS, abbreviate, split_place, strip_government

    name = strip_government(abbreviate(agency))
    for level in ("province", "city", "county"):
        part = region.get(level)
        if part and name.startswith(part) and len(name) > len(part):
            name = name[len(part):]
    core, suffix = split_place(name)
    words = dict(PLACE_WORDS)
    if not suffix or suffix not in words or not re.fullmatch(r"[\u4e00-\u9fff]+", core):
        return None
    return "".join(lazy_pinyin(core)).capitalize() + " " + words[suffix][0].title()


# ---------------------------------------------------------------------------
# Rendering templates
# ---------------------------------------------------------------------------


def _matches(entry: dict[str, Any], pick: dict[str, Any]) -> bool:
    if pick.get("template") and entry["template"] != pick["template"]:
        return False
    if pick.get("kind") and entry["kind"] != pick["kind"]:
        return False
    if pick.get("level") and entry["level"] != pick["level"]:
        return False
    if pick.get("year") and entry["truth"]["year"] != pick["year"]:
        return False
    for key in pick.get("need", []):
        if truth_value(entry, key) is None:
            return False
    for key in pick.get("positive", []):
        if not truth_value(entry, key):
            return False
    if pick.get("english") and not english_name(entry["truth"]["agency"], entry["truth"]["region"]):
        return False
    if pick.get("measures_topic") and not entry["topics"].get("measures"):
        return False
    return True


def _pick(manifest: list[dict[str, Any]], pick: dict[str, Any]) -> list[dict[str, Any]]:
    """Entries for {agency}/{year} (and {agency2}, or {year2} of the same agency)."""
    skip = pick.get("skip", 0)
    candidates = [e for e in manifest if _matches(e, pick)]
    if pick.get("years") == 2:
        for entry in candidates:
            later = [e for e in candidates if e["truth"]["agency"] == entry["truth"]["agency"]
                     and e["truth"]["year"] > entry["truth"]["year"]]
            if later:
                if skip:
                    skip -= 1
                    continue
                return [entry, later[0]]
    elif pick.get("agencies", 1) == 2:
        for entry in candidates:
            other = [e for e in candidates if e["truth"]["agency"] != entry["truth"]["agency"]
                     and e["truth"]["year"] == entry["truth"]["year"]]
            if other:
                if skip:
                    skip -= 1
                    continue
                return [entry, other[0]]
    elif len(candidates) > skip:
        return [candidates[skip]]
    raise AssertionError(f"no demo report fits {pick}")


def _scope(manifest: list[dict[str, Any]], spec: dict[str, Any], values: dict[str, str]) -> list[dict[str, Any]]:
    year = spec.get("year")
    year = int(_fill(str(year), values)) if year is not None else None
    city = _fill(spec["city"], values) if spec.get("city") else None
    agency = _fill(spec["agency"], values) if spec.get("agency") else None
    low, high = spec.get("years", [None, None])
    found = []
    for entry in manifest:
        truth = entry["truth"]
        if year is not None and truth["year"] != year:
            continue
        if low is not None and not (int(_fill(str(low), values)) <= truth["year"] <= int(_fill(str(high), values))):
            continue
        if city and truth["region"].get("city") != city:
            continue
        if agency and truth["agency"] != agency:
            continue
        found.append(entry)
    return found


def _fill(text: str, values: dict[str, str]) -> str:
    return re.sub(r"\{([a-z0-9_]+)\}", lambda m: values.get(m.group(1), m.group(0)), text)


def _number(text: str, entries: list[dict[str, Any]]) -> float:
    match = re.fullmatch(r"\{(v|v2|vy2):([a-z_.]+)\}", text)
    if not match:
        return float(text)
    entry = entries[0] if match.group(1) == "v" else entries[1]
    value = truth_value(entry, match.group(2))
    assert value is not None, f"{match.group(2)} absent in {entry['file']}"
    return value


def _aggregate(key: str, spec: dict[str, Any], manifest: list[dict[str, Any]],
               values: dict[str, str]) -> dict[str, list[Any]]:
    if key == "defects":
        names = sorted({e["truth"]["agency"] for e in manifest if any(d["kind"] == spec for d in e["defects"])})
        assert names, f"the demo corpus has no {spec} defect"
        return {"mentions": names}
    scope = _scope(manifest, spec, values)
    metric = spec["metric"]
    rows = [(e["truth"]["agency"], e["truth"]["year"], truth_value(e, metric)) for e in scope]
    rows = [r for r in rows if r[2] is not None]
    if key in ("list", "count"):
        chosen = [r for r in rows if _ops(r[2], spec.get("op", ">"), spec.get("value", 0))]
        agencies = sorted({r[0] for r in chosen})
        assert agencies, f"no demo agency fits {spec}"
        if key == "count":
            return {"numbers": [len(agencies)], "mentions": agencies}
        return {"mentions": agencies, "numbers": [r[2] for r in chosen]}
    if key == "top":
        best = (min if spec.get("order") == "asc" else max)(r[2] for r in rows)
        n = spec.get("n", 1)
        ranked = sorted(rows, key=lambda r: r[2], reverse=spec.get("order") != "asc")
        chosen = [r for r in rows if r[2] == best] if n == 1 else ranked[:n]
        return {"mentions": sorted({r[0] for r in chosen}), "numbers": [r[2] for r in chosen]}
    if key == "series":
        return {"numbers": [r[2] for r in sorted(rows, key=lambda r: r[1])]}
    if key == "sum":
        return {"numbers": [sum(r[2] for r in rows)]}
    if key == "avg":
        return {"numbers": [round(sum(r[2] for r in rows) / len(rows), 2)]}
    raise AssertionError(f"unknown aggregate {key}")


def render(template: dict[str, Any], manifest: list[dict[str, Any]]) -> dict[str, Any]:
    """A concrete conversation (examples' format) from a demo template."""
    from index.passages.topics import resolve_topic

    entries = _pick(manifest, template["pick"]) if template.get("pick") is not None else []
    newest = max(e["truth"]["year"] for e in manifest)
    values: dict[str, str] = {"newest": str(newest), "recent3": str(newest - 2)}
    for i, entry in enumerate(entries):
        suffix = "" if i == 0 else "2"
        truth = entry["truth"]
        values["agency" + suffix] = truth["agency"]
        values["year" + suffix] = str(truth["year"])
        values["city" + suffix] = truth["region"].get("city") or ""
        values["file" + suffix] = entry["file"]
        values["pinyin" + suffix] = english_name(truth["agency"], truth["region"]) or ""
        topics = entry["topics"].get("measures") or []
        if topics:
            values["topic" + suffix] = resolve_topic(topics[0]).zh
    expect = []
    listed: list[str] = []
    for raw in template["expect"]:
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if key in ("list", "count", "top", "series", "sum", "avg", "defects"):
                for field, items in _aggregate(key, value, manifest, values).items():
                    out.setdefault(field, []).extend(items)
                if key == "list":
                    listed = list(out["mentions"])
            elif key == "list_sources":
                # Passages of the agencies the list (this turn's or the previous one's) found.
                out["sources_agencies"] = listed
            elif key == "numbers":
                out.setdefault("numbers", []).extend(_number(_fill(str(v), values), entries) for v in value)
            elif isinstance(value, list):
                out[key] = [_fill(v, values) if isinstance(v, str) else v for v in value]
            else:
                out[key] = _fill(value, values) if isinstance(value, str) else value
        expect.append(out)
    return {"id": template["id"], "turns": [_fill(t, values) for t in template["turns"]], "expect": expect,
            "intent": template.get("intent")}


def demo_questions(manifest: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lines = (QUESTIONS / "demo.jsonl").read_text(encoding="utf-8").splitlines()
    return [render(json.loads(line), manifest) for line in lines if line.strip()]
