"""What adding 100 reports costs on the store side, into a corpus of 100, 1,800 and 18,000 reports.

    PYTHONPATH=. .venv/bin/python bench/store_add.py --work /tmp/bench-store-add [--repeats 3]

Builds (once, under ``--work``): 100 new demo reports (seed 7, not in the demo corpus), a
corpus of the first 100 demo reports and one of all 1,800 (``--demo``: the folder of
``gongkai app``'s demo files; its ``store.duckdb`` is copied when it sits beside them), and
one of 18,000 made of the 1,800's rows copied ten times under new ids and paths.  Then,
``--repeats`` times, interleaved: copy each corpus and ingest the 100 new files into it without
the passage index (``passages=False``) and without parsing them again (parsed once beforehand:
what is timed is the store side alone); the median wall time is printed with the load average.
One more round runs under cProfile for the steps (cumulative seconds of the functions named in
:data:`STEPS`; a step of the other version shows 0).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose index.py would hide the index package

from corpus.demo import write_corpus  # noqa: E402
from corpus.ingest import ingest  # noqa: E402
from index.tables import store  # noqa: E402

# (label, file name ending, function name): the store-side steps, where they exist.
STEPS = (
    ("whole ingest (wall)", "", ""),
    ("parsing (workers, waited for)", "ingest.py", "parse_files"),
    ("before: read every source and report key", "ingest.py", "__init__"),
    ("after: look up this run's files in the store", "ingest.py", "look_up"),
    ("identity matching (accept)", "ingest.py", "accept"),
    ("after: identity look-ups (64 records at a time)", "identity.py", "fetch"),
    ("after: identity look-up queries", "ingest.py", "_known"),
    ("before: copy the store file (working copy)", "shutil.py", "copyfile"),
    ("before: fsync the working copy", "store.py", "_fsync"),
    ("write batches (write_batch)", "store.py", "write_batch"),
    ("open_write (set-up, commit, checkpoint / swap)", "store.py", "open_write"),
    ("before: sources list rewritten whole", "sources_list.py", "write"),
    ("after: sources list lines appended", "sources_list.py", "append"),
)


def _cumulative(stats: pstats.Stats, suffix: str, name: str) -> float:
    total = 0.0
    for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        if function == name and filename.endswith(suffix):
            total += row[3]
    return total


def prepare(work: Path, demo: Path) -> tuple[Path, dict[str, Path]]:
    new = work / "new100"
    if not (new / "manifest.jsonl").exists():
        write_corpus(new, 20, range(2019, 2024), seed=7)
    bases = {"100": work / "base-100", "1800": work / "base-1800", "18000": work / "base-18000"}
    if not store.store_file(bases["100"]).exists():
        files = sorted(p for p in demo.iterdir() if p.suffix in (".txt", ".html", ".htm", ".pdf", ".docx"))[:100]
        ingest(files, bases["100"], workers=2, progress=False, passages=False)
    if not store.store_file(bases["1800"]).exists():
        built = demo.parent / store.STORE_FILE
        if built.exists():
            bases["1800"].mkdir(parents=True, exist_ok=True)
            shutil.copyfile(built, store.store_file(bases["1800"]))
            with store.writing(bases["1800"]):  # writes its sources list, as every writer does
                pass
        else:
            ingest([demo], bases["1800"], workers=2, progress=False, passages=False)
    if not store.store_file(bases["18000"]).exists():
        shutil.copytree(bases["1800"], bases["18000"])
        _tenfold(bases["18000"])
    return new, bases


def _tenfold(data: Path) -> None:
    """Nine more copies of every row under new report ids and file paths (what the store side
    costs depends on how many rows there are, not on what they say)."""
    import duckdb

    con = duckdb.connect(str(store.store_file(data)))
    try:
        for k in range(1, 10):
            for table in store.DATA_TABLES:
                columns = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
                chosen = []
                for column in columns:
                    quoted = f'"{column}"'
                    if column == "report_id":
                        chosen.append(f"{quoted} || '-{k}'")
                    elif column == "source_path":
                        chosen.append(f"{quoted} || '-{k}'")
                    elif column == "content_hash":
                        chosen.append(f"{quoted} || '-{k}'")
                    else:
                        chosen.append(quoted)
                con.execute(f"INSERT INTO {table} SELECT {', '.join(chosen)} FROM {table} "
                            f"WHERE NOT contains(report_id, '-')")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    with store.writing(data):  # the sources list of the new rows
        pass
    from index.tables import sources_list

    with store.reading(data) as con:
        sources_list.write(data, con.execute("SELECT source_path, content_hash, report_id FROM sources").fetchall())


def parsed_once(new: Path) -> dict[str, Any]:
    """The 100 new files parsed once (2 processes), by path as given: every run below reuses
    them, so what is timed is the store side alone."""
    import corpus.ingest as ingest_module

    files = sorted(p for p in new.iterdir() if p.suffix != ".jsonl" and not p.name.startswith("."))
    tasks = [(str(p), os.path.realpath(p)) for p in files]
    return {item.given: item for item in ingest_module.parse_files(tasks, 2)}


def one_run(new: Path, base: Path, scratch: Path, parsed: dict[str, Any], profile: bool) -> dict[str, float]:
    import copy

    import corpus.ingest as ingest_module

    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(base, scratch)
    ingest_module.parse_files = lambda tasks, workers, options=None: (  # type: ignore[assignment]
        copy.deepcopy(parsed[given]) for given, _ in tasks)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    if profile:
        profiler.enable()
    result = ingest([new], scratch, workers=2, progress=False, passages=False)
    if profile:
        profiler.disable()
    wall = time.perf_counter() - started
    assert len(result.new) == 100, (len(result.new), result.failed[:3])
    if not profile:
        return {"store side, whole ingest of 100 parsed files (wall, no profiler)": wall}
    stats = pstats.Stats(profiler)
    found = {label: _cumulative(stats, suffix, name) for label, suffix, name in STEPS[2:]}
    found["whole ingest under the profiler"] = wall
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-store-add"))
    parser.add_argument("--demo", type=Path, default=Path("/tmp/demodata/demo-files"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    new, bases = prepare(args.work, args.demo)
    parsed = parsed_once(new)
    runs: dict[str, list[dict[str, float]]] = {size: [] for size in bases}
    for repeat in range(args.repeats + 1):
        for size, base in bases.items():  # interleaved; the last round under the profiler, for the steps
            runs[size].append(one_run(new, base, args.work / f"run-{size}", parsed, repeat == args.repeats))
    print(f"load average {os.getloadavg()}")
    print(f"{'step':66s} " + " ".join(f"{'at ' + size:>9s}" for size in bases)
          + f"   (reports in the corpus; seconds)")
    walls = [[r for r in runs[size] if len(r) == 1] for size in bases]
    label = next(iter(walls[0][0]))
    print(f"{label + f' (median of {args.repeats})':66s} "
          + " ".join(f"{statistics.median(r[label] for r in w):9.3f}" for w in walls))
    for label in runs["100"][-1]:
        print(f"{label:66s} " + " ".join(f"{runs[size][-1][label]:9.3f}" for size in bases))


if __name__ == "__main__":
    main()
