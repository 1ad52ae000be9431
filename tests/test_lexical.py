"""BM25 over jieba tokens: dictionary, scripts, filters and incremental updates."""

from __future__ import annotations

import numpy as np
import pytest

from index.passages import lexical

AGENCIES = ["示例县人民政府办公室", "样例市数据资源管理局"]
DOCS = [
    "三是提高政策解读质量,丰富解读形式,采用图解和短视频。",
    "推进政务新媒体健康发展,清理更新不及时的账号。",
    "完善依申请公开办理流程,提高答复效率。",
    "加强政府网站适老化和无障碍改造。",
    "丰富政策解读形式,开展在线访谈。",
]


@pytest.fixture(scope="module")
def words() -> list[str]:
    return lexical.dictionary_words(AGENCIES, ["示例县"])


def test_dictionary_holds_template_topic_and_agency_words(words):
    assert {"行政复议", "改进措施", "政策解读", "政务新媒体", "示例县人民政府办公室", "示例县"} <= set(words)
    assert all(not w[0].isdigit() and "(" not in w for w in words)


def test_search_mode_keeps_whole_words_and_their_parts(words):
    tokens = lexical.tokenize("丰富政策解读形式", words)
    assert {"政策解读", "政策", "解读", "丰富", "形式"} <= set(tokens)


def test_traditional_text_tokenises_like_simplified(words):
    assert lexical.tokenize("豐富政策解讀形式", words) == lexical.tokenize("丰富政策解读形式", words)


def test_question_words_are_not_tokens(words):
    assert not {"哪些", "关于", "的"} & set(lexical.tokenize("关于政策解读的改进措施有哪些?", words))


def test_search_ranks_and_filters_inside(words):
    index = lexical.build([lexical.tokenize(d, words) for d in DOCS], words)
    rows, scores = index.search("丰富政策解读形式", k=5)
    assert set(rows[:2]) == {0, 4}
    assert list(scores) == sorted(scores, reverse=True)
    allowed = np.array([False, True, True, True, True])
    rows, _ = index.search("丰富政策解读形式", k=1, allowed=allowed)
    assert list(rows) == [4]
    assert len(index.search("天气预报", k=5)[0]) == 0


def test_update_equals_a_fresh_build(words):
    index = lexical.build([lexical.tokenize(d, words) for d in DOCS[:3]], words)
    keep = np.array([True, False, True])
    updated = lexical.update(index, keep, [lexical.tokenize(d, words) for d in DOCS[3:]], words)
    fresh = lexical.build([lexical.tokenize(d, words) for d in (DOCS[0], DOCS[2], DOCS[3], DOCS[4])], words)
    for query in ("政策解读", "无障碍改造", "答复效率"):
        a_rows, a_scores = updated.search(query, k=4)
        b_rows, b_scores = fresh.search(query, k=4)
        assert list(a_rows) == list(b_rows)
        assert np.allclose(a_scores, b_scores)


def test_save_and_load(words, tmp_path):
    index = lexical.build([lexical.tokenize(d, words) for d in DOCS], words)
    lexical.save(index, tmp_path)
    loaded = lexical.load(tmp_path)
    assert loaded.vocab == index.vocab and loaded.words == index.words
    assert list(loaded.search("政务新媒体", k=1)[0]) == [1]
