"""The demo corpus through the real pipeline: every report's agency, region and level in the
store are what the generator meant (its manifest), file by file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from corpus.demo import FICTIONAL_PREFIXES, read_manifest, write_corpus
from corpus.demo_geo import choose_agencies
from corpus.ingest import ingest
from index.tables import store

AGENCIES = 100
YEARS = range(2023, 2025)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    files = tmp_path_factory.mktemp("region-demo-files")
    write_corpus(files, AGENCIES, YEARS, seed=4)
    data = tmp_path_factory.mktemp("region-demo")
    result = ingest([files], data, workers=1, progress=False, passages=False)
    assert not result.failed, result.failed
    return data, read_manifest(files)


def _stored(data: Path) -> dict[str, dict[str, Any]]:
    """Store rows by file name."""
    names = ("source_path", "agency", "province", "city", "county", "township", "level")
    with store.reading(data) as con:
        rows = con.execute(f"SELECT {', '.join(names)} FROM reports").fetchall()
    return {Path(row[0]).name: dict(zip(names, row)) for row in rows}


def _meant(entry: dict[str, Any]) -> dict[str, Any]:
    truth = entry["truth"]
    # The store calls every agency that is not a government a department, whatever its place.
    level = entry["level"] if entry["kind"] == "government" else "department"
    return {"agency": truth["agency"], **truth["region"], "level": level}


def test_every_report_has_the_region_and_level_the_generator_meant(demo) -> None:
    data, manifest = demo
    stored = _stored(data)
    assert len(manifest) == AGENCIES * len(YEARS) == len(stored)
    wrong = []
    for entry in manifest:
        row = stored[entry["file"]]
        meant = _meant(entry)
        got = {key: row[key] for key in meant}
        if got != meant:
            wrong.append(f"{entry['file']}: meant {meant}, stored {got}")
    assert not wrong, f"{len(wrong)} of {len(manifest)} reports differ:\n" + "\n".join(wrong[:20])
    # The sample spans every level, so each kind of name was read back.
    assert {e["level"] for e in manifest} == {"province", "city", "county", "township"}
    assert {e["kind"] for e in manifest} == {"government", "department"}


def test_the_region_filter_finds_every_report_of_a_province(demo) -> None:
    data, manifest = demo
    meant = Counter(e["truth"]["region"]["province"] for e in manifest)
    with store.reading(data) as con:
        found = dict(con.execute("SELECT province, count(*) FROM reports GROUP BY province").fetchall())
    assert found == dict(meant)


def test_the_default_demo_spans_all_six_provinces() -> None:
    provinces = Counter(a.province for a in choose_agencies(300, seed=0))
    assert set(provinces) == {prefix + "省" for prefix in FICTIONAL_PREFIXES}
    # No province is a token: each holds at least a tenth of the agencies.
    assert min(provinces.values()) >= 30
