"""Real texts for the embedding benchmarks: distinct embedding pieces of a corpus's passages.

``source`` is a corpus directory (its passage index, any version this tree reads) or a
``passages.parquet`` file (an index written before segments, e.g. an old demo corpus).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from index.passages.chunk import embedding_pieces
from index.passages.segments import read_passages


def passage_texts(source: str | Path) -> pd.Series:
    """The simplified text of every passage in ``source``, in index order."""
    path = Path(source)
    if path.is_file():
        return pd.read_parquet(path, columns=["simplified"])["simplified"]
    return read_passages(path, ["simplified"])["simplified"]


def distinct_pieces(source: str | Path, n: int) -> list[str]:
    """The first ``n`` distinct embedding pieces of the passages in ``source``, in index order."""
    pieces: dict[str, None] = {}
    for text in passage_texts(source):
        for piece in embedding_pieces(text):
            pieces.setdefault(piece)
            if len(pieces) >= n:
                return list(pieces)
    return list(pieces)
