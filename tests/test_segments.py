"""The segmented passage index: adding reports in batches gives what indexing them at once gives
(BM25 and dense rankings, near-duplicate marks), replaced and removed reports leave search,
merges keep the answers, and a sync writes only its own segment and the generation's small files.
Real seeds, real model, real FAISS and BM25."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from index.passages import indexer, segments
from index.passages.chunk import chunk_report
from index.passages.indexer import build_index, load_state, read_passages, sync_index
from index.passages.search import search

QUERIES = ["政务新媒体", "丰富政策解读形式", "依申请公开办理情况", "加强政务公开队伍建设", "行政复议和行政诉讼",
           "主动公开政府信息情况", "存在的主要问题及改进情况", "信息处理费"]


def marks(data: Path) -> list[tuple]:
    frame = read_passages(data, ["id", "duplicate_of", "duplicate_score"]).sort_values("id")
    return [(i, o if isinstance(o, str) else None, None if o is None or not isinstance(o, str) else float(s))
            for i, o, s in zip(frame["id"], frame["duplicate_of"], frame["duplicate_score"])]


def ranking(data: Path, query: str, retrievers: tuple[str, ...], k: int = 10) -> list[tuple[str, float]]:
    return [(h.id, round(h.score, 6)) for h in search(data, query, k=k, retrievers=retrievers)]


@pytest.fixture(scope="module")
def reports(seed_reports):
    return list(seed_reports.values())


@pytest.fixture(scope="module")
def at_once(reports, tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("at-once")
    build_index(data, reports, progress=False)
    return data


@pytest.fixture(scope="module")
def in_batches(reports, tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("in-batches")
    build_index(data, reports[:2], progress=False)
    sync_index(data, reports[2:4], [])
    sync_index(data, reports[4:], [])
    return data


def test_three_batches_are_three_segments(in_batches, reports):
    state = load_state(in_batches)
    assert len(state.manifest["segments"]) == 3
    assert list(state.passages["report_id"].unique()) == [r.id for r in reports]
    assert state.manifest["passages"] == len(state.passages) == sum(len(chunk_report(r)) for r in reports)
    assert state.manifest["reports"] == 5


@pytest.mark.parametrize("retrievers", [("bm25",), ("dense",), ("bm25", "dense")])
def test_batched_search_equals_one_shot(at_once, in_batches, retrievers):
    for query in QUERIES:
        assert ranking(in_batches, query, retrievers) == ranking(at_once, query, retrievers), query


def test_bm25_statistics_equal_one_shot(at_once, in_batches):
    """Document frequencies and lengths summed over the segments' live rows are the one-shot ones."""
    one, batched = load_state(at_once).lexical, load_state(in_batches).lexical
    assert one.n_docs == batched.n_docs
    for term in ["政务", "新媒体", "解读", "公开"]:
        a = one.counts[:, one.vocab[term]].toarray().ravel()
        b = batched.counts[:, batched.vocab[term]].toarray().ravel()
        assert (a == b).all(), term


def test_batched_marks_equal_one_shot(seed_reports, tmp_path):
    """A copy indexed before its original (a later report of an earlier year): the copy's mark is
    changed by the sync that adds the original, through the generation's mark overrides."""
    original = next(r for r in seed_reports.values() if "将乐" in r.agency)
    later = copy.deepcopy(original)
    later.id, later.year, later.source = "c0ffee000001", original.year + 1, "copy.txt"
    earlier = copy.deepcopy(original)
    earlier.id, earlier.year, earlier.source = "c0ffee000002", original.year - 1, "earlier.txt"
    one = tmp_path / "one"
    build_index(one, [original, later, earlier], progress=False)
    batched = tmp_path / "batched"
    build_index(batched, [original], progress=False)
    sync_index(batched, [later], [])
    sync_index(batched, [earlier], [])
    assert marks(batched) == marks(one)
    b = read_passages(batched, ["id", "duplicate_of"])
    copies = b[b["id"].str.startswith("c0ffee000001")]
    assert copies["duplicate_of"].dropna().str.startswith("c0ffee000002").all() and copies["duplicate_of"].notna().any()
    manifest = segments.read_manifest(indexer.current_folder(batched))
    assert any(entry["marks"] for entry in manifest["segments"])  # the change is an override, not a rewrite

    # The earliest goes: the marks pointing at it are made again.
    sync_index(batched, [], ["c0ffee000002"])
    build_index(one, [original, later], progress=False)
    assert marks(batched) == marks(one)
    b = read_passages(batched, ["id", "duplicate_of"])
    assert b.loc[b["id"].str.startswith("c0ffee000001"), "duplicate_of"].dropna().str.startswith(original.id).all()


def test_replaced_and_removed_reports_are_tombstoned(reports, tmp_path):
    yuecheng = next(r for r in reports if "越城区" in r.agency)
    others = [copy.deepcopy(r) for r in reports if r is not yuecheng]
    for n, other in enumerate(others):
        other.id, other.year = f"c0ffee00000{n}", other.year + 1
    corpus = [*reports, *others]
    build_index(tmp_path, corpus, progress=False)
    share = len(chunk_report(yuecheng)) / len(read_passages(tmp_path, ["id"]))
    assert share <= segments.MAX_DEAD_SHARE  # replacing it leaves the segment in place
    first = set(segments.segments_root(indexer.index_root(tmp_path)).glob("seg-*"))
    changed = copy.deepcopy(yuecheng)
    five = changed.section(5)
    five.text = five.text.replace("推进政务新媒体健康发展", "推进政务短视频账号规范运营")
    result = sync_index(tmp_path, [changed], [])
    # The first segment is not rewritten: its replaced rows are listed dead beside it.
    manifest = segments.read_manifest(indexer.current_folder(tmp_path))
    first_entry = manifest["segments"][0]
    assert {Path(p).name for p in first} == {first_entry["name"]}
    assert first_entry["dead"] and first_entry["dead_count"] == len(chunk_report(yuecheng))
    assert result["passages"] == len(read_passages(tmp_path, ["id"]))
    passages = read_passages(tmp_path)
    mine = passages[passages["report_id"] == yuecheng.id]
    assert len(mine) == len(chunk_report(changed))
    assert not mine.loc[mine["section_no"] == 5, "text"].str.contains("推进政务新媒体健康发展").any()
    hit = search(tmp_path, "政务短视频账号规范运营", k=1)[0]
    assert hit.report_id == yuecheng.id and "短视频账号规范运营" in hit.text

    sync_index(tmp_path, [], [yuecheng.id])
    assert not any(h.report_id == yuecheng.id for h in search(tmp_path, "政务新媒体", k=50))
    assert yuecheng.id not in set(read_passages(tmp_path, ["report_id"])["report_id"])
    assert load_state(tmp_path).manifest["reports"] == len(corpus) - 1


def test_merges_keep_the_answers(reports, tmp_path, monkeypatch):
    """With a merge factor of 3, the fourth sync merges the three small segments into one; the
    searches answer as an index built at once, and the merged-away segments are removed."""
    monkeypatch.setattr(segments, "MERGE_FACTOR", 3)
    one = tmp_path / "one"
    build_index(one, reports, progress=False)
    data = tmp_path / "batched"
    build_index(data, reports[:1], progress=False)
    for report in reports[1:]:
        sync_index(data, [report], [])
    names = [entry["name"] for entry in load_state(data).manifest["segments"]]
    assert len(names) < len(reports)  # merged
    for query in QUERIES[:4]:
        for retrievers in [("bm25",), ("dense",), ("bm25", "dense")]:
            assert ranking(data, query, retrievers) == ranking(one, query, retrievers), (query, retrievers)
    sync_index(data, [], [])  # another generation: the one before the merge is no longer kept
    on_disk = {p.name for p in segments.segments_root(indexer.index_root(data)).glob("seg-*")}
    assert on_disk == {entry["name"] for entry in load_state(data).manifest["segments"]}


def test_compaction_past_the_dead_share(reports, tmp_path):
    build_index(tmp_path, reports, progress=False)
    first = load_state(tmp_path).manifest["segments"][0]["name"]
    sync_index(tmp_path, [], [r.id for r in reports[:2]])  # 2 of 5 reports: past MAX_DEAD_SHARE
    entries = load_state(tmp_path).manifest["segments"]
    assert [e["name"] for e in entries] != [first] and all(e["dead_count"] == 0 for e in entries)
    assert set(read_passages(tmp_path, ["report_id"])["report_id"]) == {r.id for r in reports[2:]}


def test_plan_merges_tiers():
    def ref(name: str, live: int, dead: int = 0) -> segments.SegmentRef:
        return segments.SegmentRef(name, live + dead, live, dead_count=dead)

    k = segments.MERGE_FACTOR
    small = [ref(f"s{i}", 100) for i in range(k)]
    plan = segments.plan_merges([ref("big", 50_000), *small])
    assert plan == [(["big"], False), ([f"s{i}" for i in range(k)], True)]
    assert segments.plan_merges([ref("big", 50_000), *small[:-1]]) == [(["big"], False)] + [
        ([f"s{i}"], False) for i in range(k - 1)]
    assert segments.plan_merges([ref("a", 0, 10), ref("b", 70, 30), ref("c", 90, 10)]) == [
        (["b"], True), (["c"], False)]
    # Merges cascade: k segments of the tier above, the last one made by this merge.
    upper = [ref(f"u{i}", segments.TIER_BASE * 2) for i in range(k - 1)]
    tiny = [ref(f"t{i}", segments.TIER_BASE // k + 1) for i in range(k)]
    plan = segments.plan_merges([*upper, *tiny])
    assert plan == [([*(f"u{i}" for i in range(k - 1)), *(f"t{i}" for i in range(k))], True)]


def test_vocabulary_is_append_only(reports, tmp_path):
    build_index(tmp_path, reports[:2], progress=False)
    before = load_state(tmp_path).manifest["vocab"]
    path = indexer.index_root(tmp_path) / before["file"]
    head = path.read_bytes()
    sync_index(tmp_path, reports[2:], [])
    after = load_state(tmp_path).manifest["vocab"]
    assert after["file"] == before["file"] and after["terms"] > before["terms"]
    assert path.read_bytes()[:len(head)] == head


def test_rows_fetched_by_number(reports, tmp_path):
    build_index(tmp_path, reports, progress=False)
    ref = segments.refs(load_state(tmp_path).manifest)[0]
    root = indexer.index_root(tmp_path)
    whole = segments.segment_passages(root, ref, ["id"])
    rows = np.array([len(whole) - 1, 3, 0])
    assert list(segments.take_rows(segments.segment_folder(root, ref) / segments.SEG_PASSAGES, rows, ["id"])["id"]) \
        == list(whole["id"].iloc[rows])
