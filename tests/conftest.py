"""Shared fixtures: the seed reports (read from ../shared/seeds, never copied) and the real
reports (../shared/real), each ingested once per session.

Session fixtures are read-only: a test that changes a corpus ingests its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"
REAL = SEEDS.parent / "real"

if TYPE_CHECKING:
    from qa.corpus import Corpus


def seed_path(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` (e.g. "000")."""
    matches = sorted(SEEDS.glob(f"{prefix}*"))
    if not matches:
        pytest.fail(f"seed {prefix}* not found in {SEEDS}: CI needs ../shared beside the repo")
    return matches[0]


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"{SEEDS} is missing: the seeds live in ../shared/seeds")
    return SEEDS


def _tables_store(factory: pytest.TempPathFactory, source: Path, name: str, reports: int | None = None) -> Path:
    """``source`` ingested into a new store with no passage index (no model)."""
    from corpus.ingest import ingest

    data = factory.mktemp(name)
    result = ingest([source], data, workers=1, progress=False, passages=False)
    assert not result.failed, result.failed
    assert reports is None or len(result.new) == reports, result.new
    return data


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory, seeds_dir) -> Path:
    """The five seeds ingested once per session into a store with no passage index (no model).

    Read-only: tests that change a corpus ingest their own.
    """
    return _tables_store(tmp_path_factory, seeds_dir, "seeds-store", reports=5)


@pytest.fixture(scope="session")
def real_dir() -> Path:
    if not REAL.is_dir():
        pytest.fail(f"{REAL} is missing: the real reports live in ../shared/real")
    return REAL


@pytest.fixture(scope="session")
def real_store(tmp_path_factory, real_dir) -> Path:
    """../shared/real ingested once per session into a store with no passage index (no model).

    Read-only: tests that change a corpus ingest their own.
    """
    return _tables_store(tmp_path_factory, real_dir, "real-store")


def open_corpus(data: Path, words_only: bool = True) -> Iterator[Corpus]:
    """A ``Corpus`` handle over ``data`` for a module fixture (``yield from open_corpus(seeds_store)``).

    ``words_only``: metric words are linked by the vocabulary alone, never by an embedding model
    (none in these tests). The handle only reads.
    """
    from qa.corpus import Corpus

    with Corpus(data) as corpus:
        if words_only:
            corpus.vocabulary().similar_metric = None
        yield corpus


@pytest.fixture(scope="module")
def seeds(seeds_store) -> Iterator[Corpus]:
    """A read-only handle on ``seeds_store``, words alone, per module (a module may define its own ``seeds``)."""
    yield from open_corpus(seeds_store)


@pytest.fixture(scope="module")
def real(real_store) -> Iterator[Corpus]:
    """A read-only handle on ``real_store``, words alone, per module (a module may define its own ``real``)."""
    yield from open_corpus(real_store)


def stated(number: str, text: str) -> bool:
    """``number`` written as a whole number (not inside a date, a year or a file name)."""
    return re.search(rf"(?<![0-9A-Za-z_.\-]){re.escape(number)}(?![0-9A-Za-z_\-]|\.\d)", text) is not None


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory) -> Path:
    """The seeds ingested once per session WITH their passage index (``tests.qa_corpus``). Read-only."""
    from tests.qa_corpus import seeds_corpus

    return seeds_corpus(tmp_path_factory)


@pytest.fixture(scope="session")
def real_index(tmp_path_factory) -> Path:
    """../shared/real ingested once per session WITH its passage index (``tests.qa_corpus``). Read-only."""
    from tests.qa_corpus import real_corpus

    return real_corpus(tmp_path_factory)


@pytest.fixture(scope="session")
def seed_reports():
    """The five seeds parsed once per session, keyed by their 3-digit prefix."""
    from parsing import parse_path

    return {p.name[:3]: parse_path(p) for p in sorted(SEEDS.glob("*.txt"))}
