"""jieba with its dictionary on disk (index/passages/jieba_disk.py) cuts as jieba in memory."""

from __future__ import annotations

import json
import logging
import warnings

from index.passages import jieba_disk
from index.passages.chunk import chunk_report
from index.passages.lexical import dictionary_words
from parsing import user_cache
from tests.conftest import ROOT


def _tokenizer(words: list[str], on_disk: bool):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    if on_disk:
        assert jieba_disk.attach(tokenizer)
    else:
        tokenizer.initialize()
    for word in words:
        tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word), 2000))
    return tokenizer


def test_tokens_equal_the_dictionary_in_memory(tmp_path, monkeypatch, seed_reports):
    monkeypatch.setattr(user_cache, "_root", tmp_path / "gongkai")
    reports = list(seed_reports.values())
    words = dictionary_words([r.agency for r in reports], [r.region.county for r in reports])
    texts = [json.loads(line)["query"] for line in (ROOT / "tests" / "retrieval_set.jsonl").open(encoding="utf-8")]
    for path in sorted((ROOT / "tests" / "questions").glob("*.jsonl")):
        texts += [turn for line in path.open(encoding="utf-8") for turn in json.loads(line).get("turns", [])]
    texts += [p.simplified for r in reports for p in chunk_report(r)]
    on_disk, in_memory = _tokenizer(words, True), _tokenizer(words, False)
    assert isinstance(on_disk.FREQ, jieba_disk.DiskFreq) and on_disk.total == in_memory.total
    assert len(texts) > 150
    for text in texts:
        assert list(on_disk.cut_for_search(text.lower())) == list(in_memory.cut_for_search(text.lower())), text
    assert list(tmp_path.glob("gongkai/jieba/*.sqlite"))


def test_an_unreadable_table_leaves_the_tokenizer_to_load_its_dictionary(tmp_path, monkeypatch):
    monkeypatch.setattr(user_cache, "_root", tmp_path / "gongkai")
    import jieba

    path = jieba_disk.table_path(jieba.Tokenizer())
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database")
    tokenizer = jieba.Tokenizer()
    assert not jieba_disk.attach(tokenizer)
    assert not tokenizer.initialized
