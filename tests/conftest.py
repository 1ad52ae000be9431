"""Shared fixtures: the seed reports (read from ../shared/seeds, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"


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


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory, seeds_dir) -> Path:
    """The five seeds ingested once per session into a store with no passage index (no model).

    Read-only: tests that change a corpus ingest their own.
    """
    from corpus.ingest import ingest

    data = tmp_path_factory.mktemp("seeds-store")
    result = ingest([seeds_dir], data, workers=1, progress=False, passages=False)
    assert len(result.new) == 5 and not result.failed, result.failed
    return data


@pytest.fixture(scope="session")
def seed_reports():
    """The five seeds parsed once per session, keyed by their 3-digit prefix."""
    from parsing import parse_path

    return {p.name[:3]: parse_path(p) for p in sorted(SEEDS.glob("*.txt"))}
