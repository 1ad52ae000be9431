"""``gongkai ingest --engine ray``: parse and embed on a Ray cluster, then one writer stores.

Three steps, under the corpus write lock held for all of them:

1. **Parse** (Ray tasks).  The driver walks and hashes the files as the in-process ingest
   does (unchanged files stop here), reads each file's bytes (within ``max_file_mb``) and
   ships them to the cluster a window at a time, so no node needs to see the driver's
   files.  A task writes its files to a private temporary folder and parses them with the
   same bounded parse as the in-process ingest (:func:`corpus.ingest.parse_files`: a worker
   process killed past ``parse_seconds``, the same limits and reasons).  It also cuts each
   record into passages and their embedding pieces, as the passage index will.  The driver
   writes the parsed records, window by window, into Parquet shards
   (``DATA/ray-shards/records-NNNNN.parquet``) and queues the pieces the embedding cache
   lacks (each distinct text once) into the object store, a block at a time.
2. **Embed** (a Ray actor pool).  Each actor loads the model once (on a GPU where the
   cluster has them: one GPU per actor) and encodes blocks of pieces; the driver streams
   the vectors out block by block into the embedding cache (:mod:`index.passages.embed`),
   so it never holds more than a few blocks of vectors.
3. **Store and index** (this process, one writer).  The regular ingest
   (:func:`corpus.ingest.ingest`) runs with its parse replaced by a reader of the shards: the
   same decisions, the same store rows; its passage-index sync finds every vector already
   cached and encodes nothing.  The shards are removed at the end.

Ray is an optional extra (``pip install 'gongkai[ray]'``).  Where it runs: the cluster named
by ``RAY_ADDRESS`` (``ray start --head`` on one machine, ``ray start --address=…`` on the
others), else a Ray instance started on this machine for the run.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corpus.entries import display_path, hash_file, walk
from corpus.ingest import IngestResult, Parsed, ParseOptions, ingest, parse_files
from index.passages.settings import IndexSettings
from index.progress import bar, count, step
from index.tables import store
from index.tables.store import StoredReport
from parsing.errors import GongkaiError
from parsing.limits import Limits, read_file

if TYPE_CHECKING:
    import pyarrow as pa

ENGINES = ("local", "ray")
SHARDS_DIR = "ray-shards"
WINDOW_BYTES = 256 * 1024 * 1024  # file bytes the driver ships at a time
WINDOW_FILES = 2000  # files shipped at a time
PARSE_BATCH = 4  # files one parse task takes (one forked parser process each)
PIECES_BLOCK = 256  # texts per block shipped to the embedding actors (one block goes to one actor)
EMBED_BATCH = 256  # texts one actor call encodes (sorted by length inside)
INSTALL_HINT = "pip install 'gongkai[ray]'  (or: pip install 'ray[data]')"

_RECORD_COLUMNS = ("given", "source_path", "record", "content_hash", "format", "cells_hash",
                   "error", "error_code", "error_values")


class RayUnavailable(GongkaiError):
    """``--engine ray`` without Ray installed."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"--engine ray needs Ray, which cannot be imported here ({reason}). "
                         f"Install it with: {INSTALL_HINT}; or leave out --engine ray to ingest in this process.")


def import_ray() -> Any:
    """The ``ray`` module with Ray Data, or :class:`RayUnavailable` saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise RayUnavailable(str(exc)) from None
    return ray


class RayUnreachable(GongkaiError):
    """``RAY_ADDRESS`` names a cluster this process cannot join."""

    def __init__(self, address: str, exc: Exception) -> None:
        super().__init__(f"cannot join the Ray cluster at RAY_ADDRESS={address} ({str(exc).splitlines()[0]}). "
                         f"Check that `ray start --head` runs there and that this machine uses the same Ray "
                         f"version and token authentication as the cluster (RAY_AUTH_MODE=token, and the "
                         f"head's ~/.ray/auth_token here); or unset RAY_ADDRESS to run on a Ray instance "
                         f"started on this machine.")


@dataclass(frozen=True)
class RayOptions:
    """How the Ray stages run.

    ``address``: the cluster to join (what ``RAY_ADDRESS`` says, read by the CLI; "" = start a
    Ray instance on this machine for the run).  ``actors``: embedding actors (0 = one per GPU where the cluster has GPUs, else one per
    ``actor_threads`` CPUs of the cluster).  ``actor_threads``: torch threads (and CPUs
    reserved) per CPU actor.  ``num_cpus``: CPUs of the local instance started when no
    cluster is named (0 = every core).
    """

    address: str = ""
    actors: int = 0
    actor_threads: int = 1
    num_cpus: int = 0


@dataclass
class Prepared:
    """What the Ray stages left for the writer: the shards and how much they did."""

    folder: Path
    shards: list[Path] = field(default_factory=list)
    parsed: int = 0
    pieces: int = 0  # distinct texts the cache lacked, now embedded
    parse_seconds: float = 0.0
    embed_seconds: float = 0.0


# ---------------------------------------------------------------------------
# The whole run
# ---------------------------------------------------------------------------


def ingest_ray(
    paths: Iterable[str | os.PathLike[str]],
    data: str | os.PathLike[str],
    workers: int = 0,
    progress: bool = True,
    index: IndexSettings = IndexSettings(),
    ocr: bool = True,
    ocr_threads: int = 0,
    limits: Limits = Limits(),
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
    ray_options: RayOptions = RayOptions(),
) -> IngestResult:
    """:func:`corpus.ingest.ingest`, with parsing and embedding run on Ray (module docstring).

    Same arguments and result; ``workers`` is the number of embedding actors (0 = automatic,
    see :class:`RayOptions`).  The store and passage index end up as the in-process ingest
    leaves them.
    """
    ray = import_ray()
    started = time.perf_counter()
    paths = list(paths)
    data_dir = Path(data)
    if workers:
        ray_options = replace(ray_options, actors=int(workers))
    with store.writing(data_dir, wait=wait, on_wait=on_wait):
        folder = data_dir / SHARDS_DIR
        shutil.rmtree(folder, ignore_errors=True)  # left by a run that was killed
        try:
            own = connect(ray, ray_options, progress)
            # Our own bars say what runs; Ray Data's would print a status block every few seconds.
            ray.data.DataContext.get_current().enable_progress_bars = False
            logging.getLogger("ray.data").setLevel(logging.WARNING)
            try:
                prepared = prepare(ray, paths, data_dir, folder, progress, index, ocr, ocr_threads, limits,
                                   ray_options)
            finally:
                if own:
                    ray.shutdown()  # the actors' models and the object store are not needed by the writer
            step(f"Storing and indexing (this process): {count(prepared.parsed, 'file')} parsed on Ray, "
                 f"{count(prepared.pieces, 'text')} embedded on Ray.", progress)
            result = ingest(paths, data_dir, workers=1, progress=progress, index=index, ocr=ocr,
                            ocr_threads=ocr_threads, limits=limits, parsed_by=ShardReader(prepared.shards))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result


def connect(ray: Any, options: RayOptions, progress: bool) -> bool:
    """Join the cluster at ``options.address``, or start a Ray instance here; True when joined or
    started by this call (Ray already initialised by the caller: left as it is)."""
    if ray.is_initialized():
        return False
    address = options.address
    kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": progress,
                              "logging_level": "WARNING"}
    if address:
        step(f"Joining the Ray cluster at {address} …", progress)
        try:
            ray.init(address=address, **kwargs)
        except (ConnectionError, RuntimeError) as exc:
            raise RayUnreachable(address, exc) from None
    else:
        step("Starting a Ray instance on this machine (set RAY_ADDRESS to use a cluster) …", progress)
        # address="local": a new instance of our own, never another run's instance found on this machine.
        ray.init(address="local", num_cpus=options.num_cpus or None, **kwargs)
    return True


# ---------------------------------------------------------------------------
# Steps 1 and 2: parse in tasks, embed in actors
# ---------------------------------------------------------------------------


def prepare(ray: Any, paths: list[str | os.PathLike[str]], data_dir: Path, folder: Path, progress: bool,
            index: IndexSettings, ocr: bool, ocr_threads: int, limits: Limits, options: RayOptions) -> Prepared:
    """Parse the files an ingest would parse into shards in ``folder``; embed their new pieces."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from index.passages.embed import EmbeddingCache, load_model

    prepared = Prepared(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tasks = files_to_parse(paths, data_dir)
    if not tasks:
        return prepared
    # Loaded here for its tag and dimension (which cache): the writer's index sync uses this same
    # loaded model afterwards (one load per process), and never encodes with it.
    step("Loading the embedding model …", progress)
    model = load_model(index.model or None, index.embed_precision, index.embed_device, index.embed_threads)
    cache = EmbeddingCache(data_dir, model.tag, model.dim)
    parse_options = ParseOptions(ocr, ocr_threads or 1, show_ocr=False, limits=limits)
    blocks: list[Any] = []  # object refs of pieces tables (key, text)
    queued: set[str] = set()
    pending: dict[str, str] = {}

    def queue(pieces: Iterable[str]) -> None:
        from index.passages.chunk import text_hash

        fresh = {}
        for text in pieces:
            key = text_hash(text)
            if key not in queued:
                queued.add(key)
                fresh[key] = text
        known = cache.lookup(fresh)
        pending.update((k, t) for k, t in fresh.items() if k not in known)
        while len(pending) >= PIECES_BLOCK:
            keys = list(pending)[:PIECES_BLOCK]
            blocks.append(ray.put(pa.table({"key": keys, "text": [pending.pop(k) for k in keys]})))
            prepared.pieces += len(keys)

    started = time.perf_counter()
    with bar(len(tasks), f"Parsing {count(len(tasks), 'report file')} on Ray", "files", progress) as shown:
        for number, window in enumerate(windows(tasks, limits)):
            shard = folder / f"records-{number:05d}.parquet"
            with pq.ParquetWriter(shard, record_schema()) as writer:  # one shard per window
                for table in parse_window(ray, window, parse_options, index.chunk_chars):
                    writer.write_table(table.drop(["pieces"]).cast(record_schema()))
                    queue(text for pieces in table.column("pieces").to_pylist() for text in pieces)
                    prepared.parsed += table.num_rows
                    shown.update(table.num_rows)
            prepared.shards.append(shard)
    if pending:
        blocks.append(ray.put(pa.table({"key": list(pending), "text": list(pending.values())})))
        prepared.pieces += len(pending)
        pending.clear()
    prepared.parse_seconds = time.perf_counter() - started
    started = time.perf_counter()
    if blocks:
        embed_blocks(ray, blocks, prepared.pieces, cache, index, options, progress)
    prepared.embed_seconds = time.perf_counter() - started
    return prepared


def files_to_parse(paths: list[str | os.PathLike[str]], data_dir: Path) -> list[tuple[str, str]]:
    """(given, real path) of the files the in-process ingest would parse, in its order.

    Unchanged files and files whose bytes a stored file already has are left out, as
    :func:`corpus.ingest.ingest` does; a file that cannot be hashed is left to it too.
    """
    sources: dict[str, tuple[str, str]] = {}
    if store.store_file(data_dir).exists():
        with store.reading(data_dir) as con:
            sources = store.load_sources(con)
    known_hashes = {content_hash for content_hash, _ in sources.values()}
    tasks = []
    for path in walk(paths).files:
        real_path = os.path.realpath(path)
        try:
            content_hash = hash_file(path)
        except OSError:
            continue
        old = sources.get(display_path(real_path))
        if (old is not None and old[0] == content_hash) or content_hash in known_hashes:
            continue
        tasks.append((display_path(path), real_path))
    return tasks


def windows(tasks: list[tuple[str, str]], limits: Limits) -> Iterator[list[dict[str, Any]]]:
    """The files with their bytes, a window (:data:`WINDOW_BYTES`, :data:`WINDOW_FILES`) at a time.

    A file that cannot be read within the limits is left out: the writer's own parse then
    says why, in the same words as the in-process ingest.
    """
    window: list[dict[str, Any]] = []
    size = 0
    for given, real_path in tasks:
        try:
            data = read_file(real_path, limits, Path(given).name)
        except (GongkaiError, OSError):
            continue
        window.append({"given": given, "source_path": real_path, "data": data})
        size += len(data)
        if size >= WINDOW_BYTES or len(window) >= WINDOW_FILES:
            yield window
            window, size = [], 0
    if window:
        yield window


def parse_window(ray: Any, window: list[dict[str, Any]], options: ParseOptions,
                 chunk_chars: int) -> Iterator[pa.Table]:
    """Parsed records (and their embedding pieces) of one window, in file order."""
    import pyarrow as pa

    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # shards in task order: the writer reads them in turn
    # One block per parse task: Ray runs the blocks in parallel.
    tables = [pa.table({"given": [f["given"] for f in part], "source_path": [f["source_path"] for f in part],
                        "data": pa.array([f["data"] for f in part], type=pa.large_binary())})
              for part in (window[i:i + PARSE_BATCH] for i in range(0, len(window), PARSE_BATCH))]
    window.clear()
    dataset = ray.data.from_arrow(tables)
    del tables
    parsed = dataset.map_batches(parse_batch, batch_size=PARSE_BATCH, batch_format="pyarrow", num_cpus=1,
                                 fn_kwargs={"options": options, "chunk_chars": chunk_chars})
    yield from parsed.iter_batches(batch_size=None, batch_format="pyarrow")


def parse_batch(batch: pa.Table, options: ParseOptions, chunk_chars: int) -> pa.Table:
    """In a Ray task: parse the files of ``batch`` (their bytes) as the in-process ingest does."""
    import pyarrow as pa

    rows: dict[str, list[Any]] = {name: [] for name in (*_RECORD_COLUMNS, "pieces")}
    given = batch.column("given").to_pylist()
    real_paths = batch.column("source_path").to_pylist()
    with tempfile.TemporaryDirectory(prefix="gongkai-ray-") as tmp:
        tasks = []
        for number, data in enumerate(batch.column("data").to_pylist()):
            local = Path(tmp) / str(number)
            local.write_bytes(data)
            tasks.append((given[number], str(local)))  # parse_file names the report after given
        for parsed, real_path in zip(parse_files(tasks, 1, options), real_paths):
            for name, value in record_row(parsed, real_path, chunk_chars).items():
                rows[name].append(value)
    # The schema given, not inferred: a batch of failures only would have null columns.
    return pa.table({name: rows[name] for name in (*_RECORD_COLUMNS, "pieces")},
                    schema=record_schema().append(pa.field("pieces", pa.list_(pa.string()))))


def record_schema() -> pa.Schema:
    """The columns of a shard: every one text (``record`` is the record's JSON)."""
    import pyarrow as pa

    return pa.schema([(name, pa.string()) for name in _RECORD_COLUMNS])


def record_row(parsed: Parsed, real_path: str, chunk_chars: int) -> dict[str, Any]:
    """One shard row: what :func:`parsed_from_row` turns back into ``parsed``, and the pieces
    of text the passage index will embed for it."""
    from index.passages.chunk import chunk_report, embedding_pieces
    from parsing.record import Report

    stored = parsed.stored
    pieces: list[str] = []
    if stored is not None:
        # The index cuts the record as the store gives it back: cut that, not the parser's object.
        report = Report.from_dict(json.loads(stored.record_json))
        pieces = [p for passage in chunk_report(report, chunk_chars) for p in embedding_pieces(passage.simplified)]
    return {
        "given": parsed.given,
        "source_path": real_path,
        "record": stored.record_json if stored else None,
        "content_hash": stored.content_hash if stored else None,
        "format": stored.format if stored else None,
        "cells_hash": stored.cells_hash if stored else None,
        "error": parsed.error,
        "error_code": parsed.error_code,
        "error_values": json.dumps(parsed.error_values, ensure_ascii=False),
        "pieces": pieces,
    }


def embed_blocks(ray: Any, blocks: list[Any], total: int, cache: Any, index: IndexSettings,
                 options: RayOptions, progress: bool) -> int:
    """Encode the ``total`` pieces of ``blocks`` (object refs of tables of key and text) in an
    actor pool; their vectors go into ``cache`` as they come."""
    actors, resources = actor_pool(ray, options)
    actors = min(actors, len(blocks))
    step(f"Embedding {count(total, 'text')} on Ray: {count(actors, 'actor')} "
         f"({', '.join(f'{v:g} {k}' for k, v in resources.items())} each) …", progress)
    done = 0
    with bar(total, f"Computing vectors for {count(total, 'text')} on Ray", "texts", progress) as shown:
        for batch in embedded(ray, blocks, index, options).iter_batches(batch_size=None, batch_format="numpy"):
            cache.add([str(k) for k in batch["key"]], np.asarray(batch["vector"], dtype=np.float32))
            done += len(batch["key"])
            shown.update(len(batch["key"]))
    return done


def embedded(ray: Any, blocks: list[Any], index: IndexSettings, options: RayOptions,
             embedder: type[Embedder] | None = None) -> Any:
    """The Ray dataset of (key, vector) of the pieces in ``blocks``, encoded by an actor pool
    (:func:`actor_pool`) of ``embedder`` (default :class:`Embedder`); lazy: it runs as it is read."""
    actors, resources = actor_pool(ray, options)
    return ray.data.from_arrow_refs(blocks).map_batches(
        embedder or Embedder, batch_size=EMBED_BATCH, batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=min(actors, len(blocks))),  # no actor without a block
        fn_constructor_kwargs={"model": index.model, "precision": index.embed_precision,
                               "device": "cuda" if resources.get("num_gpus") else "cpu",
                               "threads": options.actor_threads},
        **resources)


def actor_pool(ray: Any, options: RayOptions) -> tuple[int, dict[str, float]]:
    """How many embedding actors, and what each reserves: a GPU where the cluster has them."""
    cluster = ray.cluster_resources()
    gpus = int(cluster.get("GPU", 0))
    if gpus:
        return options.actors or gpus, {"num_gpus": 1, "num_cpus": 1}
    threads = max(1, options.actor_threads)
    return options.actors or max(1, int(cluster.get("CPU", 1)) // threads), {"num_cpus": threads}


class Embedder:
    """A Ray actor: the model, loaded once, encoding blocks of (key, text)."""

    def __init__(self, model: str, precision: str, device: str, threads: int) -> None:
        from index.passages.embed import load_model

        self.model = load_model(model or None, precision, device, threads)

    def __call__(self, batch: pa.Table) -> dict[str, np.ndarray]:
        keys = batch.column("key").to_pylist()
        texts = batch.column("text").to_pylist()
        # Longest first, as embed_texts does: a batch of like lengths wastes less padding.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors = self.model.encode([texts[i] for i in order])
        return {"key": np.array([keys[i] for i in order], dtype=object), "vector": vectors}


# ---------------------------------------------------------------------------
# Shards: written by the driver, read by the writer
# ---------------------------------------------------------------------------

def parsed_from_row(row: dict[str, Any]) -> Parsed:
    """The :class:`Parsed` a shard row holds, as :func:`corpus.ingest.parse_file` returned it."""
    from parsing.record import Report

    parsed = Parsed(row["given"], row["source_path"], error=row["error"], error_code=row["error_code"] or "",
                    error_values=json.loads(row["error_values"] or "{}"))
    if row["record"] is not None:
        parsed.stored = StoredReport(report=Report.from_dict(json.loads(row["record"])), record_json=row["record"],
                                     source_path=row["source_path"], content_hash=row["content_hash"],
                                     format=row["format"], cells_hash=row["cells_hash"])
    return parsed


class ShardReader:
    """``parsed_by`` for :func:`corpus.ingest.ingest`: the files' records from the shards.

    Rows are found by real path, one shard in memory at a time (the shards are in task
    order).  A file without a row (unreadable for the driver, or new since) is parsed here.
    """

    def __init__(self, shards: list[Path]) -> None:
        import pyarrow.parquet as pq

        self.shards = shards
        self.where: dict[str, tuple[int, int]] = {}
        for number, shard in enumerate(shards):
            paths = pq.read_table(shard, columns=["source_path"]).column("source_path").to_pylist()
            for row, path in enumerate(paths):
                self.where[path] = (number, row)
        self._loaded: tuple[int, pa.Table] | None = None

    def _row(self, number: int, row: int) -> dict[str, Any]:
        import pyarrow.parquet as pq

        if self._loaded is None or self._loaded[0] != number:
            self._loaded = (number, pq.read_table(self.shards[number]))
        table = self._loaded[1]
        return {name: table.column(name)[row].as_py() for name in _RECORD_COLUMNS}

    def __call__(self, tasks: list[tuple[str, str]], options: ParseOptions) -> Iterator[Parsed]:
        for given, real_path in tasks:
            found = self.where.get(real_path)
            if found is None:
                yield from parse_files([(given, real_path)], 1, options)
                continue
            parsed = parsed_from_row(self._row(*found))
            parsed.given = given
            yield parsed
