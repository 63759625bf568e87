"""Large inputs stream: work is done in bounded chunks and peak memory stays flat."""

from __future__ import annotations

import resource

import pytest

import stance.model

SENTENCE = "Russia condemned Ukraine on Monday. "


def test_a_100000_sentence_document_is_processed_in_bounded_chunks(tiny_model, monkeypatch):
    seen = []
    original = tiny_model.party_finder.entities

    def spy(sentences, user_parties=None):
        seen.append(len(sentences))
        return original(sentences, user_parties)

    monkeypatch.setattr(tiny_model.party_finder, "entities", spy)
    doc = tiny_model.analyze(SENTENCE * 100_000, batch_size=256)
    assert len(doc.sentences) == 100_000
    assert max(seen) <= stance.model.CHUNK_SENTENCES
    assert doc.sentences[-1].end == len(SENTENCE * 100_000) - 1
    assert [s.target for s in doc.sentences[-1].stances] == ["Russia", "Ukraine"]


def test_peak_memory_is_flat_from_2k_to_20k_sentences(tiny_model):
    def run(total: int) -> int:
        documents = ({"id": str(i), "text": SENTENCE * 50} for i in range(total // 50))
        for _ in tiny_model.score(documents, batch_size=256):
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

    after_2k = run(2_000)
    after_20k = run(20_000)
    assert after_20k - after_2k < 0.1 * after_2k, (after_2k, after_20k)


@pytest.mark.parametrize("batch_size", [1, 7])
def test_int8_model_gives_the_same_labels_shape(tiny_model, tmp_path, batch_size):
    tiny_model.save(tmp_path / "m")
    quantized = stance.model.StanceModel.load(tmp_path / "m", party_finder=tiny_model.party_finder, quantize="int8")
    doc = quantized.analyze("Russia condemned Ukraine. Chile thanked Peru.", batch_size=batch_size)
    assert [len(s.stances) for s in doc.sentences] == [2, 2]
    with pytest.raises(ValueError, match="inference only"):
        quantized.save(tmp_path / "q")
