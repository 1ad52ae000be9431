"""Query vectors without torch: the embedding model exported to ONNX and run with onnxruntime.

Importing torch and sentence-transformers costs a fresh process 6 s or more; a question needs
one short text encoded.  The model's transformer is exported once to ONNX (on first use, or
ahead of time with ``python -m index.passages.query_encoder``); later processes read the
export with onnxruntime and the model's own fast tokenizer (the ``tokenizers`` package) and
pool and normalise in numpy: about 0.3 s to load, a few ms per query.

The export is checked before it is kept: the vectors of :data:`PROBES` (one at a time and as
one padded batch) must agree with sentence-transformers' within :data:`MAX_COSINE_DISTANCE`.
Only models made of a transformer, mean or CLS pooling and (optionally) normalisation are
exported; any other model, or an export that fails, is encoded by the torch path as before,
with a one-line note on stderr.

Where: ``~/.cache/gongkai/onnx/<model tag>/`` (the user's cache folder, :mod:`parsing.user_cache`;
``$XDG_CACHE_HOME/gongkai/...`` when set).  The export
depends on the model only, not on a corpus: one export serves every corpus folder (the app's
uploads, test corpora), a corpus folder copied elsewhere does not carry 95 MB of model, and the
model folder itself (site-packages) may be read-only.  ``encoder.json`` records a fingerprint
of the model folder (its files' sizes and modification times): a changed model is exported
again.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import sys
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from parsing.errors import GongkaiError
from parsing.user_cache import cache_root

if TYPE_CHECKING:
    from collections.abc import Sequence

# Bump when the export's files or their meaning change: older exports are made again.
EXPORT_VERSION = 1
MAX_COSINE_DISTANCE = 1e-3
POOLINGS = ("mean", "cls")
ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "encoder.json"
FAILED_FILE = "failed.json"
BATCH_SIZE = 32
OPSET = 17
# Texts the export is checked on: short and long, Chinese and English, one past the length limit.
PROBES = (
    "2023年收到政府信息公开申请数量是多少？",
    "行政复议",
    "What measures did agencies plan for training staff?",
    "关于丰富政策解读形式，有哪些改进措施？",
    "本机关全年共收到政府信息公开申请1,234件，其中当面申请12件，传真申请0件，网络申请1,002件。",
    "x",
    "政务新媒体 政府网站 公开平台 建设情况 " * 3,
    "本年度被申请行政复议3件，维持2件，纠正1件；行政诉讼5件，其中未审结2件。" * 20,
)


class ExportFailed(GongkaiError):
    """The model cannot be exported to ONNX, or its export disagrees with sentence-transformers."""


def export_folder(name: str | None = None, root: Path | None = None) -> Path:
    """The folder of the export of model ``name`` ("" / None = m3e-small), keyed by its tag."""
    from index.passages.embed import model_name, model_tag

    return (root or cache_root()) / "onnx" / model_tag(model_name(name))


def fingerprint(name: str) -> str:
    """What identifies the model folder's contents: every file's path, size and mtime, hashed.

    "" for a name that is not a local folder (a hub name): such a model is never exported.
    """
    folder = Path(name)
    if not folder.is_dir():
        return ""
    entries = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and ".git" not in path.parts and not path.name.lower().startswith("readme"):
            stat = path.stat()
            entries.append(f"{path.relative_to(folder)}\t{stat.st_size}\t{stat.st_mtime_ns}")
    return hashlib.sha1("\n".join(entries).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------
# Running an export
# ---------------------------------------------------------------------------


@dataclass
class Encoder:
    """An exported model: onnxruntime session, tokenizer and how to pool its output."""

    name: str
    tag: str
    dim: int
    pooling: str
    lower: bool
    inputs: tuple[str, ...]
    session: Any
    tokenizer: Any

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (batches of similar length)."""
        texts = [t.lower() if self.lower else t for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH_SIZE):
            rows = order[start:start + BATCH_SIZE]
            out[rows] = self._batch([texts[i] for i in rows])
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        feed = {name: np.zeros((len(texts), width), dtype=np.int64) for name in self.inputs}
        for row, e in enumerate(encodings):
            n = len(e.ids)
            feed["input_ids"][row, :n] = e.ids
            if "attention_mask" in feed:
                feed["attention_mask"][row, :n] = e.attention_mask
            if "token_type_ids" in feed:
                feed["token_type_ids"][row, :n] = e.type_ids
        hidden = self.session.run(None, feed)[0]
        mask = np.zeros((len(texts), width), dtype=np.float32)
        for row, e in enumerate(encodings):
            mask[row, :len(e.ids)] = e.attention_mask
        return _pool(hidden, mask, self.pooling)


def _pool(hidden: np.ndarray, mask: np.ndarray, pooling: str) -> np.ndarray:
    """Mean over the tokens the mask keeps, or the first (CLS) token; then unit length."""
    if pooling == "cls":
        vectors = hidden[:, 0, :]
    else:
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def open_export(folder: Path, name: str, threads: int = 1) -> Encoder:
    """The export in ``folder``; raises ExportFailed when it is missing, stale or unreadable."""
    try:
        config = json.loads((folder / CONFIG_FILE).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportFailed(f"no ONNX export in {folder}") from exc
    if config.get("version") != EXPORT_VERSION or config.get("fingerprint") != fingerprint(name):
        raise ExportFailed(f"the ONNX export in {folder} is of another version of the model")
    import onnxruntime
    from tokenizers import Tokenizer

    options = onnxruntime.SessionOptions()
    # One short text per call: a second thread waiting for a busy core costs more than it saves.
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        session = onnxruntime.InferenceSession(str(folder / ONNX_FILE), options,
                                               providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
    except Exception as exc:  # onnxruntime raises its own (non-exported) exception types
        raise ExportFailed(f"cannot open the ONNX export in {folder}: {exc}") from exc
    inputs = tuple(i.name for i in session.get_inputs())
    if "input_ids" not in inputs or set(inputs) - {"input_ids", "attention_mask", "token_type_ids"}:
        raise ExportFailed(f"the ONNX export in {folder} takes unexpected inputs {inputs}")
    return Encoder(name=name, tag=config["tag"], dim=int(config["dim"]), pooling=config["pooling"],
                   lower=bool(config.get("lower")), inputs=inputs, session=session, tokenizer=tokenizer)


# ---------------------------------------------------------------------------
# Making an export
# ---------------------------------------------------------------------------


def export(name: str | None = None, root: Path | None = None) -> Path:
    """Export model ``name`` ("" / None = m3e-small) to ONNX, check it, return its folder.

    Imports torch and sentence-transformers (this is the one step that does).  Raises
    ExportFailed with the reason when the model cannot be exported or its vectors disagree.
    """
    from index.passages.embed import model_name

    name = model_name(name)
    folder = export_folder(name, root)
    stamp = fingerprint(name)
    if not stamp:
        raise ExportFailed(f"{name!r} is not a local model folder")
    from index.passages.embed import load_model

    model = load_model(name, "fp32")
    spec = _spec(model.st)
    folder.mkdir(parents=True, exist_ok=True)
    part = f".part-{os.getpid()}-{threading.get_ident()}"
    onnx_tmp = folder / (ONNX_FILE + part)
    tok_tmp = folder / (TOKENIZER_FILE + part)
    config = {"version": EXPORT_VERSION, "model": name, "tag": model.tag, "dim": model.dim,
              "fingerprint": stamp, "pooling": spec["pooling"], "lower": spec["lower"],
              "max_length": spec["max_length"], "inputs": list(spec["inputs"])}
    try:
        try:
            _export_onnx(model.st, spec["inputs"], onnx_tmp)
            _tokenizer(model.st, spec["max_length"]).save(str(tok_tmp))
            _check(model, config, onnx_tmp, tok_tmp)
        except ExportFailed:
            raise
        except Exception as exc:  # the exporter and onnxruntime raise many kinds
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise ExportFailed(f"the export stopped: {type(exc).__name__}: {first}"[:300]) from exc
        os.replace(onnx_tmp, folder / ONNX_FILE)
        os.replace(tok_tmp, folder / TOKENIZER_FILE)
        # Written last: an export is complete once its config names the model's fingerprint.
        _write_json(folder / CONFIG_FILE, config)
        (folder / FAILED_FILE).unlink(missing_ok=True)
    finally:
        onnx_tmp.unlink(missing_ok=True)
        tok_tmp.unlink(missing_ok=True)
    return folder


def _spec(st: Any) -> dict[str, Any]:
    """How the sentence-transformers model turns token states into a vector, if we can repeat it."""
    kinds = [type(module).__name__ for module in st]
    if len(kinds) < 2 or kinds[0] != "Transformer" or kinds[1] != "Pooling" or \
            any(k != "Normalize" for k in kinds[2:]):
        raise ExportFailed(f"its modules are {' → '.join(kinds)}, not a transformer and a pooling")
    pooling = _pooling_mode(st[1])
    if pooling not in POOLINGS:
        raise ExportFailed(f"its pooling is {pooling!r}, not one of {', '.join(POOLINGS)}")
    transformer = st[0]
    auto_model = getattr(transformer, "auto_model", None) or getattr(transformer, "model", None)
    if auto_model is None or getattr(st.tokenizer, "backend_tokenizer", None) is None:
        raise ExportFailed("it has no Hugging Face model with a fast tokenizer")
    accepted = inspect.signature(auto_model.forward).parameters
    inputs = tuple(n for n in ("input_ids", "attention_mask", "token_type_ids") if n in accepted)
    if inputs[:2] != ("input_ids", "attention_mask"):
        raise ExportFailed(f"its model takes {', '.join(accepted)}")
    max_length = st.max_seq_length or getattr(st.tokenizer, "model_max_length", None)
    limit = getattr(auto_model.config, "max_position_embeddings", None)
    if not max_length or max_length > 100_000:
        max_length = limit
    if not max_length:
        raise ExportFailed("it states no maximum sequence length")
    return {"pooling": pooling, "inputs": inputs, "max_length": int(max_length),
            "lower": bool(getattr(transformer, "do_lower_case", False))}


def _pooling_mode(pooling: Any) -> str:
    """The pooling's mode name, from sentence-transformers 6 (``pooling_mode``) or earlier."""
    mode = getattr(pooling, "pooling_mode", None)
    if mode is None and hasattr(pooling, "get_pooling_mode_str"):
        mode = pooling.get_pooling_mode_str()
    if isinstance(mode, (list, tuple)):
        mode = mode[0] if len(mode) == 1 else "+".join(map(str, mode))
    return str(mode)


def _export_onnx(st: Any, inputs: tuple[str, ...], path: Path) -> None:
    import torch

    auto_model = getattr(st[0], "auto_model", None) or st[0].model

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = auto_model

        def forward(self, *args: Any) -> Any:
            return self.model(**dict(zip(inputs, args))).last_hidden_state

    # Two rows, the second padded: the traced graph keeps the attention mask.
    ids = torch.tensor([[101, 2769, 4638, 1962, 2110, 102], [101, 2769, 102, 0, 0, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    dummy = {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids)}
    axes = {n: {0: "batch", 1: "tokens"} for n in (*inputs, "last_hidden_state")}
    with torch.no_grad(), _without_onnx_package(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about Python branches on shapes
        torch.onnx.export(LastHiddenState().eval(), tuple(dummy[n] for n in inputs), str(path),
                          input_names=list(inputs), output_names=["last_hidden_state"],
                          dynamic_axes=axes, opset_version=OPSET, dynamo=False, external_data=False)


class _without_onnx_package:
    """Let torch's TorchScript exporter run without the ``onnx`` package.

    The exporter imports ``onnx`` only to attach ONNX-script functions of custom operators
    to the model; a transformer uses standard operators only, so without ``onnx`` the model
    bytes are kept as they are.  (The ``onnx`` package is not installed here; with it the
    exporter runs unchanged.)
    """

    def __enter__(self) -> None:
        self.saved = None
        try:
            import onnx  # noqa: F401
            return
        except ImportError:
            pass
        try:
            from torch.onnx._internal.torchscript_exporter import onnx_proto_utils
        except ImportError:
            return
        self.module = onnx_proto_utils
        self.saved = onnx_proto_utils._add_onnxscript_fn
        onnx_proto_utils._add_onnxscript_fn = lambda model_bytes, custom_opsets: model_bytes

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            self.module._add_onnxscript_fn = self.saved


def _tokenizer(st: Any, max_length: int) -> Any:
    """The model's fast tokenizer, truncating as sentence-transformers does, never padding."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(st.tokenizer.backend_tokenizer.to_str())
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length)
    return tokenizer


def _check(model: Any, config: dict[str, Any], onnx_path: Path, tokenizer_path: Path) -> None:
    """Refuse an export whose vectors differ from sentence-transformers' (one by one and batched)."""
    import onnxruntime
    from tokenizers import Tokenizer

    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    encoder = Encoder(name=config["model"], tag=config["tag"], dim=config["dim"], pooling=config["pooling"],
                      lower=config["lower"], inputs=tuple(i.name for i in session.get_inputs()),
                      session=session, tokenizer=Tokenizer.from_file(str(tokenizer_path)))
    expected = model.encode(list(PROBES))
    for got in (encoder.encode(PROBES), np.concatenate([encoder.encode([p]) for p in PROBES])):
        distance = float(np.max(1.0 - np.sum(got * expected, axis=1)))
        if not distance <= MAX_COSINE_DISTANCE:
            raise ExportFailed(f"its ONNX vectors differ from sentence-transformers' by cosine distance "
                               f"{distance:.2e} (at most {MAX_COSINE_DISTANCE:g} allowed)")


def _write_json(path: Path, value: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + f".part-{os.getpid()}-{threading.get_ident()}")
    tmp.write_text(json.dumps(value, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, path)


# ---------------------------------------------------------------------------
# Encoding queries
# ---------------------------------------------------------------------------

_ENCODERS: dict[str, Encoder | None] = {}
_LOCK = threading.Lock()


def load_encoder(name: str | None = None, root: Path | None = None, export_missing: bool = True) -> Encoder | None:
    """The ONNX encoder of model ``name``, once per process; None when only torch can encode it.

    A missing or stale export is made now (once: the cost of one torch load) unless
    ``export_missing`` is False.  A model that could not be exported is remembered in
    ``failed.json`` (with its fingerprint) so later processes do not try again.
    """
    from index.passages.embed import model_name

    name = model_name(name)
    key = f"{name}\0{root}"
    if key in _ENCODERS:
        return _ENCODERS[key]
    with _LOCK:
        if key not in _ENCODERS:
            _ENCODERS[key] = _load(name, root, export_missing)
        return _ENCODERS[key]


def _load(name: str, root: Path | None, export_missing: bool) -> Encoder | None:
    folder = export_folder(name, root)
    try:
        return open_export(folder, name)
    except ExportFailed as missing:
        reason = str(missing)
    if export_missing:
        stamp = fingerprint(name)
        failed = _failed(folder)
        if failed and failed.get("fingerprint") == stamp and failed.get("version") == EXPORT_VERSION:
            reason = failed.get("reason", reason)
        else:
            try:
                return open_export(export(name, root), name)
            except ExportFailed as exc:
                reason = str(exc)
                _remember_failure(folder, stamp, reason)
            except OSError as exc:  # a cache folder that cannot be written: try again next time
                reason = f"cannot write the ONNX export to {folder}: {exc.strerror or exc}"
    _note(f"note: query vectors come from torch ({reason})")
    return None


def _failed(folder: Path) -> dict[str, Any] | None:
    try:
        value = json.loads((folder / FAILED_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _remember_failure(folder: Path, stamp: str, reason: str) -> None:
    if not stamp:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_json(folder / FAILED_FILE, {"version": EXPORT_VERSION, "fingerprint": stamp, "reason": reason})
    except OSError:
        pass


def _note(text: str) -> None:
    print(text, file=sys.stderr)


def encode_texts(texts: Sequence[str], model_name: str | None = None, root: Path | None = None) -> np.ndarray:
    """Unit-length float32 vectors of ``texts`` (len × dim), by the ONNX export when there is one
    (in ``root``, default :func:`cache_root`), else by sentence-transformers."""
    encoder = load_encoder(model_name, root)
    if encoder is not None:
        return encoder.encode(list(texts))
    from index.passages.embed import load_model

    return load_model(model_name or None).encode(list(texts))


def encode_query(text: str, model_name: str | None = None, root: Path | None = None) -> np.ndarray:
    """The unit vector (1 × dim, float32) of one query by model ``model_name`` ("" = m3e-small)."""
    return encode_texts([text], model_name, root)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m index.passages.query_encoder [MODEL]``: export the model now (at install)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        folder = export(args[0] if args else None)
    except GongkaiError as exc:
        print(f"note: no ONNX export, queries will be encoded by torch: {exc}", file=sys.stderr)
        return 1
    print(f"ONNX export of the embedding model checked and saved in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
