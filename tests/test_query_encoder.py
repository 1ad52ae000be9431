"""Query vectors by the ONNX export of the embedding model (index/passages/query_encoder.py).

The export is made into a temporary cache folder (never the user's), checked against
sentence-transformers on real questions and passages, and a fresh process answering a
narrative question with it must not import torch or sentence-transformers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.passages import query_encoder
from index.passages.chunk import chunk_report, embedding_pieces
from index.passages.embed import load_model, model_name
from tests.conftest import ROOT

QUESTIONS = ROOT / "tests" / "questions"
NARRATIVE = "关于丰富政策解读形式，有哪些改进措施？"
STRUCTURED = "越城区2021年收到多少政府信息公开申请？"


def _questions() -> list[str]:
    texts = [json.loads(line)["query"] for line in (ROOT / "tests" / "retrieval_set.jsonl").open(encoding="utf-8")]
    for path in sorted(QUESTIONS.glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            texts += json.loads(line).get("turns", [])
    return [t for t in dict.fromkeys(texts) if "{" not in t]  # demo templates are not questions yet


@pytest.fixture(scope="module")
def real_texts(seed_reports) -> list[str]:
    """Every question of the labelled sets, the seeds' passages and the pieces the index encodes."""
    passages = [passage.simplified for report in seed_reports.values() for passage in chunk_report(report)]
    pieces = [piece for text in passages for piece in embedding_pieces(text)]
    texts = list(dict.fromkeys(_questions() + passages + pieces))
    assert len(texts) >= 300
    return texts


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory) -> Path:
    """A cache folder (``XDG_CACHE_HOME``) holding a fresh export of m3e-small."""
    home = tmp_path_factory.mktemp("cache-home")
    query_encoder.export(None, home / "gongkai")
    return home


def _cosine_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return 1.0 - np.sum(a * b, axis=1)


def test_onnx_vectors_equal_sentence_transformers(cache_home, real_texts):
    root = cache_home / "gongkai"
    encoder = query_encoder.load_encoder(None, root, export_missing=False)
    assert encoder is not None and encoder.pooling == "mean" and encoder.dim == 512
    expected = load_model(None, "fp32").encode(real_texts)
    batched = encoder.encode(real_texts)
    one_by_one = np.concatenate([query_encoder.encode_query(t, None, root) for t in real_texts[:120]])
    assert batched.dtype == np.float32 and batched.shape == expected.shape
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    assert _cosine_distance(batched, expected).max() <= 1e-3
    assert _cosine_distance(one_by_one, expected[:120]).max() <= 1e-3
    # A text past the model's 512 tokens is cut as sentence-transformers cuts it.
    long_text = max(real_texts, key=len) * 8
    assert _cosine_distance(encoder.encode([long_text]), load_model(None, "fp32").encode([long_text]))[0] <= 1e-3


def test_export_folder_records_the_model(cache_home):
    folder = query_encoder.export_folder(None, cache_home / "gongkai")
    config = json.loads((folder / query_encoder.CONFIG_FILE).read_text("utf-8"))
    assert config["fingerprint"] == query_encoder.fingerprint(model_name())
    assert (config["pooling"], config["max_length"], config["dim"]) == ("mean", 512, 512)
    assert folder.name == load_model().tag


def _model_copy(tmp_path: Path, pooling: str) -> Path:
    """m3e-small's files (linked) as a sentence-transformers folder that names its pooling."""
    source = Path(model_name())
    folder = tmp_path / f"m3e-{pooling}"
    (folder / "1_Pooling").mkdir(parents=True)
    for item in source.iterdir():
        if item.is_file():
            os.symlink(item, folder / item.name)
    modules = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    (folder / "modules.json").write_text(json.dumps(modules), "utf-8")
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({
        "word_embedding_dimension": 512, f"pooling_mode_{pooling}_tokens" if pooling != "cls" else
        "pooling_mode_cls_token": True}), "utf-8")
    return folder


def test_cls_pooling_is_exported_too(tmp_path, real_texts):
    folder = _model_copy(tmp_path, "cls")
    root = tmp_path / "cache"
    query_encoder.export(str(folder), root)
    encoder = query_encoder.load_encoder(str(folder), root, export_missing=False)
    assert encoder is not None and encoder.pooling == "cls"
    texts = real_texts[:60]
    assert _cosine_distance(encoder.encode(texts), load_model(str(folder), "fp32").encode(texts)).max() <= 1e-3


def test_max_pooling_falls_back_to_torch_with_a_note(tmp_path, capsys):
    folder = _model_copy(tmp_path, "max")
    root = tmp_path / "cache"
    with pytest.raises(query_encoder.ExportFailed, match="its pooling is 'max'"):
        query_encoder.export(str(folder), root)
    vector = query_encoder.encode_query(NARRATIVE, str(folder), root)
    note = capsys.readouterr().err
    assert note.strip().splitlines() == ["note: query vectors come from torch (its pooling is 'max', not one of mean, cls)"]
    expected = load_model(str(folder), "fp32").encode([NARRATIVE])
    assert vector.shape == (1, 512) and _cosine_distance(vector, expected)[0] <= 1e-6
    # The failure is remembered: a later process does not try the export again.
    failed = json.loads((query_encoder.export_folder(str(folder), root) / query_encoder.FAILED_FILE).read_text("utf-8"))
    assert failed["fingerprint"] == query_encoder.fingerprint(str(folder))


def test_a_cache_folder_that_cannot_be_written_falls_back_to_torch(tmp_path, capsys):
    (tmp_path / "a-file").write_text("not a folder", "utf-8")
    vector = query_encoder.encode_query(NARRATIVE, None, tmp_path / "a-file" / "gongkai")
    assert capsys.readouterr().err.startswith("note: query vectors come from torch (cannot write the ONNX export")
    assert _cosine_distance(vector, load_model(None, "fp32").encode([NARRATIVE]))[0] <= 1e-6


def test_an_export_of_another_model_version_is_not_used(cache_home, tmp_path):
    root = tmp_path / "cache"
    shutil.copytree(query_encoder.export_folder(None, cache_home / "gongkai"), query_encoder.export_folder(None, root))
    config_path = query_encoder.export_folder(None, root) / query_encoder.CONFIG_FILE
    config = json.loads(config_path.read_text("utf-8"))
    config_path.write_text(json.dumps({**config, "fingerprint": "0" * 40}), "utf-8")
    with pytest.raises(query_encoder.ExportFailed, match="another version of the model"):
        query_encoder.open_export(query_encoder.export_folder(None, root), model_name())


_ANSWER = """
import json, sys
from gongkai.cli import cli
for question in sys.argv[2:]:
    cli.main(["ask", question, "--data", sys.argv[1], "--json"], standalone_mode=False)
    print("LOADED " + json.dumps([m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules]))
"""


def test_a_narrative_answer_imports_neither_torch_nor_sentence_transformers(cache_home, seeds_index):
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", _ANSWER, str(seeds_index), STRUCTURED, NARRATIVE],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    answers = [json.loads(line) for line in lines if line.startswith("{")]
    loaded = [json.loads(line[len("LOADED "):]) for line in lines if line.startswith("LOADED ")]
    assert len(answers) == 2, done.stdout
    assert "36" in answers[0]["answer"], answers[0]  # a figure from the store
    assert answers[1]["sources"], answers[1]  # passages found by BM25 + dense search
    assert loaded == [[], []], done.stderr
    assert "note:" not in done.stderr
