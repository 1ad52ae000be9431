"""Where embedding runs (embed_device, embed_threads) and the embedding cache's keys on disk.

The cache is looked up by key in ``<tag>.sqlite`` (never read whole); an append killed
between its vectors and its keys (a real SIGKILL) leaves rows that are ignored, then cut
off; a cache of the old format (``<tag>.keys``) is read and migrated.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import fields

import numpy as np
import pytest
import torch

from gongkai import settings
from index import crashpoints
from index.passages import embed
from index.passages.chunk import text_hash
from index.passages.embed_cache import EmbeddingCache
from index.passages.settings import IndexSettings
from parsing.errors import GongkaiError
from tests.conftest import ROOT

TEXTS = [
    "本机关2023年共收到政府信息公开申请128件，均已按期答复。",
    "主动公开政府信息4,215条，其中规章3件、规范性文件41件。",
    "因政府信息公开申请行政复议2件，行政诉讼1件，结果均为维持。",
    "存在的主要问题是公开内容不够全面，下一步将加强培训。",
    "全年召开新闻发布会12场，政府网站访问量达到一百万次。",
    "依申请公开办理中，不予公开3件，无法提供11件。",
    "县人民政府办公室负责本年度报告的编制工作。",
    "政务新媒体发布信息2,300余条，回应公众关切86次。",
    "本年度未收取任何政府信息公开信息处理费。",
    "各乡镇、各部门按照要求完成了年度报告的发布。",
]
MORE = [f"第{i}号补充说明：政府信息公开工作年度统计数据已核对。" for i in range(12)]


@pytest.fixture(scope="module")
def model() -> embed.Model:
    return embed.load_model()


# -- settings ---------------------------------------------------------------------------------

def test_threads_auto_is_the_cores_this_process_may_use():
    assert embed.embed_threads() == embed.embed_threads("auto") == embed.embed_threads(0) == len(os.sched_getaffinity(0))
    assert embed.embed_threads("3") == 3 and embed.embed_threads(1) == 1
    for wrong in ("-2", "many", "1.5"):
        with pytest.raises(GongkaiError, match="embed_threads"):
            embed.embed_threads(wrong)


def test_threads_auto_follows_the_affinity_of_a_pinned_process():
    """A process pinned to one core (taskset, a container's cpuset) uses one thread."""
    code = ("import os; os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]}); "
            "from index.passages.embed import embed_threads; print(embed_threads())")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "1"


def test_device_and_precision_resolution():
    gpu = torch.cuda.is_available()
    assert embed.embed_device() == embed.embed_device("auto") == ("cuda" if gpu else "cpu")
    assert embed.embed_device("CPU") == "cpu"
    for wrong in ("gpu", "cuda:x", "tpu"):
        with pytest.raises(GongkaiError, match="embed_device"):
            embed.embed_device(wrong)
    if not gpu:
        for asked in ("cuda", "cuda:0", "cuda:3"):
            with pytest.raises(GongkaiError, match="sees no CUDA device"):
                embed.embed_device(asked)
    assert embed.precision("auto", "cpu") == ("bf16" if torch.ops.mkldnn._is_mkldnn_bf16_supported() else "fp32")
    assert embed.precision("fp32", "cpu") == "fp32"
    with pytest.raises(GongkaiError, match="fp16 needs a CUDA device"):
        embed.precision("fp16", "cpu")
    assert embed.precision("fp16", "cuda:1") == "fp16"  # resolved without touching a GPU


def test_settings_are_declared_once_and_read_from_the_environment(monkeypatch):
    names = {f.name for f in fields(IndexSettings)}
    assert {"embed_device", "embed_threads"} <= names
    assert settings.setting("embed_device").default == IndexSettings().embed_device == "auto"
    assert settings.setting("embed_threads").default == IndexSettings().embed_threads == "auto"
    assert settings.setting("embed_threads").env == "GONGKAI_EMBED_THREADS"
    monkeypatch.setenv("GONGKAI_EMBED_THREADS", "1")
    monkeypatch.setenv("GONGKAI_EMBED_DEVICE", "cpu")
    chosen = settings.index_settings()
    assert chosen.embed_threads == "1" and chosen.embed_device == "cpu"
    assert settings.index_settings(embed_threads="2").embed_threads == "2"  # an option wins


def test_ingest_and_repair_take_the_options():
    from gongkai.cli import cli

    for command in ("ingest", "repair"):
        flags = {opt for p in cli.commands[command].params for opt in getattr(p, "opts", [])}
        assert {"--embed-device", "--embed-threads"} <= flags


def test_a_model_runs_batches_on_its_threads_and_a_query_on_one(model):
    one = embed.load_model(threads=1, device="cpu")
    assert one.threads == 1 and one.device == "cpu" and one.st is model.st  # one copy of the weights
    assert model.threads == len(os.sched_getaffinity(0))
    seen: list[int] = []
    before = torch.get_num_threads()
    one.encode(TEXTS, each=lambda start, vectors: seen.append(torch.get_num_threads()))
    model.encode(TEXTS, each=lambda start, vectors: seen.append(torch.get_num_threads()))
    model.encode(TEXTS[:1], each=lambda start, vectors: seen.append(torch.get_num_threads()))
    assert seen == [1, model.threads, 1]
    assert torch.get_num_threads() == before  # restored


def test_vectors_are_the_models(tmp_path, model):
    """embed_texts in fp32 gives sentence-transformers' own vectors; bf16 within 0.9999 cosine."""
    exact = embed.load_model(precision_value="fp32")
    direct = exact.st.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    embed._RECENT.clear()
    got = embed.embed_texts(tmp_path / "fp32", TEXTS + TEXTS[:3], exact)
    assert got.shape == (len(TEXTS) + 3, exact.dim)
    np.testing.assert_allclose(got[:len(TEXTS)], direct, atol=1e-5)
    np.testing.assert_array_equal(got[len(TEXTS):], got[:3])
    embed._RECENT.clear()
    fast = embed.embed_texts(tmp_path / "auto", TEXTS, model)
    assert np.sum(fast * direct, axis=1).min() > 0.9999
    assert np.allclose(np.linalg.norm(fast, axis=1), 1, atol=1e-5)
    # Read back from the cache, in a new cache object: the same rows.
    embed._RECENT.clear()
    again = embed.embed_texts(tmp_path / "fp32", list(reversed(TEXTS)), exact)
    np.testing.assert_array_equal(again, got[:len(TEXTS)][::-1])


# -- the cache --------------------------------------------------------------------------------

def _cache_files(data):
    return sorted(p.name.rsplit(".", 1)[-1] for p in (data / "embeddings").iterdir())


def test_lookups_after_an_append_killed_between_vectors_and_keys(tmp_path, model):
    data = tmp_path / "data"
    embed._RECENT.clear()
    first = embed.embed_texts(data, TEXTS, model)
    code = (f"from pathlib import Path; from index import crashpoints; from index.passages import embed; "
            f"crashpoints.arm('cache_keys_pending'); "
            f"embed.embed_texts(Path({str(data)!r}), {MORE!r}, embed.load_model())")
    killed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert "cache_keys_pending" in crashpoints.POINTS

    cache = EmbeddingCache(data, model.tag, model.dim)
    row_bytes = 4 * model.dim
    assert cache.vectors_path.stat().st_size == (len(TEXTS) + len(MORE)) * row_bytes  # the cut rows are there
    assert len(cache) == len(TEXTS) and len(cache.matrix()) == len(TEXTS)  # and ignored
    rows = cache.lookup(text_hash(t) for t in TEXTS + MORE)
    assert sorted(rows.values()) == list(range(len(TEXTS)))
    assert text_hash(MORE[0]) not in cache and text_hash(TEXTS[0]) in cache
    np.testing.assert_array_equal(cache.vectors([rows[text_hash(t)] for t in TEXTS]), first)
    cache.close()

    embed._RECENT.clear()
    both = embed.embed_texts(data, TEXTS + MORE, model)  # the next append cuts the keyless rows first
    np.testing.assert_array_equal(both[:len(TEXTS)], first)
    np.testing.assert_allclose(both[len(TEXTS):], model.encode(MORE), atol=1e-6)
    with EmbeddingCache(data, model.tag, model.dim) as cache:
        assert len(cache) == len(TEXTS) + len(MORE)
        assert cache.vectors_path.stat().st_size == len(cache) * row_bytes
        assert sorted(cache.lookup(text_hash(t) for t in MORE).values()) == list(range(len(TEXTS), len(cache)))


def test_an_old_keys_cache_is_read_and_migrated(tmp_path, model):
    """The old format: rows in .f32, one hex key per line in .keys, plus a row a cut write left."""
    data = tmp_path / "data"
    folder = data / "embeddings"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(1)
    old = rng.standard_normal((len(TEXTS) + 1, model.dim)).astype(np.float32)  # not the model's: only
    old /= np.linalg.norm(old, axis=1, keepdims=True)  # the cache can give these back
    (folder / f"{model.tag}.f32").write_bytes(old.tobytes())
    (folder / f"{model.tag}.keys").write_text("".join(text_hash(t) + "\n" for t in TEXTS), "ascii")

    embed._RECENT.clear()
    got = embed.embed_texts(data, TEXTS[::-1], model)
    np.testing.assert_array_equal(got, old[:len(TEXTS)][::-1])
    assert _cache_files(data) == ["f32", "lock", "sqlite"]  # migrated, the old key file gone
    with EmbeddingCache(data, model.tag, model.dim) as cache:
        assert len(cache) == len(TEXTS)
    embed.embed_texts(data, MORE[:2], model)
    with EmbeddingCache(data, model.tag, model.dim) as cache:
        assert len(cache) == len(TEXTS) + 2  # the keyless old row was cut off before the append
        assert cache.vectors_path.stat().st_size == (len(TEXTS) + 2) * 4 * model.dim
        np.testing.assert_array_equal(cache.vectors([cache.lookup([text_hash(TEXTS[4])])[text_hash(TEXTS[4])]]),
                                      old[4:5])


def test_an_old_cache_that_appears_after_opening_is_migrated_by_the_append(tmp_path, model):
    data = tmp_path / "data"
    cache = EmbeddingCache(data, model.tag, model.dim)  # nothing there yet
    assert len(cache) == 0 and cache.lookup([text_hash(TEXTS[0])]) == {}
    folder = data / "embeddings"
    folder.mkdir(parents=True)
    old = np.eye(3, model.dim, dtype=np.float32)
    (folder / f"{model.tag}.f32").write_bytes(old.tobytes())
    (folder / f"{model.tag}.keys").write_text("".join(text_hash(t) + "\n" for t in TEXTS[:3]), "ascii")
    rows = cache.add([text_hash(TEXTS[1]), text_hash(TEXTS[5])], np.ones((2, model.dim), dtype=np.float32))
    assert rows == {text_hash(TEXTS[1]): 1, text_hash(TEXTS[5]): 3}
    np.testing.assert_array_equal(cache.vectors([0, 1, 2]), old)
    cache.close()
    assert _cache_files(data) == ["f32", "lock", "sqlite"]  # the WAL is folded in on closing


def test_writers_at_once_never_interleave_rows(tmp_path, model):
    """Threads each appending their own keys through caches of their own: every key keeps its vector."""
    data = tmp_path / "data"
    rng = np.random.default_rng(2)
    blocks = [(
        [f"{w:02d}{i:038d}" for i in range(40)],
        rng.standard_normal((40, model.dim)).astype(np.float32),
    ) for w in range(6)]
    start = threading.Barrier(len(blocks))

    def write(block):
        keys, vectors = block
        start.wait()
        for i in range(0, 40, 8):
            with EmbeddingCache(data, model.tag, model.dim) as cache:
                cache.add(keys[i:i + 8], vectors[i:i + 8])

    threads = [threading.Thread(target=write, args=(b,)) for b in blocks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with EmbeddingCache(data, model.tag, model.dim) as cache:
        assert len(cache) == 6 * 40
        for keys, vectors in blocks:
            rows = cache.lookup(keys)
            np.testing.assert_array_equal(cache.vectors([rows[k] for k in keys]), vectors)
