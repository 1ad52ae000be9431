"""One loaded model and one loaded passage index per process, shared by its threads.

The app serves every user from one process, each session on a thread of its own: sessions
that ask at the same time must share one model and one index, not load a copy each
(issue 13: ten narrative questions took 764 MB each as separate loads)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from index.passages import embed, search


def _at_once(load, n: int = 6) -> list:
    start = threading.Barrier(n)

    def one(_: int):
        start.wait()
        return load()

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def test_threads_asking_at_once_share_one_loaded_model():
    embed._MODELS.clear()
    models = _at_once(embed.load_model)
    assert all(m is models[0] for m in models)
    assert all(m.st is models[0].st for m in models)
    assert embed.load_model() is models[0]  # and a later load in the process too


def test_threads_asking_at_once_share_one_loaded_index(seeds_index):
    search._CACHE.clear()
    loaded = _at_once(lambda: search._loaded(seeds_index))
    assert all(one is loaded[0] for one in loaded)
    assert search._loaded(seeds_index) is loaded[0]
