"""Cold start of ``gongkai ask``: wall time, CPU time and peak RSS of a fresh process.

    python bench/cold.py --data DIR [--before-data DIR] [--repeats 5] [--before main] [--after .]
                         [--narrative Q] [--structured Q]

Each run is a new Python process answering one question (``gongkai ask Q --data DIR``): every
import, model load and index load is paid again (the operating system's file cache stays
warm, as on a machine where Gongkai was used before).  Two trees are compared, interleaved
run by run so that a busy machine slows both alike:

* ``--before``: a git ref of this repository (extracted with ``git archive`` into a temporary
  folder, the repository is not touched) or a source folder; default ``main``;
* ``--after``: a source folder, default this tree.

One untimed run per tree and question comes first: it fills the per-user caches
(the ONNX export of the model, the metric-name vectors, the jieba table, the gazetteer table)
as the first question after installing would.  Printed: medians (and min/max) over
``--repeats`` runs, the after/before ratio, and ``uptime`` before and after.  CPU time
(user + system) is printed beside wall time: on a loaded machine it is the steadier figure.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NARRATIVE = "关于丰富政策解读形式，有哪些改进措施？"
# Runs the CLI exactly as the ``gongkai`` script does, and says which heavy modules it loaded.
RUNNER = """
import sys
from gongkai.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="gongkai")
except SystemExit as exit:
    code = exit.code
else:
    code = 0
loaded = [m for m in ("torch", "sentence_transformers", "onnxruntime", "jieba") if m in sys.modules]
print("LOADED " + ",".join(loaded), file=sys.stderr)
sys.exit(code)
"""


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    loaded: str


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def source_tree(spec: str, scratch: Path) -> Path:
    """A folder holding the sources ``spec`` names (a folder, or a git ref extracted)."""
    folder = Path(spec)
    if folder.is_dir() and (folder / "gongkai").is_dir():
        return folder.resolve()
    target = scratch / spec.replace("/", "_")
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", spec], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def structured_question(data: Path) -> str:
    """A figure question about a county and year the store holds."""
    try:
        import duckdb

        con = duckdb.connect(str(data / "store.duckdb"), read_only=True)
        row = con.execute("SELECT county, max(year) FROM reports WHERE county IS NOT NULL "
                          "GROUP BY county ORDER BY county LIMIT 1").fetchone()
        con.close()
        if row:
            return f"{row[0]}{row[1]}年收到多少政府信息公开申请？"
    except Exception as exc:  # any store layout: fall back to a question without a place
        print(f"note: no county read from the store ({exc}); asking without one", file=sys.stderr)
    return "2023年收到多少政府信息公开申请？"


def run_once(python: str, tree: Path, data: Path, question: str) -> Run:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        proc = subprocess.Popen([python, "-c", RUNNER, "ask", question, "--data", str(data)], cwd=tree, env=env,
                                stdout=subprocess.DEVNULL, stderr=log)
        _, status, usage = os.wait4(proc.pid, 0)  # the child's own CPU time and peak RSS
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        err = log.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"{tree}: gongkai ask {question!r} failed ({proc.returncode}):\n{err[-2000:]}")
    loaded = next((line[len("LOADED "):] for line in err.splitlines() if line.startswith("LOADED ")), "?")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, loaded or "-")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path, help="corpus folder with a passage index")
    parser.add_argument("--before-data", type=Path, default=None,
                        help="the corpus folder the before tree reads (default --data; for an older index layout)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--before", default="main", help="git ref or source folder (default: main)")
    parser.add_argument("--after", default=str(ROOT), help="source folder (default: this tree)")
    parser.add_argument("--python", default=sys.executable, help="interpreter with the dependencies")
    parser.add_argument("--narrative", default=NARRATIVE)
    parser.add_argument("--structured", default=None, help="default: a county and year of the store")
    args = parser.parse_args()
    data = args.data.resolve()
    folders = {"before": (args.before_data or args.data).resolve(), "after": data}
    questions = {"structured": args.structured or structured_question(data), "narrative": args.narrative}
    with tempfile.TemporaryDirectory(prefix="gongkai-cold-") as scratch:
        trees = {"before": source_tree(args.before, Path(scratch)), "after": source_tree(args.after, Path(scratch))}
        print(f"# cold gongkai ask, {args.repeats} runs each")
        for name, tree in trees.items():
            print(f"#   {name}: {tree}" + (f" ({args.before})" if name == "before" else "") + f", corpus {folders[name]}")
        for kind, question in questions.items():
            print(f"#   {kind}: {question}")
        print(f"# {uptime()}")
        first: dict[tuple[str, str], Run] = {}
        for name, tree in trees.items():
            for kind, question in questions.items():
                first[name, kind] = run_once(args.python, tree, folders[name], question)
        runs: dict[tuple[str, str], list[Run]] = {key: [] for key in first}
        for _ in range(args.repeats):
            for kind, question in questions.items():
                for name, tree in trees.items():
                    runs[name, kind].append(run_once(args.python, tree, folders[name], question))
        print(f"# {uptime()}")
        report(first, runs)


def report(first: dict[tuple[str, str], Run], runs: dict[tuple[str, str], list[Run]]) -> None:
    print(f"{'kind':<11} {'tree':<7} {'first s':>8} {'wall s':>7} {'min':>6} {'max':>6} {'cpu s':>6} "
          f"{'RSS MB':>7}  loaded")
    medians: dict[tuple[str, str], tuple[float, float, float]] = {}
    for (name, kind), done in sorted(runs.items(), key=lambda item: (item[0][1], item[0][0] != "before")):
        walls = [r.wall for r in done]
        med = (statistics.median(walls), statistics.median(r.cpu for r in done),
               statistics.median(r.rss_mb for r in done))
        medians[name, kind] = med
        print(f"{kind:<11} {name:<7} {first[name, kind].wall:>8.2f} {med[0]:>7.2f} {min(walls):>6.2f} "
              f"{max(walls):>6.2f} {med[1]:>6.2f} {med[2]:>7.0f}  {done[-1].loaded}")
    for kind in ("structured", "narrative"):
        if ("before", kind) in medians and ("after", kind) in medians:
            b, a = medians["before", kind], medians["after", kind]
            print(f"{kind}: after/before wall {a[0] / b[0]:.2f}x, cpu {a[1] / b[1]:.2f}x, RSS {a[2] / b[2]:.2f}x")


if __name__ == "__main__":
    main()
