"""How Gongkai's costs grow with the corpus: ingest, adding reports, answering (issue 14).

    python bench/scale.py [--sizes 1000,10000,100000] [--add 100] [--repeats 3]
                          [--code before=/work/wt-14-before --code after=.] [--reuse]

For each size N it generates N demo reports (plus ``--add`` more to add) with the demo
generator, then measures, driving Gongkai in subprocesses as a user would:

* ingest, store only (``corpus.ingest.ingest(..., passages=False)``: the CLI has no switch for it);
* ingest with embeddings from a pre-filled cache (``gongkai ingest``): the cache is filled
  beforehand with **synthetic** vectors, one per embedding piece of every passage (hashed
  character uni- and bigrams, so equal texts get equal vectors and near-identical texts near
  ones; they are not the model's vectors: answers are timed, not judged);
* the cost of adding ``--add`` reports to a corpus of N (store only, and with the index,
  embeddings cached), each time on a fresh copy of the corpus directory;
* a cold ``gongkai ask`` (a new process: imports, model, indexes, one answer), narrative and
  structured: wall time and peak RSS;
* warm answer latency p50/p95 (``qa.ask`` in one process, after a warm-up), structured and
  narrative.

Several ``--code LABEL=DIR`` run the same measurements against each tree, interleaved
(repeat by repeat), so that before/after ratios come from one run on the same load.  Every
figure is printed with the load average (as ``uptime`` shows it) when it was measured; the
summary prints the ratios and the targets of issue 14.  Nothing is asserted.

Generated reports: ``corpus.demo.generate_records`` with seed 0, years 2019–2024 (more years
when a size needs more agencies than the demo geography holds), ``ceil((N + add) / years)``
agencies; the first N reports of that stream are the corpus, the next ``add`` the reports
added.  Every report is its own agency and year.  Files are kept in ``PREFIX-N/files`` and
``PREFIX-N/add`` and reused by later runs with ``--reuse``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

SEED = 0
FIRST_YEAR = 2019
BASE_YEARS = 6  # 2019–2024, as the demo corpus of `gongkai app --demo`
STAMP = "bench-scale.json"
MILLION = 1_000_000
TARGET_ADD_RATIO = 1.2
TARGET_RSS_MB = 2048
TARGET_COLD_S = 1.5

# ---------------------------------------------------------------------------
# Child programs, run with PYTHONPATH = the tree under test (its own library code)
# ---------------------------------------------------------------------------

STORE_ONLY = """
import sys
from corpus.ingest import ingest
result = ingest([sys.argv[1]], sys.argv[2], progress=False, passages=False)
print(len(result.new), len(result.failed))
sys.exit(1 if result.failed else 0)
"""

GONGKAI = "import sys; from gongkai.cli import cli; sys.argv[0] = 'gongkai'; sys.exit(cli())"

# Keys as Gongkai computes them (the pieces of each passage's simplified text, hashed), vectors
# synthetic; written through the tree's own EmbeddingCache so its file format is the tree's.
FILL_CACHE = """
import json, sys, time
from pathlib import Path
import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from index.tables import store
from index.tables.browse import stored_reports
from index.passages.chunk import chunk_report, embedding_pieces, text_hash
from index.passages.embed import EmbeddingCache, model_name, model_tag

started = time.perf_counter()
base_data, all_data, cache_root = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
name = model_name()
folder = Path(name)
dim = 0
for config, key in ((folder / "1_Pooling" / "config.json", "word_embedding_dimension"),
                    (folder / "config.json", "hidden_size")):
    if config.exists() and key in json.loads(config.read_text("utf-8")):
        dim = int(json.loads(config.read_text("utf-8"))[key])
        break
with store.reading(base_data) as con:
    base_ids = {row[0] for row in con.execute("SELECT report_id FROM reports").fetchall()}
counts = {"reports_base": 0, "passages_base": 0, "pieces_base": 0, "reports_all": 0, "passages_all": 0,
          "pieces_all": 0}
texts = {}
with store.reading(all_data) as con:
    for report in stored_reports(con):
        base = report.id in base_ids
        counts["reports_all"] += 1
        counts["reports_base"] += base
        for passage in chunk_report(report):
            pieces = embedding_pieces(passage.simplified)
            counts["passages_all"] += 1
            counts["pieces_all"] += len(pieces)
            counts["passages_base"] += base
            counts["pieces_base"] += len(pieces) * base
            for piece in pieces:
                texts.setdefault(text_hash(piece), piece)
hasher = HashingVectorizer(analyzer="char", ngram_range=(1, 2), n_features=dim, alternate_sign=True, norm=None)
cache = EmbeddingCache(cache_root, model_tag(name), dim)
keys = list(texts)
rng = np.random.default_rng(0)
for start in range(0, len(keys), 20000):
    block = keys[start:start + 20000]
    vectors = hasher.transform([texts[k] for k in block]).toarray().astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    empty = norms[:, 0] == 0
    vectors[empty] = rng.standard_normal((int(empty.sum()), dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    cache.add(block, vectors)
getattr(cache, "close", lambda: None)()
counts.update(distinct_pieces=len(keys), dim=dim, seconds=round(time.perf_counter() - started, 1))
print(json.dumps(counts))
"""

ANSWERS = """
import json, sys, time
from qa import Conversation, Corpus, ask
data, questions, repeat = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
corpus = Corpus(data)
for kind, asked in questions.items():
    for question in asked:
        ask(question, Conversation(), corpus)
times = {kind: [] for kind in questions}
for _ in range(repeat):
    for kind, asked in questions.items():
        for question in asked:
            started = time.perf_counter()
            ask(question, Conversation(), corpus)
            times[kind].append(time.perf_counter() - started)
print(json.dumps(times))
"""


# ---------------------------------------------------------------------------
# Running and measuring a subprocess
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    """A tree whose Gongkai is measured."""

    label: str
    root: Path
    python: str
    version: str


@dataclass
class Run:
    """One finished subprocess: wall and CPU seconds (with its children), peak RSS, output."""

    seconds: float
    cpu: float
    rss_mb: float
    rc: int
    out: str
    err: str
    load: tuple[float, float, float]
    reused_from: str = ""  # when the figure comes from an earlier run (--reuse): when that was


def load_average() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages, as ``uptime`` prints them."""
    one, five, fifteen = os.getloadavg()
    return one, five, fifteen


def run(code: Code, argv: list[str], timeout: float = 6 * 3600) -> Run:
    """Run ``python argv`` with ``code`` first on the path; its rusage comes from wait4."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")}
    env["PYTHONPATH"] = str(code.root)
    load = load_average()
    started = time.perf_counter()
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"h14-bench-run-{os.getpid()}"
    with open(f"{out_path}.out", "w+b") as out, open(f"{out_path}.err", "w+b") as err:
        proc = subprocess.Popen([code.python, *argv], cwd=code.root, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
            time.sleep(0.005)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, stdout,
               stderr, load)


def gongkai(code: Code, *args: str) -> Run:
    return run(code, ["-c", GONGKAI, *args])


def make_code(spec: str) -> Code:
    label, _, folder = spec.rpartition("=")
    root = Path(folder).resolve()
    if not (root / "gongkai" / "cli.py").exists():
        raise SystemExit(f"--code {spec}: {root} holds no gongkai/cli.py")
    python = root / ".venv" / "bin" / "python"
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip() or "?"
    dirty = subprocess.run(["git", "-C", str(root), "diff", "HEAD"], capture_output=True).stdout
    version = head + (f" + uncommitted changes (diff sha1 {hashlib.sha1(dirty).hexdigest()[:8]})" if dirty else "")
    return Code(label or root.name, root, str(python if python.exists() else sys.executable), version)


# ---------------------------------------------------------------------------
# The generated corpus of one size
# ---------------------------------------------------------------------------


@dataclass
class Corpus:
    size: int
    add: int
    folder: Path
    years: range
    n_agencies: int
    questions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def files(self) -> Path:
        return self.folder / "files"

    @property
    def extra(self) -> Path:
        return self.folder / "add"


def plan_corpus(size: int, add: int) -> tuple[range, int]:
    """Years and agencies for ``size + add`` reports, each its own agency and year."""
    sys.path.insert(0, str(ROOT))
    from corpus.demo_geo import max_agencies

    total = size + add
    n_years = max(BASE_YEARS, math.ceil(total / max_agencies()))
    return range(FIRST_YEAR, FIRST_YEAR + n_years), math.ceil(total / n_years)


def make_corpus(prefix: str, size: int, add: int, reuse: bool) -> Corpus:
    """The generated files of one size (kept, and reused with ``reuse``)."""
    folder = Path(f"{prefix}-{size}")
    years, n_agencies = plan_corpus(size, add)
    wanted = {"size": size, "add": add, "seed": SEED, "years": [years.start, years.stop],
              "n_agencies": n_agencies}
    stamp = folder / STAMP
    if reuse and stamp.exists():
        known = json.loads(stamp.read_text("utf-8"))
        if {k: known.get(k) for k in wanted} == wanted:
            print(f"corpus {folder}: reusing {size:,} + {add:,} generated reports")
            return Corpus(size, add, folder, years, n_agencies, known.get("questions", {}))
    sys.path.insert(0, str(ROOT))
    from corpus.demo import generate_records, render_detail

    started = time.perf_counter()
    for sub in ("files", "add"):
        shutil.rmtree(folder / sub, ignore_errors=True)
        (folder / sub).mkdir(parents=True)
    written = 0
    for report in generate_records(n_agencies, years, SEED):
        if written >= size + add:
            break
        rendered = render_detail(report)
        (folder / ("files" if written < size else "add") / rendered.name).write_bytes(rendered.data)
        written += 1
    stamp.write_text(json.dumps(wanted), "utf-8")
    print(f"corpus {folder}: generated {size:,} + {add:,} reports ({n_agencies:,} agencies × "
          f"{years.start}–{years.stop - 1}, seed {SEED}) in {time.perf_counter() - started:.0f} s")
    return Corpus(size, add, folder, years, n_agencies)


def make_questions(corpus: Corpus, code: Code, data: Path) -> dict[str, list[str]]:
    """Questions about places and years the store holds, found with ``gongkai sql``."""
    if corpus.questions:
        return corpus.questions
    sql = ("SELECT county, city, year FROM reports WHERE level = 'county' AND county IS NOT NULL "
           "AND agency LIKE '%政府%' ORDER BY report_id LIMIT 40")
    result = gongkai(code, "sql", sql, "--data", str(data), "--csv")
    rows = [line.split(",") for line in result.out.splitlines()[1:] if line.count(",") == 2]
    if not rows:  # a tiny corpus may hold no county government
        result = gongkai(code, "sql", "SELECT agency, agency, year FROM reports ORDER BY report_id LIMIT 5",
                         "--data", str(data), "--csv")
        rows = [line.split(",") for line in result.out.splitlines()[1:] if line.count(",") == 2]
    counties = list(dict.fromkeys(r[0].strip('"\ufeff') for r in rows))[:4] or ["示例省"]
    year = int(rows[0][2]) if rows else FIRST_YEAR
    questions = {
        "structured": [q for c in counties for q in (f"{c}{year}年收到多少政府信息公开申请？",
                                                      f"{c}{year}年行政处罚决定有多少件？")]
        + [f"{year}年哪些机关有行政诉讼？", f"{year}年哪些报告勾稽关系不平衡？"],
        "narrative": [f"{c}在政务公开工作中存在哪些主要问题？" for c in counties]
        + ["关于丰富政策解读形式，有哪些改进措施？", "What measures did agencies plan for training staff?"],
    }
    stamp = corpus.folder / STAMP
    known = json.loads(stamp.read_text("utf-8"))
    known["questions"] = questions
    stamp.write_text(json.dumps(known, ensure_ascii=False), "utf-8")
    corpus.questions = questions
    return questions


# ---------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------


def fmt_load(loads: list[tuple[float, float, float]]) -> str:
    ones = sorted(load[0] for load in loads)
    last = loads[-1]
    span = f"{ones[0]:.2f}" if ones[0] == ones[-1] else f"{ones[0]:.2f}–{ones[-1]:.2f}"
    return f"[load average {span}; last {last[0]:.2f} {last[1]:.2f} {last[2]:.2f}]"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] if ordered else float("nan")


@dataclass
class Figure:
    """The repeats of one measurement for one tree."""

    runs: list[Run] = field(default_factory=list)

    def ok(self) -> list[Run]:
        return [r for r in self.runs if r.rc == 0]

    @property
    def seconds(self) -> float:
        return median([r.seconds for r in self.ok()])

    @property
    def cpu(self) -> float:
        return median([r.cpu for r in self.ok()])

    @property
    def rss(self) -> float:
        return median([r.rss_mb for r in self.ok()])


def show(name: str, figures: dict[str, Figure], codes: list[Code], extra: str = "") -> None:
    """One line per tree: median wall time, CPU, peak RSS, the load average; then the ratio."""
    for i, code in enumerate(codes):
        figure = figures.get(code.label)
        head = f"  {name if i == 0 else '':<46} {code.label:<8}"
        if figure is None or not figure.runs:
            print(f"{head} not measured")
            continue
        failed = [r for r in figure.runs if r.rc != 0]
        if not figure.ok():
            tail = (failed[-1].err or failed[-1].out).strip().splitlines()[-3:]
            print(f"{head} FAILED (exit {failed[-1].rc}): {' | '.join(tail)}")
            continue
        note = f" ({len(failed)} of {len(figure.runs)} failed)" if failed else ""
        reused = sorted({r.reused_from for r in figure.runs if r.reused_from})
        note += f", measured in an earlier run at {', '.join(reused)}" if reused else ""
        print(f"{head} {figure.seconds:8.2f} s  CPU {figure.cpu:8.2f} s  peak RSS {figure.rss:7.0f} MB  "
              f"median of {len(figure.ok())}{note}{extra} {fmt_load([r.load for r in figure.runs])}")
    ratio(figures, codes, lambda f: f.seconds, "time")
    ratio(figures, codes, lambda f: f.cpu, "CPU")


def ratio(figures: dict[str, Figure], codes: list[Code], value: Any, what: str) -> None:
    if len(codes) < 2:
        return
    first, *others = codes
    base = figures.get(first.label)
    if base is None or not base.ok():
        return
    for code in others:
        figure = figures.get(code.label)
        if figure is not None and figure.ok() and value(base):
            print(f"  {'':<46} {code.label}/{first.label} {what}: {value(figure) / value(base):.2f}×")


# ---------------------------------------------------------------------------
# The measurements of one size
# ---------------------------------------------------------------------------


@dataclass
class SizeResult:
    size: int
    counts: dict[str, dict[str, Any]] = field(default_factory=dict)       # per code: passages …
    figures: dict[str, dict[str, Figure]] = field(default_factory=dict)   # figure → code → Figure
    p95: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # code → kind → seconds
    p95_loads: dict[str, list[tuple[float, float, float]]] = field(default_factory=dict)

    def figure(self, name: str, code: Code) -> Figure:
        return self.figures.setdefault(name, {}).setdefault(code.label, Figure())


def whole_ingest(figure: Figure, code: Code, target: Path, reuse: bool | str, prepare: Callable[[], None],
                 argv: list[str]) -> None:
    """Ingest a whole corpus into ``target``; with ``reuse``, take an earlier run's figure instead
    when ``target`` was built by the same version of the same tree (``reuse == "any"``: by any
    version of it, which the output names)."""
    saved = target.parent / f"{target.name}.{STAMP}"
    if reuse and saved.exists() and target.exists():
        known = json.loads(saved.read_text("utf-8"))
        if known.get("version") == code.version or reuse == "any":
            when = known["at"] + ("" if known.get("version") == code.version else f" by {known.get('version')}")
            figure.runs.append(Run(**{**known["run"], "load": tuple(known["run"]["load"]), "reused_from": when}))
            return
    saved.unlink(missing_ok=True)
    shutil.rmtree(target, ignore_errors=True)
    prepare()
    done = run(code, argv)
    figure.runs.append(done)
    if done.rc == 0:
        kept = {k: v for k, v in asdict(done).items() if k not in ("out", "err", "reused_from")}
        saved.write_text(json.dumps({"version": code.version, "at": time.strftime("%H:%M UTC", time.gmtime()),
                                     "run": {**kept, "out": "", "err": ""}}), "utf-8")


def fresh_copy(source: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, symlinks=True)


def measure_size(corpus: Corpus, codes: list[Code], args: argparse.Namespace) -> SizeResult:
    result = SizeResult(corpus.size)
    folder = corpus.folder
    data = {c.label: folder / f"data-{c.label}" for c in codes}
    repeats = args.repeats
    reuse: bool | str = "any" if args.reuse_built else args.reuse
    print(f"\n== {corpus.size:,} reports (+{corpus.add} to add) · {folder} ==")

    # Ingest, store only (one run per tree unless --ingest-repeats).
    name = "ingest, store only"
    for _ in range(args.ingest_repeats):
        for code in codes:
            store = data[code.label] / "store"
            whole_ingest(result.figure(name, code), code, store, reuse, lambda: None,
                         ["-c", STORE_ONLY, str(corpus.files), str(store)])
    show(name, result.figures[name], codes)

    # Adding reports, store only: each time on a fresh copy.
    name = f"add {corpus.add} reports, store only"
    for _ in range(repeats):
        for code in codes:
            scratch = data[code.label] / "store-add"
            fresh_copy(data[code.label] / "store", scratch)
            result.figure(name, code).runs.append(run(code, ["-c", STORE_ONLY, str(corpus.extra), str(scratch)]))
    show(name, result.figures[name], codes)

    # The pre-filled embedding cache: keys of every passage piece (corpus and added reports).
    for code in codes:
        cache = data[code.label] / "cache"
        stamp = cache / STAMP
        if args.reuse and stamp.exists():
            result.counts[code.label] = json.loads(stamp.read_text("utf-8"))
            continue
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        filled = run(code, ["-c", FILL_CACHE, str(data[code.label] / "store"), str(data[code.label] / "store-add"),
                            str(cache)])
        if filled.rc != 0:
            print(f"  filling the embedding cache failed ({code.label}): {filled.err.strip()[-800:]}")
            result.counts[code.label] = {}
            continue
        counts = last_json(filled.out)
        stamp.write_text(json.dumps(counts), "utf-8")
        result.counts[code.label] = counts
    for code in codes:
        c = result.counts.get(code.label) or {}
        if c:
            print(f"  {'passages':<46} {code.label:<8} {c['passages_base']:,} passages, {c['pieces_base']:,} "
                  f"vectors ({c['distinct_pieces']:,} distinct texts with the added reports, dim {c['dim']}); "
                  f"cache filled in {c['seconds']} s with SYNTHETIC vectors (hashed character n-grams, "
                  f"not the model's)")

    name = "ingest, embeddings from a pre-filled cache"
    for _ in range(args.ingest_repeats):
        for code in codes:
            full = data[code.label] / "full"

            def prepare(full: Path = full, cache: Path = data[code.label] / "cache") -> None:
                fresh_copy(cache, full)
                (full / STAMP).unlink(missing_ok=True)

            whole_ingest(result.figure(name, code), code, full, reuse, prepare,
                         ["-c", GONGKAI, "ingest", str(corpus.files), "--data", str(full), "--quiet"])
    show(name, result.figures[name], codes)

    name = f"add {corpus.add} reports, index too (cached emb.)"
    for _ in range(repeats):
        for code in codes:
            scratch = data[code.label] / "full-add"
            fresh_copy(data[code.label] / "full", scratch)
            result.figure(name, code).runs.append(gongkai(code, "ingest", str(corpus.extra), "--data", str(scratch),
                                                          "--quiet"))
    show(name, result.figures[name], codes)
    for code in codes:
        shutil.rmtree(data[code.label] / "full-add", ignore_errors=True)
        shutil.rmtree(data[code.label] / "store-add", ignore_errors=True)

    questions = make_questions(corpus, codes[0], data[codes[0].label] / "full")
    for kind in ("narrative", "structured"):
        question = questions[kind][0]
        name = f"cold gongkai ask, {kind}"
        for code in codes:  # one run first: the files in the page cache, as for any later ask
            gongkai(code, "ask", "--data", str(data[code.label] / "full"), "--json", question)
        for _ in range(repeats):
            for code in codes:
                result.figure(name, code).runs.append(
                    gongkai(code, "ask", "--data", str(data[code.label] / "full"), "--json", question))
        show(name, result.figures[name], codes, f" ({describe_answer(result.figures[name])})")
        ratio(result.figures[name], codes, lambda f: f.rss, "peak RSS")

    for _ in range(args.p95_runs):
        for code in codes:
            answered = run(code, ["-c", ANSWERS, str(data[code.label] / "full"),
                                  json.dumps(questions, ensure_ascii=False), str(args.p95_passes)])
            result.p95_loads.setdefault(code.label, []).append(answered.load)
            if answered.rc != 0:
                print(f"  warm answers failed ({code.label}): {answered.err.strip()[-600:]}")
                continue
            times = last_json(answered.out)
            for kind, values in times.items():
                result.p95.setdefault(code.label, {}).setdefault(kind, []).extend(values)
    for kind in ("structured", "narrative"):
        for code in codes:
            values = result.p95.get(code.label, {}).get(kind, [])
            if values:
                print(f"  {('warm answer latency, ' + kind) if code is codes[0] else '':<46} {code.label:<8} "
                      f"p50 {median(values) * 1000:7.1f} ms  p95 {percentile(values, 0.95) * 1000:7.1f} ms  "
                      f"n={len(values)} {fmt_load(result.p95_loads[code.label])}")
    return result


def last_json(out: str) -> Any:
    """The last line of ``out`` that is a JSON object (libraries may print progress bars too)."""
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no JSON line in the output: {out[-300:]!r}")


def describe_answer(figure: dict[str, Figure]) -> str:
    """What the answer was: its intent and how many passages it cites (from ``--json``)."""
    for f in figure.values():
        for r in f.ok():
            try:
                answer = last_json(r.out)
            except ValueError:
                continue
            intent = (answer.get("plan") or {}).get("intent", "?")
            return f"intent {intent}, {len(answer.get('sources') or [])} passages cited"
    return "no answer read"


# ---------------------------------------------------------------------------
# Summary: ratios and targets
# ---------------------------------------------------------------------------


def summary(results: list[SizeResult], codes: list[Code]) -> None:
    print("\n== Ratios and targets (issue 14) ==")
    print(f"  load average now: {' '.join(f'{x:.2f}' for x in load_average())}")
    smallest, largest = results[0], results[-1]
    for code in codes:
        print(f"  [{code.label}: {code.root} at {code.version}]")
        for name in ("add", "ingest"):
            for key in [k for k in smallest.figures if k.startswith(name)]:
                base = smallest.figures[key].get(code.label)
                line = []
                for r in results:
                    figure = r.figures.get(key, {}).get(code.label)
                    if figure and figure.ok() and base and base.ok():
                        line.append(f"{r.size:,}: {figure.seconds:.2f} s ({figure.seconds / base.seconds:.2f}×), "
                                    f"CPU {figure.cpu:.2f} s ({figure.cpu / max(base.cpu, 1e-9):.2f}×)")
                if line:
                    print(f"    {key}: " + "; ".join(line))
        add_key = next((k for k in smallest.figures if k.startswith("add") and "index" in k), None)
        if add_key:
            # CPU seconds: on a shared machine the wall clock measures the queue as much as the code.
            points = [(r.size, r.figures[add_key][code.label].cpu) for r in results
                      if code.label in r.figures.get(add_key, {}) and r.figures[add_key][code.label].ok()]
            measured = dict(points)
            if 100_000 in measured and 1_000 in measured:
                print(f"    adding reports at 100k / at 1k, CPU: {measured[100_000] / measured[1_000]:.2f}× "
                      f"(target ≤ {TARGET_ADD_RATIO}×), measured")
            elif len(points) >= 2:
                (n0, t0), (n1, t1) = points[0], points[-1]
                slope = (t1 - t0) / (n1 - n0)
                at_1k, at_100k = t0 + slope * (1_000 - n0), t0 + slope * (100_000 - n0)
                print(f"    adding reports (CPU), straight line through {n0:,} and {n1:,}: {slope * 1000:.3f} s per "
                      f"1,000 reports in the corpus; at 100k / at 1k ≈ {at_100k / max(at_1k, 1e-9):.2f}× "
                      f"(target ≤ {TARGET_ADD_RATIO}×), EXTRAPOLATED, not measured at 100k")
        for kind in ("narrative", "structured"):
            key = f"cold gongkai ask, {kind}"
            asks: list[tuple[int, float, float, int]] = []
            for r in results:
                figure = r.figures.get(key, {}).get(code.label)
                passages = (r.counts.get(code.label) or {}).get("passages_base")
                if figure and figure.ok() and passages:
                    asks.append((passages, figure.rss, figure.seconds, r.size))
            if not asks:
                continue
            cold = "; ".join(f"{size:,}: {s:.2f} s" for _, _, s, size in asks)
            target = f" (target ≤ {TARGET_COLD_S} s on an idle machine)" if kind == "narrative" else ""
            print(f"    cold {kind} ask: {cold}{target}")
            rss = "; ".join(f"{size:,} ({p:,} passages): {m:.0f} MB" for p, m, _, size in asks)
            print(f"    answering-process peak RSS, {kind}: {rss}")
            if len(asks) >= 2:
                (p0, m0, _, _), (p1, m1, _, _) = asks[0], asks[-1]
                per = max(0.0, (m1 - m0) / max(p1 - p0, 1))
                at_million = m1 + per * (MILLION - p1)
                print(f"      growth {per * 1024:.2f} KB per passage; at 1M passages ≈ {at_million:,.0f} MB "
                      f"(target ≤ {TARGET_RSS_MB:,} MB), EXTRAPOLATED in a straight line from {p0:,}–{p1:,} "
                      f"passages")
        for r in results:
            kinds = r.p95.get(code.label, {})
            if kinds:
                print(f"    warm answer p95 at {r.size:,}: "
                      + "; ".join(f"{kind} {percentile(v, 0.95) * 1000:.1f} ms" for kind, v in kinds.items())
                      + " (target: unchanged from before; see the ratio below when two trees ran)")
        ingest_key = "ingest, embeddings from a pre-filled cache"
        figure = largest.figures.get(ingest_key, {}).get(code.label)
        if figure and figure.ok():
            per_k, cpu_k = figure.seconds / largest.size * 1000, figure.cpu / largest.size * 1000
            print(f"    ingest with cached embeddings: {per_k:.2f} s wall, {cpu_k:.2f} s CPU per 1,000 reports at "
                  f"{largest.size:,}; 100k reports at that rate ≈ {per_k * 100 / 60:.0f} min at this load, "
                  f"≈ {cpu_k * 100 / 60 / (os.cpu_count() or 1):.0f} min if every core were free (more if the "
                  f"cost grows faster than the corpus: see the ratios above)")
    if len(codes) >= 2:
        first, *others = codes
        for code in others:
            for r in results:
                for kind in ("structured", "narrative"):
                    a = r.p95.get(first.label, {}).get(kind, [])
                    b = r.p95.get(code.label, {}).get(kind, [])
                    if a and b:
                        print(f"  warm {kind} p95 at {r.size:,}: {code.label} {percentile(b, 0.95) * 1000:.1f} ms / "
                              f"{first.label} {percentile(a, 0.95) * 1000:.1f} ms = "
                              f"{percentile(b, 0.95) / percentile(a, 0.95):.2f}× (target: unchanged)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes in reports, comma-separated "
                        "(issue 14 names 1000,10000,100000)")
    parser.add_argument("--add", type=int, default=100, help="reports added to each corpus")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of the add and ask measurements")
    parser.add_argument("--ingest-repeats", type=int, default=1, help="repeats of the whole-corpus ingests")
    parser.add_argument("--p95-runs", type=int, default=2, help="answering processes per tree for the p95")
    parser.add_argument("--p95-passes", type=int, default=3, help="passes over the questions in each of them")
    parser.add_argument("--code", action="append", default=[], metavar="LABEL=DIR",
                        help="a tree whose Gongkai runs (repeatable; default: this tree, as 'after')")
    parser.add_argument("--prefix", default="/tmp/h14-bench", help="corpora go to PREFIX-<size>")
    parser.add_argument("--reuse", action="store_true", help="reuse generated files, filled caches and whole-corpus "
                        "ingests made by the same version of a tree")
    parser.add_argument("--reuse-built", action="store_true", help="with --reuse: whole-corpus ingests made by any "
                        "version of the tree (the output names it)")
    args = parser.parse_args()
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)  # figures appear as they are measured

    codes = [make_code(spec) for spec in (args.code or [f"after={ROOT}"])]
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"bench/scale.py · {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())} · {os.cpu_count()} cores · "
          f"load average {' '.join(f'{x:.2f}' for x in load_average())}")
    for code in codes:
        print(f"  {code.label}: {code.root} at {code.version}")
    print("  vectors: SYNTHETIC at every size (the cache is pre-filled; the model encodes queries only)")
    results = []
    for size in sizes:
        corpus = make_corpus(args.prefix, size, args.add, args.reuse)
        results.append(measure_size(corpus, codes, args))
    summary(results, codes)


if __name__ == "__main__":
    main()
