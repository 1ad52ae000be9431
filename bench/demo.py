"""Benchmark the demo corpus generator, and check the parser against its ground truth.

    python bench/demo.py                      # 10,000 reports: generate, render, write
    python bench/demo.py --reports 2000 --roundtrip 2000

Prints figures; asserts nothing.  ``--roundtrip N`` parses the first N files written and
counts every difference from the manifest (tables, metadata, sections, checks), printing a
few examples of each kind.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.demo import generate_records, read_manifest, render_detail, write_corpus  # noqa: E402

YEARS = range(2019, 2025)


def bench_generation(n_reports: int, out: Path) -> Path:
    n_agencies = math.ceil(n_reports / len(YEARS))
    started = time.perf_counter()
    reports = list(generate_records(n_agencies, YEARS, seed=0))
    generated = time.perf_counter() - started
    started = time.perf_counter()
    size = sum(len(render_detail(r).data) for r in reports)
    rendered = time.perf_counter() - started
    print(f"generate: {len(reports)} reports in {generated:.2f} s ({len(reports) / generated:,.0f}/s)")
    print(f"render:   {len(reports)} files in {rendered:.2f} s, {size / 1e6:.1f} MB")
    started = time.perf_counter()
    write_corpus(out, n_agencies, YEARS, seed=0)
    written = time.perf_counter() - started
    manifest = (out / "manifest.jsonl").stat().st_size
    print(f"write:    {len(reports)} files + manifest ({manifest / 1e6:.1f} MB) in {written:.2f} s")
    return out


def _diff(expected: dict, parsed: dict) -> list[str]:
    out = []
    for row in sorted(set(expected) | set(parsed)):
        for col in sorted(set(expected.get(row, {})) | set(parsed.get(row, {}))):
            a, b = expected.get(row, {}).get(col), parsed.get(row, {}).get(col)
            if a != b:
                out.append(f"{row}.{col}: {a}→{b}")
    return out


def roundtrip(corpus: Path, limit: int) -> None:
    import opencc

    from parsing import parse_bytes

    t2s = opencc.OpenCC("t2s")
    problems: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)

    def note(kind: str, text: str) -> None:
        problems[kind] += 1
        if len(examples[kind]) < 5:
            examples[kind].append(text)

    entries = read_manifest(corpus)[:limit]
    started = time.perf_counter()
    for entry in entries:
        truth, where = entry["truth"], f"{entry['file']} [{entry['layout']}/{entry['table_style']}]"
        try:
            parsed = parse_bytes((corpus / entry["file"]).read_bytes(), entry["file"])
        except Exception as exc:  # noqa: BLE001 - every failure is a finding here
            note("exception", f"{where}: {exc}")
            continue
        for key in ("agency", "year", "template", "script", "published"):
            if getattr(parsed, key) != truth[key]:
                note(key, f"{where}: expected {truth[key]!r}, parsed {getattr(parsed, key)!r}")
        named = {k: (v if v and v in truth["agency"] else None) for k, v in truth["region"].items()}
        if vars(parsed.region) != named:
            note("region (levels named in the agency)", f"{where}: expected {named}, parsed {vars(parsed.region)}")
        for table in ("active_disclosure", "applications", "review_litigation"):
            diff = _diff(truth[table], parsed.table(table))
            if diff:
                note(table, f"{where}: {diff[:4]}")
        sections = {s.no: s.text for s in parsed.sections}
        for section in truth["sections"]:
            got = sections.get(section["no"], "")
            got = t2s.convert(got) if entry["script"] == "traditional" else got
            if section["text"].replace("\n", "") not in got.replace("\n", ""):
                note(f"section {section['no']}", where)
        failed = [c.rule for c in parsed.failed_checks]
        kinds = {d["kind"] for d in entry["defects"]}
        if "unbalanced" in kinds and not any(f.startswith("applications.") for f in failed):
            note("unbalanced not flagged", f"{where}: {entry['defects']}")
        if "narrative_conflict" in kinds and not any(f.startswith("narrative.") for f in failed):
            note("narrative_conflict not flagged", f"{where}: {entry['defects']}")
        if not kinds & {"unbalanced", "narrative_conflict"} and failed:
            note("clean report with failed checks",
                 f"{where}: {[(c.rule, c.detail) for c in parsed.failed_checks]}")
    took = time.perf_counter() - started
    print(f"roundtrip: {len(entries)} files parsed in {took:.1f} s ({len(entries) / took:,.0f}/s)")
    if not problems:
        print("roundtrip: every file parsed back to its ground truth")
    for kind, count in problems.most_common():
        print(f"  {kind}: {count}")
        for example in examples[kind]:
            print(f"      {example}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--roundtrip", type=int, default=0, help="parse this many files back")
    parser.add_argument("--out", type=Path, default=None, help="corpus directory (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = bench_generation(args.reports, args.out or Path(tmp) / "demo")
        if args.roundtrip:
            roundtrip(out, args.roundtrip)


if __name__ == "__main__":
    main()
