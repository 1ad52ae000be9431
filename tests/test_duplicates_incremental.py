"""Near-duplicate marks added report by report (``duplicates.incremental_marks`` with the
candidates a ``BandIndex`` finds) equal the marks of the whole corpus (``indexer.mark_duplicates``),
on the real reports (../shared/real: the same reports as a page and as a crawl dump, and year
after year copied) and the seeds, added in several orders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from index.passages import duplicates
from index.passages.chunk import chunk_report
from index.passages.indexer import mark_duplicates, passage_frame
from parsing import parse_path


@pytest.fixture(scope="module")
def files(real_dir, seeds_dir) -> dict[str, Path]:
    """Report id → file, for every real report and seed."""
    paths = sorted([*(real_dir / "html").iterdir(), *(real_dir / "crawl").iterdir(), *seeds_dir.iterdir()])
    return {parse_path(p).id: p for p in paths}


@pytest.fixture(scope="module")
def frame(files) -> pd.DataFrame:
    return passage_frame([p for path in files.values() for p in chunk_report(parse_path(path))])


@pytest.fixture(scope="module")
def full(frame) -> pd.DataFrame:
    return mark_duplicates(frame)


def _name(files: dict[str, Path], passage_id: str) -> str:
    path = files[passage_id.rsplit("-", 1)[0]]
    return f"{path.parent.name}/{path.name}"


def _eligible(frame: pd.DataFrame) -> np.ndarray:
    return np.array([len(duplicates.normalise(t)) >= duplicates.MIN_CHARS for t in frame["simplified"]], dtype=bool)


def _add(corpus: pd.DataFrame, new: pd.DataFrame, folder: Path,
         filtered: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``corpus`` with ``new`` added as a sync does: candidates from the band index (``filtered``:
    only those agreeing on enough hashes), then the marks of the new passages and the changed
    ones.  Returns (corpus, the changes)."""
    eligible = _eligible(corpus)
    path = folder / f"bands-{len(corpus)}.npy"
    signatures = duplicates.signatures_of(corpus[eligible])
    duplicates.BandIndex.write(path, duplicates.band_keys(signatures), np.flatnonzero(eligible),
                               signatures if filtered else None)
    asked = duplicates.signatures_of(new)
    rows = duplicates.BandIndex.open(path).lookup(duplicates.band_keys(asked), asked if filtered else None)
    existing = corpus.iloc[rows]
    wanted = duplicates.missing_originals(existing)
    existing = pd.concat([existing, corpus[corpus["id"].isin(wanted)]])
    changes = duplicates.incremental_marks(new[duplicates.MARK_INPUT], existing)
    corpus = pd.concat([corpus, new.assign(duplicate_of=None, duplicate_score=np.nan)], ignore_index=True)
    at = pd.Index(corpus["id"]).get_indexer(pd.Index(changes["id"]))
    corpus.loc[at, "duplicate_of"] = changes["duplicate_of"].to_numpy(dtype=object)
    corpus.loc[at, "duplicate_score"] = changes["duplicate_score"].to_numpy(dtype=np.float64)
    return corpus, changes


def _marks(frame: pd.DataFrame) -> dict[str, tuple[str | None, float | None]]:
    return {i: (o if isinstance(o, str) else None, None if pd.isna(s) else float(s))
            for i, o, s in zip(frame["id"], frame["duplicate_of"], frame["duplicate_score"])}


def test_the_whole_corpus_marks_copies_of_earlier_reports(full, files) -> None:
    marked = full[full["duplicate_of"].notna()]
    pairs = {(_name(files, i), _name(files, o)) for i, o in zip(marked["id"], marked["duplicate_of"])}
    # 2012's report repeats 2011's; the page and the crawl dump of one report are the same text.
    assert ("crawl/04.txt", "crawl/03.txt") in pairs
    assert {("crawl/06.txt", "html/06.html"), ("html/06.html", "crawl/06.txt")} & pairs
    by_id = full.set_index("id")
    sources = by_id.loc[marked["duplicate_of"]]
    assert (sources["report_id"].to_numpy() != marked["report_id"].to_numpy()).all()
    assert (sources["year"].to_numpy() <= marked["year"].to_numpy()).all()
    assert (marked["duplicate_score"] >= duplicates.THRESHOLD).all()


@pytest.mark.parametrize("filtered", [False, True], ids=["all sharing a band", "agreeing signatures"])
@pytest.mark.parametrize("order", ["oldest first", "newest first", "shuffled", "shuffled again"])
def test_marks_added_in_batches_equal_the_whole_corpus_marks(frame, full, order, filtered, tmp_path) -> None:
    years = frame.groupby("report_id")["year"].first().sort_index()
    if order == "oldest first":
        reports = list(years.sort_values(kind="stable").index)
    elif order == "newest first":
        reports = list(years.sort_values(ascending=False, kind="stable").index)
    else:
        reports = list(np.random.default_rng(len(order)).permutation(list(years.index)))
    corpus = frame.iloc[:0].assign(duplicate_of=None, duplicate_score=np.nan)
    for batch in np.array_split(np.array(reports, dtype=object), 6):
        corpus, _ = _add(corpus, frame[frame["report_id"].isin(set(batch))], tmp_path, filtered)
    assert _marks(corpus) == _marks(full)


def test_an_earlier_report_added_later_becomes_the_original(frame, full, files, tmp_path) -> None:
    first = next(r for r, p in files.items() if p.name == "03.txt")  # 2011, repeated in 2012 and 2013
    corpus, _ = _add(frame.iloc[:0].assign(duplicate_of=None, duplicate_score=np.nan),
                     frame[frame["report_id"] != first], tmp_path)
    corpus, changes = _add(corpus, frame[frame["report_id"] == first], tmp_path)
    changed = changes[~changes["id"].str.startswith(first)]
    assert {_name(files, i) for i in changed["id"]} >= {"crawl/04.txt", "crawl/20.txt"}
    assert {_name(files, o) for o in changed["duplicate_of"]} == {"crawl/03.txt"}
    assert _marks(corpus) == _marks(full)


def test_band_index_finds_every_passage_sharing_a_band(frame, tmp_path) -> None:
    keys = duplicates.band_keys(duplicates.signatures_of(frame))
    assert keys.shape == (len(frame), duplicates.BANDS) and keys.dtype == np.uint64
    rows = np.arange(len(frame), dtype=np.int64) + 1000  # global row numbers need not start at 0
    duplicates.BandIndex.write(tmp_path / "bands.npy", keys, rows)
    index = duplicates.BandIndex.open(tmp_path / "bands.npy")
    assert len(index) == len(frame)
    for report in frame["report_id"].unique()[:6]:
        wanted = keys[(frame["report_id"] == report).to_numpy()]
        expected = rows[(keys[:, None, :] == wanted[None, :, :]).any(axis=2).any(axis=1)]
        assert list(index.lookup(wanted)) == sorted(expected)
    assert len(index.lookup(np.zeros((0, duplicates.BANDS), dtype=np.uint64))) == 0


def test_band_index_with_signatures_leaves_out_passages_too_different_to_check(frame, tmp_path) -> None:
    signatures = duplicates.signatures_of(frame)
    keys = duplicates.band_keys(signatures)
    rows = np.arange(len(frame), dtype=np.int64)[::-1] + 7  # rows in any order
    duplicates.BandIndex.write(tmp_path / "bands.npy", keys, rows, signatures)
    assert duplicates.signatures_path(tmp_path / "bands.npy").exists()
    index = duplicates.BandIndex.open(tmp_path / "bands.npy")
    fewer = 0
    for report in frame["report_id"].unique()[:8]:
        mine = (frame["report_id"] == report).to_numpy()
        shares = (keys[:, None, :] == keys[mine][None, :, :]).any(axis=2)          # (all, mine)
        agrees = (signatures[:, None, :] == signatures[mine][None, :, :]).sum(axis=2) >= 45  # 0.7 of 64, up
        expected = sorted(rows[(shares & agrees).any(axis=1)])
        assert list(index.lookup(keys[mine], signatures[mine])) == expected
        assert set(expected) <= set(index.lookup(keys[mine]))
        fewer += len(index.lookup(keys[mine])) - len(expected)
    assert fewer > 0


def test_missing_originals_names_what_the_candidates_point_to(full) -> None:
    marked = full[full["duplicate_of"].notna()]
    assert duplicates.missing_originals(marked) == set(marked["duplicate_of"]) - set(marked["id"])
    assert duplicates.missing_originals(full) == set()
