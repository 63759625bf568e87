"""The throughput benchmark (benchmarks/) on a tiny scale: corpus, measurements a-d, the JSON and plot."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import corpus, measure, run  # noqa: E402

TEXTS = [
    "UNSC members condemned Pakistan. India urged restraint. The council met again on Friday.",
    "Russia accused Ukraine of shelling the plant. Kyiv rejected the claim. The UN called for calm.",
    "The ministry said talks would go on.",
]
RATE_KEYS = {"sentences", "documents", "seconds", "sentences_per_second"}


@pytest.fixture()
def documents() -> list[corpus.Document]:
    return [corpus.Document(f"d{i}", text, len(corpus.sentence_spans(text))) for i, text in enumerate(TEXTS)]


def test_corpus_from_the_shared_data_is_deterministic():
    if not (corpus.DEFAULT_DATA / "newsmtsc" / "train.jsonl").is_file():
        pytest.skip(f"{corpus.DEFAULT_DATA} is not here")
    pool = corpus.load_sentences(corpus.DEFAULT_DATA)
    first = corpus.build_documents(pool, 150, seed=3)
    assert first == corpus.build_documents(pool, 150, seed=3)
    assert first[0].id == "seed" and corpus.count_sentences(first) >= 150
    assert all(20 <= d.sentences <= 45 for d in first[1:])  # 20-40 pool sentences; a few split in two
    assert first != corpus.build_documents(pool, 150, seed=4)


def test_corpus_builder_and_repeat_on_a_hand_made_pool():
    pool = [f"Sentence number {i} was said." for i in range(50)]
    docs = corpus.build_documents(pool, 60, doc_length=(5, 5), seed=0, seed_text=None)
    assert [d.sentences for d in docs] == [5] * 12
    streamed = list(corpus.repeat_documents(docs[:2], 23))
    assert sum(d.sentences for d in streamed) == 25 and len({d.id for d in streamed}) == 5


def test_measurements_give_positive_rates_and_the_report_has_every_key(tiny_model, documents, tmp_path):
    sentences = corpus.count_sentences(documents)
    found = {
        "a": measure.measure_floor(tiny_model, documents, batch_size=2),
        "b": measure.measure_naive(tiny_model, documents, batch_size=2),
        "c": measure.measure_score(tiny_model, documents, batch_size=2),
    }
    found["c"].update(measure.packing_stats(tiny_model, documents))
    found["int8"] = dict(found["c"])
    tiny_model.save(tmp_path / "model")
    found["d"] = measure.measure_cli(documents, str(tmp_path / "model"), batch_size=2, workdir=tmp_path)
    for name, result in found.items():
        assert RATE_KEYS <= set(result), name
        assert result["sentences"] == sentences and result["sentences_per_second"] > 0, name
    assert found["b"]["pairs"] >= sentences and found["c"]["windows"] >= 1
    assert found["d"]["startup_seconds"] > 0 and found["d"]["peak_rss_mb"] > 0

    results = {
        "benchmark": {"memory_sizes": [10, 100]},
        "measurements": found,
        "memory": {"10": {"peak_rss_mb": 500.0}, "100": {"peak_rss_mb": 520.0}},
    }
    results["ratios"], results["targets"] = run.summarise(results)
    assert set(results["ratios"]) == {"c/a", "c/b", "d/a", "d/a_with_startup", "int8_speedup"}
    assert all(v > 0 for v in results["ratios"].values())
    assert results["ratios"]["int8_speedup"] == 1.0 and results["memory"]["growth"] == 0.04
    assert {"c/a >= 0.7", "c/b >= 3.0", "int8_speedup >= 1.5", "memory growth <= 10%"} == set(results["targets"])
    json.loads(json.dumps(results))
    assert "model.score" in run.report(results)


def test_plot_writes_a_png(tmp_path):
    sweep = {"sentences": 10, "batch_size": {"8": 5.0, "32": 7.0, "128": 6.0}, "document_length": {"5": 4.0, "20": 6.0, "80": 7.0}}
    run.plot(sweep, {"sentences_per_second": 9.0}, str(tmp_path / "plot.png"))
    assert (tmp_path / "plot.png").read_bytes()[:4] == b"\x89PNG"
