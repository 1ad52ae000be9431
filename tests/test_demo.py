"""The demo corpus generator: determinism, layouts, ground truth, defects, fictional names,
and a parse round trip of every layout, script and template."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import opencc
import pytest

from corpus import phrases as P
from corpus.demo import (DEFECT_KINDS, FICTIONAL_PREFIXES, LAYOUTS, DemoError, DemoReport, ensure_demo_corpus,
                         failed_rules, generate_records, read_manifest, render, render_detail, write_corpus)
from corpus.demo_geo import max_agencies, select_agencies_pool
from corpus.demo_text import Context
from index.passages.topics import TOPICS
from parsing import parse_bytes
from parsing.template import SECTIONS, TEMPLATES

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
YEARS = range(2019, 2025)


@pytest.fixture(scope="module")
def reports() -> list[DemoReport]:
    """The default demo corpus: 300 agencies × 6 years."""
    return list(generate_records(300, YEARS, seed=0))


def _t2s(text: str) -> str:
    return opencc.OpenCC("t2s").convert(text)


# ---------------------------------------------------------------------------
# Determinism and layouts
# ---------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    def files(seed: int) -> list[tuple[str, bytes]]:
        return [render(r, layout) for r in generate_records(12, range(2019, 2023), seed) for layout in LAYOUTS]

    first = files(5)
    assert first == files(5)
    other = files(6)
    assert len(other) == len(first) == 12 * 4 * len(LAYOUTS)
    assert sum(a[1] != b[1] for a, b in zip(first, other)) > 0.9 * len(first)


def test_report_count_and_order() -> None:
    got = list(generate_records(7, range(2020, 2023), seed=1))
    assert len(got) == 21
    assert [r.index for r in got] == list(range(21))
    assert [r.year for r in got[:3]] == [2020, 2021, 2022]
    assert len({r.agency for r in got}) == 7


def test_every_layout_script_encoding_and_template_occurs(reports: list[DemoReport]) -> None:
    assert {r.layout for r in reports} == set(LAYOUTS)
    scripts = Counter(r.script for r in reports)
    assert 0.06 < scripts["traditional"] / len(reports) < 0.14
    assert {r.encoding for r in reports} == {"utf-8", "gb18030"}
    assert {r.template for r in reports if r.year == 2019} == {"2019"}
    assert {r.template for r in reports if r.year == 2020} == {"2019", "2021"}
    assert {r.template for r in reports if r.year >= 2021} == {"2021"}


def test_each_layout_has_its_signature(reports: list[DemoReport]) -> None:
    report = next(r for r in reports if r.template == "2019" and r.script == "simplified")
    texts = {layout: render_detail(report, layout) for layout in LAYOUTS}
    # One report in ten ends its lines with CRLF; the signatures are about the lines themselves.
    decoded = {k: v.data.decode(report.encoding).replace("\r\n", "\n") for k, v in texts.items()}
    assert " | " in decoded["pipe"] and decoded["pipe"].count("\n") < decoded["one_per_line"].count("\n")
    assert "\n\n" in decoded["blank_lines"]
    assert "您当前的位置" in decoded["chrome"] or "当前位置" in decoded["chrome"] or "首页" in decoded["chrome"]
    assert "索引号" in decoded["meta_header"]
    assert "\n三\n、\n本\n年\n度\n" in decoded["vertical_label"].replace("\n\n", "\n")
    tail = decoded["displaced_headers"].rstrip().split("\n")[-7:]
    assert ["企业", "机构", "公益", "组织", "服务", "机构"] in (tail[:6], tail[1:])
    assert "信息内容 本年新制作数量 本年新公开数量 对外公开总数量" in decoded["spaces"]
    assert re.search(r"^[一二三四]、.*\?$", decoded["question_marks"], re.M)
    assert f"(数据核定时间点为{report.year}年1月1日" in decoded["check_lines"]
    assert "<table" in decoded["html"] and 'rowspan="' in decoded["html"] and 'colspan="' in decoded["html"]
    assert texts["html"].name.endswith(".html") and texts["pipe"].name.endswith(".txt")


def test_traditional_and_gb18030_bytes(reports: list[DemoReport]) -> None:
    trad = next(r for r in reports if r.script == "traditional" and r.encoding == "utf-8")
    text = render(trad, "pipe")[1].decode("utf-8")
    assert "公開" in text and "公开" not in text
    gb = next(r for r in reports if r.encoding == "gb18030" and r.layout != "html")
    data = render(gb)[1]
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert gb.agency in _t2s(data.decode("gb18030"))


# ---------------------------------------------------------------------------
# Ground truth: balance, magnitudes, defects, stated figures
# ---------------------------------------------------------------------------


def test_tables_balance_except_planted_unbalanced(reports: list[DemoReport]) -> None:
    for r in reports:
        failed = failed_rules(r.applications, r.review_litigation, r.template)
        planted = [d for d in r.defects if d["kind"] == "unbalanced"]
        if not planted:
            assert failed == [], (r.index, failed)
            continue
        assert failed and failed == planted[0]["rules"]
        cell = planted[0]
        r.applications[cell["row"]][cell["column"]] = cell["expected"]
        assert failed_rules(r.applications, r.review_litigation, r.template) == []
        r.applications[cell["row"]][cell["column"]] = cell["printed"]


def test_defect_shares_near_five_percent_and_configurable(reports: list[DemoReport]) -> None:
    counts = Counter(k for r in reports for k in set(r.defect_kinds))
    for kind in DEFECT_KINDS:
        assert 0.035 <= counts[kind] / len(reports) <= 0.07, (kind, counts[kind])
    many = list(generate_records(60, range(2021, 2024), seed=2, shares={"unbalanced": 0.5, "copied_narrative": 0}))
    share = sum("unbalanced" in r.defect_kinds for r in many) / len(many)
    assert 0.4 < share < 0.6
    assert not any("copied_narrative" in r.defect_kinds for r in many)
    with pytest.raises(DemoError, match="unknown defect"):
        next(generate_records(2, YEARS, 0, shares={"typo": 0.1}))


def test_realistic_magnitudes(reports: list[DemoReport]) -> None:
    townships = [r.applications["new_received"]["total"] for r in reports if r.level == "township"]
    assert max(townships) <= 5 and townships.count(0) > len(townships) / 3
    busy = [r.applications["new_received"]["total"] for r in reports if r.level in ("city", "province")]
    assert max(busy) >= 100
    assert all(0 <= r.active_disclosure["penalty"]["decisions"] <= 2000 for r in reports)
    old = [r for r in reports if r.template == "2019"]
    assert any(row.get("change", 0) < 0 for r in old for row in r.active_disclosure.values())
    assert any(isinstance(r.active_disclosure["procurement"]["amount_wan"], float) for r in old)
    assert any(isinstance(r.active_disclosure["fees"]["amount_wan"], float) for r in reports if r.template == "2021")
    zeros = sum(v == 0 for r in reports for row in r.applications.values() for v in row.values())
    assert zeros > 0.7 * sum(len(row) for r in reports for row in r.applications.values())


def test_year_to_year_carry_over(reports: list[DemoReport]) -> None:
    by_key = {(r.key, r.year): r for r in reports}
    for r in reports:
        before = by_key.get((r.key, r.year - 1))
        if before is None or any(d["kind"] == "unbalanced" for d in r.defects + before.defects):
            continue
        assert r.applications["carried_over"] == before.applications["carried_forward"]
        if r.template == before.template == "2021":
            docs, prev = r.active_disclosure["normative_documents"], before.active_disclosure["normative_documents"]
            assert docs["in_force"] == prev["in_force"] + docs["issued"] - docs["repealed"]


def _table_figure(r: DemoReport, key: str) -> int | float:
    review = r.review_litigation
    if key == "review_litigation.litigation.total":
        return review["litigation_direct"]["total"] + review["litigation_after_review"]["total"]
    table, row, column = key.split(".")
    return getattr(r, table)[row][column]


def test_narrative_states_figures_consistently(reports: list[DemoReport]) -> None:
    stating = 0
    for r in reports:
        overview = r.sections[0]["text"]
        for key, value in r.stated.items():
            assert value == _table_figure(r, key), (r.index, key)
            if value and key.startswith(("applications", "active_disclosure")):
                assert f"{value}件" in overview
        stating += bool(r.stated)
    assert stating > 0.8 * len(reports)


def test_narrative_conflicts_contradict_the_table(reports: list[DemoReport]) -> None:
    conflicts = [(r, d) for r in reports for d in r.defects if d["kind"] == "narrative_conflict"]
    assert {d["field"] for _, d in conflicts} == {"applications.new_received.total", "review_litigation",
                                                  "active_disclosure.normative_documents.repealed"}
    for r, d in conflicts:
        overview = r.sections[0]["text"]
        if d["field"] == "review_litigation":
            assert any(d["table"].values()) and ("未发生" in overview)
        else:
            assert d["stated"] != d["table"] == _table_figure(r, d["field"])
            assert f"{d['stated']}件" in overview


def test_copied_narrative_is_word_for_word(reports: list[DemoReport]) -> None:
    by_name = {(r.agency, r.year): r for r in reports}
    copies = [(r, d) for r in reports for d in r.defects if d["kind"] == "copied_narrative"]
    assert copies
    for r, d in copies:
        source = by_name[(d["source_agency"], d["source_year"])]
        assert r.sections[1]["text"] == source.sections[1]["text"]
        assert source.index < r.index
    # Reports without the defect never repeat last year's section 五.
    for r in reports:
        before = by_name.get((r.agency, r.year - 1))
        if before and "copied_narrative" not in r.defect_kinds:
            assert r.sections[1]["text"] != before.sections[1]["text"]


def test_section_five_topics_are_recorded(reports: list[DemoReport]) -> None:
    keys = set(P.TOPIC_KEYS)
    for r in reports[:200]:
        assert 2 <= len(r.topics["problems"]) <= 4 and set(r.topics["problems"]) <= keys
        assert set(r.topics["problems"]) <= set(r.topics["measures"]) <= keys
    assert {t for r in reports for t in r.topics["problems"]} == keys


# ---------------------------------------------------------------------------
# Fictional names and the phrase bank
# ---------------------------------------------------------------------------


def _real_divisions() -> set[str]:
    spec = importlib.util.find_spec("cpca")
    assert spec and spec.submodule_search_locations
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8") as handle:
        names = {row["name"] for row in csv.DictReader(handle)}
    jl = importlib.util.find_spec("jionlp")
    if jl and jl.submodule_search_locations:
        zpath = Path(list(jl.submodule_search_locations)[0]) / "dictionary" / "china_location.zip"
        with zipfile.ZipFile(zpath) as zf:
            for line in io.StringIO(zf.read(zf.namelist()[0]).decode("utf-8")):
                if len(line) - len(line.lstrip("\t")) <= 2:
                    names.add(line.strip().split("\t")[0])
    return names


def test_names_are_fictional() -> None:
    pool = select_agencies_pool(len(FICTIONAL_PREFIXES) * 10)
    assert len(pool) == max_agencies() > 20_000
    assert len({a.name for a in pool}) == len(pool)
    real = _real_divisions()
    assert "东川区" in real  # the gazetteers are really there
    for a in pool:
        assert a.province.startswith(FICTIONAL_PREFIXES) and a.province.endswith("省")
        assert a.city is None or a.city.startswith(FICTIONAL_PREFIXES)
        for name in (a.province, a.city, a.county):
            assert name not in real, name


def test_phrase_bank_covers_every_topic() -> None:
    assert len(P.TOPIC_KEYS) == len(set(P.TOPIC_KEYS)) == 14
    assert set(P.TOPIC_KEYS) <= {t.key for t in TOPICS}  # the one list of topics
    for key in P.TOPIC_KEYS:
        assert sum(p.topic == key for p in P.PROBLEMS) >= 8, key
        assert sum(p.topic == key for p in P.MEASURES) >= 8, key
        assert P.MEASURE_TITLES[key]
    overview_topics = {p.topic for phrases in P.OVERVIEW.values() for p in phrases}
    assert overview_topics <= set(P.TOPIC_KEYS)
    ctx = Context(select_agencies_pool(2)[0], 2022)
    import random

    for phrase in [*P.PROBLEMS, *P.MEASURES, *(p for ps in P.OVERVIEW.values() for p in ps)]:
        text = phrase.text.format_map(ctx.slots(random.Random(0), phrase.text))
        assert "{" not in text and not text.endswith(("。", "；", "，"))
        # Filler never states a figure the tables hold: that is the *_FIGURE* sentences' job.
        assert not re.search(r"\d+\s*件", text) and "复议" not in text and "诉讼" not in text


def test_phrases_are_not_copied_from_the_seeds() -> None:
    official = sorted({s.title for s in SECTIONS} | {t.heading[2:] for t in TEMPLATES["2021"].tables.values()},
                      key=len, reverse=True)

    def norm(text: str) -> str:
        # Titles of laws (《…》), official slogans (“…”) and the form's own section titles are
        # quoted verbatim everywhere; compare the rest.
        text = re.sub(r"《[^》]*》|“[^”]*”", "《》", unicodedata.normalize("NFKC", text))
        for title in official:
            text = text.replace(title, "§")
        return text

    seeds = norm("".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))))
    assert len(seeds) > 10_000
    texts = [p.text for p in (*P.PROBLEMS, *P.MEASURES)] + [p.text for ps in P.OVERVIEW.values() for p in ps]
    texts += [*P.OVERVIEW_LEADS, *P.PREAMBLES, *P.SECTION6_TEXTS, *P.CLOSINGS, *P.PROBLEM_LEADS, *P.MEASURE_LEADS]
    run = 16
    for text in map(norm, texts):
        for piece in re.split(r"\{[^}]*\}", text):
            for i in range(len(piece) - run + 1):
                assert piece[i:i + run] not in seeds, piece[i:i + run]


# ---------------------------------------------------------------------------
# Files on disk
# ---------------------------------------------------------------------------


def test_write_corpus_files_and_manifest(tmp_path: Path) -> None:
    out = write_corpus(tmp_path / "demo", 10, range(2019, 2022), seed=4)
    manifest = read_manifest(out)
    generated = list(generate_records(10, range(2019, 2022), seed=4))
    assert len(manifest) == len(generated) == 30
    for entry, report in zip(manifest, generated):
        data = (out / entry["file"]).read_bytes()
        assert data == render(report)[1]
        assert entry["layout"] == report.layout and entry["encoding"] == report.encoding
        assert entry["truth"] == json.loads(json.dumps(report.truth(), ensure_ascii=False))
        assert entry["defects"] == report.defects
    assert sorted(p.name for p in out.iterdir()) == sorted([e["file"] for e in manifest] + ["demo.json",
                                                                                           "manifest.jsonl"])


def test_ensure_demo_corpus_generates_once(tmp_path: Path) -> None:
    target = tmp_path / "cache"
    first = ensure_demo_corpus(target, n_agencies=3, years=range(2023, 2025))
    stamp = (first / "demo.json").stat().st_mtime_ns
    assert len(read_manifest(first)) == 6
    again = ensure_demo_corpus(target, n_agencies=3, years=range(2023, 2025))
    assert again == first and (first / "demo.json").stat().st_mtime_ns == stamp
    bigger = ensure_demo_corpus(target, n_agencies=4, years=range(2023, 2025))
    assert len(read_manifest(bigger)) == 8 and len(list(bigger.glob("*.txt")) + list(bigger.glob("*.html"))) == 8
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(DemoError, match="not a demo corpus"):
        ensure_demo_corpus(foreign, n_agencies=2, years=range(2023, 2024))
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_bad_parameters_are_explained() -> None:
    with pytest.raises(DemoError, match="start with 2019"):
        next(generate_records(2, range(2015, 2020), 0))
    with pytest.raises(DemoError, match="holds"):
        next(generate_records(max_agencies() + 1, range(2021, 2022), 0))
    with pytest.raises(ValueError, match="unknown layout"):
        render(next(generate_records(1, range(2021, 2022), 0)), "pdf")


# ---------------------------------------------------------------------------
# Round trip through the parser
# ---------------------------------------------------------------------------


def _round_trip_sample() -> list[tuple[DemoReport, str]]:
    """~60 (report, layout) pairs covering every layout × template, traditional script in
    every layout, GB18030, and every planted defect."""
    reports = list(generate_records(60, YEARS, seed=3))
    clean = [r for r in reports if not r.defects]
    picks: list[tuple[DemoReport, str]] = []
    for i, layout in enumerate(LAYOUTS):
        for template in ("2019", "2021"):
            picks.append(([r for r in clean if r.template == template][i], layout))
        picks.append(([r for r in reports if r.script == "traditional"][i], layout))
    for kind in DEFECT_KINDS:
        with_kind = [r for r in reports if kind in r.defect_kinds]
        picks += [(r, LAYOUTS[(i * 3) % len(LAYOUTS)]) for i, r in enumerate(with_kind[:10])]
    return picks


def test_round_trip_sample_covers_everything() -> None:
    picks = _round_trip_sample()
    assert 50 <= len(picks) <= 70
    assert {(layout, r.template) for r, layout in picks} >= {(lay, t) for lay in LAYOUTS for t in ("2019", "2021")}
    assert {layout for r, layout in picks if r.script == "traditional"} == set(LAYOUTS)
    assert any(r.encoding == "gb18030" for r, _ in picks)
    assert {k for r, _ in picks for k in r.defect_kinds} == set(DEFECT_KINDS)


def test_round_trip_through_the_parser() -> None:
    """Parsing a rendered report gives back exactly its ground truth."""
    mismatches: list[str] = []
    for report, layout in _round_trip_sample():
        rendered = render_detail(report, layout)
        parsed = parse_bytes(rendered.data, rendered.name)
        truth = report.truth(layout)
        where = f"{rendered.name} [{layout}/{rendered.table_style}, {report.template}, {report.script}]"
        for key in ("agency", "year", "template", "script", "published"):
            if getattr(parsed, key) != truth[key]:
                mismatches.append(f"{where} {key}: expected {truth[key]!r}, parsed {getattr(parsed, key)!r}")
        for table in ("active_disclosure", "applications", "review_litigation"):
            if parsed.table(table) != truth[table]:
                mismatches.append(f"{where} {table}: expected {truth[table]}, parsed {parsed.table(table)}")
        parsed_sections = {s.no: s.text for s in parsed.sections}
        for section in truth["sections"]:
            got = parsed_sections.get(section["no"], "")
            got = _t2s(got) if report.script == "traditional" else got
            if section["text"].replace("\n", "") not in got.replace("\n", ""):
                mismatches.append(f"{where} section {section['no']} text not found in parsed section")
        failed = [c.rule for c in parsed.failed_checks]
        kinds = report.defect_kinds
        for defect in report.defects:
            if defect["kind"] == "unbalanced":
                got_rules = sorted(f for f in failed if f.startswith("applications."))
                if got_rules != sorted(defect["rules"]):
                    mismatches.append(f"{where} unbalanced: expected failed {defect['rules']}, got {got_rules}")
            if defect["kind"] == "narrative_conflict" and not any(f.startswith("narrative.") for f in failed):
                mismatches.append(f"{where} narrative_conflict {defect} not flagged; failed checks {failed}")
        if not {"unbalanced", "narrative_conflict"} & set(kinds) and failed:
            details = [(c.rule, c.detail) for c in parsed.failed_checks]
            mismatches.append(f"{where} clean report has failed checks {details}")
    assert not mismatches, "\n".join(mismatches)
