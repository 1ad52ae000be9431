"""Copied sections (``index.passages.copies``) on real seed text ingested with the real pipeline
(``tests.copies_corpus``: a whole section copied, part of one copied, a stock paragraph in every
report), and the chat's answer from them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from index.passages.copies import (PASSAGE_COLUMNS, CopySettings, copied_sections, find_copies, flagged,
                                   normalised, section_text, window_hashes)
from index.passages.indexer import current_folder, read_passages
from tests.conftest import seed_path
from tests.copies_corpus import COPIED_PART, OWN_PART, PART_SHARE, STOCK, copied_seeds_corpus, letters


@pytest.fixture(scope="module")
def copied_corpus(tmp_path_factory) -> Path:
    return copied_seeds_corpus(tmp_path_factory)


@pytest.fixture(scope="module")
def passages(copied_corpus) -> pd.DataFrame:
    folder = current_folder(copied_corpus)
    assert folder is not None
    return read_passages(folder, PASSAGE_COLUMNS)


def test_part_share_is_a_real_part() -> None:
    # The fixture's partial copy is more than half of the section and less than all of it.
    assert 0.55 < PART_SHARE < 0.8
    assert letters("".join(STOCK)) >= 100


def test_whole_section_copied_is_first_then_the_partial_copy(copied_corpus) -> None:
    folder = current_folder(copied_corpus)
    assert folder is not None
    found = copied_sections(folder)
    assert (folder / "copies.parquet").exists()  # kept for the generation's next readers
    assert copied_sections(folder).equals(found)
    assert list(zip(found["agency"], found["year"], found["section_no"])) == [
        ("将乐县人民政府办公室", 2024, 1), ("中山市大涌镇", 2022, 1)]
    whole, part = found.iloc[0], found.iloc[1]
    assert (whole["source_agency"], whole["source_year"], whole["source_section_no"]) == ("绍兴市越城区人民政府办公室", 2021, 1)
    assert whole["share"] == pytest.approx(1.0, abs=0.005)
    assert (part["source_agency"], part["source_year"]) == ("安康高新区", 2019)
    assert part["share"] == pytest.approx(PART_SHARE, abs=0.02)
    assert found["share"].is_monotonic_decreasing


def test_spans_mark_the_copied_text_in_both_sections(passages, copied_corpus) -> None:
    folder = current_folder(copied_corpus)
    assert folder is not None
    part = copied_sections(folder).iloc[1]
    text = section_text(passages, part["report_id"], 1)
    source = section_text(passages, part["source_report_id"], 1)
    marked = "".join(text[a:b] for a, b in part["spans"])
    # The two paragraphs taken from 安康高新区 are marked in 大涌镇's section, its own are not.
    for paragraph in COPIED_PART:
        assert paragraph.strip() in text
        assert paragraph.strip()[5:-5] in marked
    for paragraph in OWN_PART:
        assert paragraph.strip()[10:40] not in marked
    marked_source = "".join(source[a:b] for a, b in part["source_spans"])
    for paragraph in COPIED_PART:
        assert paragraph.strip()[5:-5] in marked_source


def test_a_paragraph_every_report_prints_is_not_copying(passages) -> None:
    sixes = passages[passages["section_no"] == 6]
    assert sixes["report_id"].nunique() == 5  # every report has the stock section 六
    found = find_copies(passages)
    assert 6 not in set(found["section_no"])
    # Without the boilerplate rule (no text too common), the same sections would be flagged as copies.
    lax = find_copies(passages, CopySettings(boilerplate_agencies=1000, boilerplate_share=1.0))
    assert (lax["section_no"] == 6).sum() == 4 and (lax[lax["section_no"] == 6]["share"] > 0.95).all()


def test_settings_decide_what_is_flagged(passages) -> None:
    everything = find_copies(passages, flagged_only=False)
    strict = flagged(everything, CopySettings(min_share=0.9))
    assert list(strict["agency"]) == ["将乐县人民政府办公室"]
    assert CopySettings().limit(5) == 2 and CopySettings().limit(300) == 5 and CopySettings().limit(12) == 2


def test_a_kept_finding_serves_only_the_settings_it_was_found_with(copied_corpus) -> None:
    folder = current_folder(copied_corpus)
    assert folder is not None
    copied_sections(folder, texts=False)
    assert (folder / "copies.parquet").exists()
    # min_share picks among the kept rows; a boilerplate limit changes the finding: found again.
    assert list(copied_sections(folder, CopySettings(min_share=0.9), texts=False)["agency"]) == [
        "将乐县人民政府办公室"]
    lax = copied_sections(folder, CopySettings(boilerplate_agencies=1000, boilerplate_share=1.0),
                          texts=False)
    assert (lax["section_no"] == 6).sum() == 4


def test_each_generation_finds_its_own_copies(copied_corpus, tmp_path) -> None:
    import shutil

    from index.passages.indexer import sync_index

    data = tmp_path / "data"
    shutil.copytree(copied_corpus, data, symlinks=True)
    before = current_folder(data)
    assert before is not None
    whole = copied_sections(before, texts=False).iloc[0]
    sync_index(data, [], [whole["report_id"]])  # the report that copied a whole section goes
    after = current_folder(data)
    assert after is not None and after != before and not (after / "copies.parquet").exists()
    assert list(copied_sections(after, texts=False)["agency"]) == ["中山市大涌镇"]
    assert (after / "copies.parquet").exists()


def test_normalising_reads_scripts_widths_and_digits_alike() -> None:
    a, _ = normalised("２０２１年，我局未收取信息處理費", "２０２１年，我局未收取信息处理费")
    b, offsets = normalised("2021年 我局未收取信息处理费。")
    assert list(a) == list(b)
    assert list(normalised("2022年 我局未收取信息处理费。")[0]) != list(b)  # figures are compared as written
    assert list(offsets[:4]) == [0, 1, 2, 3] and offsets[5] == 6  # the space is skipped
    assert len(window_hashes(a, 10)) == len(a) - 9 and len(window_hashes(a[:5], 10)) == 0


# --- the chat: the same ranking, the share said, both reports as sources ---------------------


@pytest.fixture(scope="module")
def copied_chat(copied_corpus):
    from tests.conftest import open_corpus

    yield from open_corpus(copied_corpus)


def _percent_in(line: str) -> int:
    import re

    found = re.search(r"(\d+)%", line)
    assert found, line
    return int(found.group(1))


@pytest.mark.parametrize("question, lang", [("哪些报告年报雷同", "zh"), ("Which reports copied another report's text?", "en")])
def test_chat_lists_the_most_copied_first_with_both_reports(copied_chat, question, lang) -> None:
    from qa import ask

    answer = ask(question, None, copied_chat)
    assert (answer.plan.intent, answer.plan.quality) == ("quality", "copied"), answer.text
    items = [line for line in answer.text.splitlines() if line.startswith("- ")]
    assert len(items) == 2, answer.text
    assert "将乐县人民政府办公室" in items[0] and "绍兴市越城区人民政府办公室" in items[0]
    assert "中山市大涌镇" in items[1] and "安康高新区" in items[1]
    assert _percent_in(items[0]) == 100
    assert abs(_percent_in(items[1]) - PART_SHARE * 100) <= 2
    # Both reports of each pair are sources, with their section's text.
    files = [(s["source"], s["section"]) for s in answer.sources]
    assert files[:4] == [(seed_path("001").name, 1), (seed_path("000").name, 1),
                         (seed_path("004").name, 1), (seed_path("002").name, 1)]
    assert COPIED_PART[0].strip()[:30] in answer.sources[2]["text"]
    assert "6" not in {str(s["section"]) for s in answer.sources}


def test_chat_per_report_says_none_for_a_report_with_only_stock_text(copied_chat) -> None:
    from qa import ask

    answer = ask("宝力根苏木的报告有没有雷同", None, copied_chat)
    assert answer.plan.quality == "copied", answer.text
    assert "没有哪一部分与更早的报告雷同" in answer.text


def test_scope_keeps_the_ranking_of_its_reports(copied_chat) -> None:
    from index.tables.summary import Scope
    from qa import ask
    from qa.copied import for_scope

    found = copied_chat.copies()
    assert found is not None
    con = copied_chat.connection()
    assert list(for_scope(found, con, Scope(year_from=2023))["agency"]) == ["将乐县人民政府办公室"]
    assert list(for_scope(found, con, Scope(level="township"))["agency"]) == ["中山市大涌镇"]
    assert list(for_scope(found, con, Scope())["agency"]) == ["将乐县人民政府办公室", "中山市大涌镇"]
    answer = ask("2023年以来哪些报告雷同", None, copied_chat)
    items = [line for line in answer.text.splitlines() if line.startswith("- ")]
    assert len(items) == 1 and "将乐县人民政府办公室" in items[0], answer.text
