"""``gongkai parse`` in-process with click's CliRunner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from gongkai.cli import cli
from tests.conftest import seed_path


def test_parse_prints_a_summary_per_file():
    result = CliRunner().invoke(cli, ["parse", str(seed_path("000")), str(seed_path("001"))])
    assert result.exit_code == 0, result.output
    assert "绍兴市越城区人民政府办公室 · 2021" in result.output
    assert "将乐县人民政府办公室 · 2024" in result.output
    assert "本年新收政府信息公开申请数量·总计 36" in result.output
    # The failed narrative check of 将乐县 is shown with its arithmetic.
    assert "✗ narrative.active_disclosure.normative_documents.repealed" in result.output


def test_parse_json_is_the_schema_record(seeds_dir):
    files = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    result = CliRunner().invoke(cli, ["parse", "--json", *files])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 5
    assert set(records[0]) == {"id", "source", "agency", "region", "year", "published", "template", "script",
                               "active_disclosure", "applications", "review_litigation", "sections", "checks",
                               "warnings", "stated_figures"}
    by_source = {r["source"][:3]: r for r in records}
    assert by_source["004"]["active_disclosure"]["penalty"]["decisions"] == 191
    assert by_source["002"]["active_disclosure"]["procurement"]["amount_wan"] == 2191.563
    # ensure_ascii=False: Chinese is printed as is.
    assert "中山市大涌镇" in result.output


def test_bad_files_are_reported_after_the_good_ones(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = CliRunner().invoke(cli, ["parse", str(empty), str(seed_path("004")), str(binary)])
    assert result.exit_code == 1
    assert "中山市大涌镇 · 2022" in result.stdout
    assert "empty.txt: empty file" in result.stderr
    assert "image.png:" in result.stderr


def test_missing_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["parse", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert "nope.txt: cannot read file" in result.stderr
