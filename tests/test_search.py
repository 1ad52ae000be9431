"""Hybrid search over the seeds: real model, real FAISS, real BM25."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.commands.search import search as search_command
from index.passages import indexer
from index.passages.embed import EmbeddingCache, load_model
from index.passages.chunk import chunk_report
from index.passages.search import browse, build_index, facet_counts, search, sync_index
from index.passages.settings import IndexSettings


def agencies(hits) -> list[str]:
    return [h.agency or "" for h in hits]


def first_index(hits, fragment: str) -> int | None:
    return next((i for i, h in enumerate(hits) if fragment in (h.agency or "")), None)


@pytest.fixture(scope="module")
def seed_index(seed_reports, tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("seed-index")
    build_index(data, seed_reports.values(), progress=False)
    return data


# ---------------------------------------------------------------------------
# The examples
# ---------------------------------------------------------------------------


def test_enriching_policy_interpretation_finds_both_measures(seed_index):
    hits = search(seed_index, "丰富政策解读形式", kind="measures", k=3)
    assert {"将乐", "大涌"} <= {frag for frag in ("将乐", "大涌") for a in agencies(hits) if frag in a}
    assert all(h.kind == "measures" and h.section_no == 5 for h in hits)
    assert any("丰富" in h.text and "解读形式" in h.text for h in hits if "将乐" in h.agency)


def test_question_about_policy_interpretation_measures(seed_index):
    hits = search(seed_index, "关于政策解读的改进措施有哪些?", kind="measures", k=5)
    found = " ".join(agencies(hits))
    assert "将乐" in found and "大涌" in found


def test_new_media_finds_yuecheng(seed_index):
    hits = search(seed_index, "政务新媒体", k=3)
    assert "越城区" in hits[0].agency
    assert "政务新媒体" in hits[0].text
    assert set(hits[0].retrievers) == {"bm25", "dense"}


@pytest.mark.parametrize("query, agency, written", [
    ("加強政務公開隊伍建設", "安康", "加強政務公開隊伍建設"),   # traditional query, traditional text
    ("加强政务公开队伍建设", "安康", "加強政務公開隊伍建設"),   # simplified query, traditional text
    ("豐富政策解讀形式", "将乐", "丰富解读形式"),               # traditional query, simplified text
])
def test_either_script_finds_the_other(seed_index, query, agency, written):
    hits = search(seed_index, query, k=3)
    assert agency in hits[0].agency
    assert any(written in h.text for h in hits)  # the text comes back as the report wrote it


# ---------------------------------------------------------------------------
# Filters are applied inside the search
# ---------------------------------------------------------------------------


def test_filters_inside_the_search_still_fill_k(seed_index):
    unfiltered = search(seed_index, "政务新媒体", k=5)
    assert not any("宝力根" in a for a in agencies(unfiltered))
    hits = search(seed_index, "政务新媒体", agency="宝力根", k=3)
    assert len(hits) == 3
    assert all("宝力根" in a for a in agencies(hits))


@pytest.mark.parametrize("filters, check", [
    ({"year": 2021}, lambda h: h.year == 2021),
    ({"years": [2019, 2022]}, lambda h: h.year in (2019, 2022)),
    ({"region": "浙江"}, lambda h: "浙江" in h.region),
    ({"region": "陕西省"}, lambda h: "安康" in h.agency),
    ({"kind": "problems", "agency": "大涌镇"}, lambda h: h.kind == "problems" and "大涌" in h.agency),
    ({"topic": "政务新媒体"}, lambda h: "new_media" in h.topics),
    ({"topic": "accessibility", "kind": "overview"}, lambda h: "accessibility" in h.topics and h.kind == "overview"),
])
def test_each_filter_holds_for_every_hit(seed_index, filters, check):
    hits = search(seed_index, "加强政务公开工作", k=20, **filters)
    assert hits
    assert all(check(h) for h in hits)


def test_problems_of_one_agency(seed_index):
    hits = search(seed_index, "存在哪些主要问题", agency="大涌镇", kind="problems", k=5)
    assert len(hits) == 1
    assert "政策解读形式比较单一" in hits[0].text


def test_filters_that_match_nothing_return_nothing(seed_index):
    assert search(seed_index, "政务新媒体", year=1999) == []


def test_each_retriever_alone(seed_index):
    bm25 = search(seed_index, "政务新媒体", k=3, retrievers=["bm25"])
    dense = search(seed_index, "政务新媒体", k=3, retrievers=["dense"])
    assert all(h.retrievers == ["bm25"] and h.dense_rank is None for h in bm25)
    assert all(h.retrievers == ["dense"] and h.bm25_rank is None for h in dense)
    assert [h.bm25_rank for h in bm25] == [1, 2, 3]


def test_measures_by_topic_is_a_facet(seed_index):
    counts = facet_counts(seed_index, kind="measures")
    assert counts["new_media"] >= 1
    assert counts["accessibility"] == 0
    total = len(search(seed_index, "政务新媒体", kind="measures", topic="new_media", k=50))
    assert total == counts["new_media"]
    listed = browse(seed_index, kind="measures", topic="new_media")
    assert len(listed) == counts["new_media"]
    assert all(h.kind == "measures" and "new_media" in h.topics for h in listed)
    assert [h.year for h in listed] == sorted((h.year for h in listed), reverse=True)


# ---------------------------------------------------------------------------
# In step with the store
# ---------------------------------------------------------------------------


def _keys(data: Path) -> int:
    model = load_model()
    return len(EmbeddingCache(data, model.tag, model.dim))


def test_replace_and_remove_reports(seed_reports, tmp_path):
    reports = list(seed_reports.values())
    build_index(tmp_path, reports, progress=False)
    cached = _keys(tmp_path)
    yuecheng = next(r for r in reports if "越城区" in r.agency)

    # Re-syncing unchanged reports encodes nothing new.
    sync_index(tmp_path, reports, [])
    assert _keys(tmp_path) == cached

    # A changed report replaces its passages.
    changed = copy.deepcopy(yuecheng)
    five = changed.section(5)
    five.text = five.text.replace("推进政务新媒体健康发展", "推进政务短视频账号规范运营")
    result = sync_index(tmp_path, [changed], [])
    assert result["passages"] == len(indexer.load_state(tmp_path).passages)
    hits = search(tmp_path, "政务短视频账号规范运营", k=1)
    assert hits[0].report_id == yuecheng.id and "短视频账号规范运营" in hits[0].text
    frame = indexer.load_state(tmp_path).passages
    five_now = frame[(frame["report_id"] == yuecheng.id) & (frame["section_no"] == 5)]
    assert not five_now["text"].str.contains("推进政务新媒体健康发展").any()
    assert (frame["report_id"] == yuecheng.id).sum() == len(chunk_report(changed))
    assert _keys(tmp_path) == cached + 1  # only the edited passage was encoded

    # A removed report leaves the index.
    sync_index(tmp_path, [], [yuecheng.id])
    assert not any(h.report_id == yuecheng.id for h in search(tmp_path, "政务新媒体", k=20))
    assert yuecheng.id not in set(indexer.load_state(tmp_path).passages["report_id"])


def test_copied_report_is_marked_and_can_be_left_out(seed_reports, tmp_path):
    original = next(r for r in seed_reports.values() if "将乐" in r.agency)
    copied = copy.deepcopy(original)
    copied.id, copied.year, copied.source = "c0ffee000001", original.year + 1, "copy.txt"
    build_index(tmp_path, [original, copied], progress=False)
    frame = indexer.load_state(tmp_path).passages
    copies = frame[frame["report_id"] == copied.id]
    originals = set(frame.loc[frame["report_id"] == original.id, "id"])
    long_copies = copies[copies["text"].str.len() >= 60]
    assert long_copies["duplicate_of"].notna().all()
    assert set(long_copies["duplicate_of"]) <= originals
    assert frame.loc[frame["report_id"] == original.id, "duplicate_of"].isna().all()
    hits = search(tmp_path, "丰富政策解读形式", exclude_duplicates=True, k=10)
    assert hits and all(h.report_id == original.id for h in hits)


def test_hnsw_past_the_threshold_finds_the_same(seed_reports, tmp_path):
    build_index(tmp_path, seed_reports.values(), progress=False, settings=IndexSettings(exact_index_max=10))
    assert all(part.vectors.kind == "hnsw" for part in indexer.load_state(tmp_path).parts)
    assert "越城区" in search(tmp_path, "政务新媒体", k=1)[0].agency
    hits = search(tmp_path, "丰富政策解读形式", kind="measures", k=3)
    assert {"将乐", "大涌"} <= {f for f in ("将乐", "大涌") for a in agencies(hits) if f in a}


def test_search_without_an_index_says_what_to_do(tmp_path):
    with pytest.raises(indexer.NoIndex, match="gongkai ingest"):
        search(tmp_path, "政务新媒体")


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


def test_cli_search_json(seed_index):
    result = CliRunner().invoke(search_command, ["丰富政策解读形式", "--data", str(seed_index), "--kind", "measures",
                                                 "-k", "2", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert len(hits) == 2 and all(h["kind"] == "measures" for h in hits)
    assert {"agency", "year", "text", "score", "retrievers", "topics"} <= set(hits[0])


def test_cli_search_text(seed_index):
    result = CliRunner().invoke(search_command, ["政务新媒体", "--data", str(seed_index), "-k", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1. 绍兴市越城区人民政府办公室 · 2021")
    assert "政务新媒体" in result.output


def test_cli_unknown_topic_names_the_known_ones(seed_index):
    result = CliRunner().invoke(search_command, ["政务新媒体", "--data", str(seed_index), "--topic", "天气"])
    assert result.exit_code == 1
    assert "unknown topic '天气'; use one of: policy_interpretation (政策解读)" in result.output


# ---------------------------------------------------------------------------
# Retrieval quality on the labelled set (the seeds part; bench/retrieval.py runs all)
# ---------------------------------------------------------------------------


def test_hybrid_beats_both_retrievers_on_the_seed_queries(seed_index):
    from index.passages.evaluate import evaluate, load_set

    queries = [q for q in load_set(Path(__file__).parent / "retrieval_set.jsonl") if q.corpus == "seeds"]
    assert len(queries) >= 30
    scores = evaluate(seed_index, queries)  # raises StaleLabel if a label matches nothing
    for metric in ("recall", "mrr"):
        hybrid = getattr(scores["hybrid"], metric)
        assert hybrid > getattr(scores["bm25"], metric), metric
        assert hybrid > getattr(scores["dense"], metric), metric
    assert scores["hybrid"].recall >= 0.9


def test_a_missing_model_says_what_to_do(seed_reports, tmp_path):
    from index.passages.embed import ModelUnavailable

    with pytest.raises(ModelUnavailable, match="set GONGKAI_MODEL to a local sentence-transformers folder"):
        build_index(tmp_path / "data", list(seed_reports.values())[:1], progress=False,
                    settings=IndexSettings(model=str(tmp_path / "no-such-model")))
    assert indexer.current_folder(tmp_path / "data") is None  # nothing half-written


def test_rebuild_from_the_store(seeds_dir, tmp_path):
    from corpus.ingest import ingest

    ingest([seeds_dir], tmp_path, workers=1, progress=False)
    manifest = indexer.rebuild_from_store(tmp_path, progress=False)
    assert manifest["reports"] == 5
    assert "越城区" in search(tmp_path, "政务新媒体", k=1)[0].agency
