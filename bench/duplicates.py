"""Near-duplicate marks for an add: only the new passages compared (``incremental_marks``)
against marking the whole corpus again (``indexer.mark_duplicates``), same run, interleaved.

    python bench/duplicates.py PASSAGES.parquet [--add 100] [--sizes 1000,14000] [--repeat 5]

From a passage index's ``passages.parquet`` (read only), for each corpus size (passages), a
random set of reports of about that size is the corpus; ``--add`` reports more are the add.
Incremental: the new passages' band keys are looked up in the corpus's :class:`BandIndex`
(written beforehand, as a segment keeps it; "filtered": written with the signatures, so the
lookup leaves out passages agreeing with no new one on enough hashes), the candidates and their originals are taken
from the corpus, ``incremental_marks`` runs, and the band index of the new passages is
written.  Full: ``mark_duplicates`` over corpus + add.  Both must give the same marks (checked).
Prints medians and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.passages import duplicates  # noqa: E402
from index.passages.indexer import mark_duplicates  # noqa: E402

COLUMNS = duplicates.MARK_INPUT + ["duplicate_of", "duplicate_score"]


def _eligible(frame: pd.DataFrame) -> np.ndarray:
    return np.array([len(duplicates.normalise(t)) >= duplicates.MIN_CHARS for t in frame["simplified"]], dtype=bool)


def split(frame: pd.DataFrame, size: int, add: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(corpus of about ``size`` passages, ``add`` other reports' passages), reports drawn at random."""
    rng = np.random.default_rng(seed)
    reports = list(rng.permutation(sorted(frame["report_id"].unique())))
    new_ids = set(reports[:add])
    per_report = frame.groupby("report_id").size()
    taken, corpus_ids = 0, set()
    for r in reports[add:]:
        if taken >= size:
            break
        corpus_ids.add(r)
        taken += int(per_report[r])
    corpus = mark_duplicates(frame[frame["report_id"].isin(corpus_ids)].reset_index(drop=True))
    return corpus, frame[frame["report_id"].isin(new_ids)].reset_index(drop=True)


def incremental(corpus: pd.DataFrame, bands: duplicates.BandIndex, new: pd.DataFrame, folder: Path,
                filtered: bool) -> pd.DataFrame:
    signatures = duplicates.signatures_of(new)
    keys = duplicates.band_keys(signatures)
    existing = corpus.iloc[bands.lookup(keys, signatures if filtered else None)]
    missing = duplicates.missing_originals(existing)
    if missing:
        existing = pd.concat([existing, corpus[corpus["id"].isin(missing)]])
    marks = duplicates.incremental_marks(new, existing)
    eligible = _eligible(new)
    duplicates.BandIndex.write(folder / "new-bands.npy", keys[eligible], len(corpus) + np.flatnonzero(eligible),
                               signatures[eligible] if filtered else None)
    return marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("passages", type=Path)
    parser.add_argument("--add", type=int, default=100, help="reports added")
    parser.add_argument("--sizes", default="1000,14000", help="corpus sizes in passages, comma-separated")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    frame = pd.read_parquet(args.passages, columns=COLUMNS)
    for size in (int(s) for s in args.sizes.split(",")):
        corpus, new = split(frame, size, args.add, seed=size)
        times: dict[str, list[float]] = {"incremental": [], "filtered": [], "full": []}
        with tempfile.TemporaryDirectory() as tmp:
            eligible = _eligible(corpus)
            signatures = duplicates.signatures_of(corpus[eligible])
            keys = duplicates.band_keys(signatures)
            duplicates.BandIndex.write(Path(tmp) / "bands.npy", keys, np.flatnonzero(eligible))
            duplicates.BandIndex.write(Path(tmp) / "signed.npy", keys, np.flatnonzero(eligible), signatures)
            bands = duplicates.BandIndex.open(Path(tmp) / "bands.npy")
            signed = duplicates.BandIndex.open(Path(tmp) / "signed.npy")
            for _ in range(args.repeat):
                started = time.perf_counter()
                marks = incremental(corpus, bands, new, Path(tmp), filtered=False)
                times["incremental"].append(time.perf_counter() - started)
                started = time.perf_counter()
                filtered = incremental(corpus, signed, new, Path(tmp), filtered=True)
                times["filtered"].append(time.perf_counter() - started)
                started = time.perf_counter()
                full = mark_duplicates(pd.concat([corpus, new], ignore_index=True))
                times["full"].append(time.perf_counter() - started)
        merged = pd.concat([corpus, new], ignore_index=True).set_index("id")
        changes = marks.set_index("id")
        merged.loc[new["id"], ["duplicate_of", "duplicate_score"]] = None
        merged.loc[changes.index, "duplicate_of"] = changes["duplicate_of"]
        merged.loc[changes.index, "duplicate_score"] = changes["duplicate_score"]
        expected = full.set_index("id").loc[merged.index]
        same = (merged["duplicate_of"].fillna("") == expected["duplicate_of"].fillna("")).all() and marks.equals(filtered)
        medians = {k: statistics.median(v) for k, v in times.items()}
        print(f"corpus {len(corpus):>7,} passages + {len(new):,} new ({args.add} reports): "
              f"incremental {medians['incremental'] * 1000:.0f} ms (signature-filtered lookup "
              f"{medians['filtered'] * 1000:.0f} ms), full {medians['full'] * 1000:.0f} ms "
              f"({medians['full'] / medians['incremental']:.1f}x); {len(marks)} marks returned; "
              f"same marks: {same}; load {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
