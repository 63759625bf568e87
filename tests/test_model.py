"""The public API contract on a tiny random model: shapes, parity, order, save/load, training."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from stance import DocumentResult, ModelFolderError, SentenceResult, StanceModel
from stance.corpus import to_dataset
from stance.train import TrainingArguments, train

DOCUMENT = (
    "UNSC members expressed concern over Pakistan's missile tests. They advised Pakistan to resolve its "
    "differences bilaterally with India. Dr. S. Jaishankar met officials in Washington on Jan. 14 (U.S. time)."
)
RECORD = {
    "id": "seed-9",
    "text": "They advised Pakistan to resolve its differences bilaterally with India.",
    "context": "UNSC members expressed concern over Pakistan's recent missile tests.",
    "claim": True,
    "parties": [
        {"name": "Pakistan", "mentions": [[13, 21]]},
        {"name": "India", "mentions": [[66, 71]]},
        {"name": "UNSC", "mentions": []},
    ],
    "stances": [{"holder": "UNSC", "target": "Pakistan", "label": "advice"}],
}


def test_analyze_gives_one_stance_per_party_with_offsets(tiny_model):
    doc = tiny_model.analyze(DOCUMENT)
    assert isinstance(doc, DocumentResult)
    assert len(doc.sentences) == 3
    for sentence in doc.sentences:
        assert DOCUMENT[sentence.start : sentence.end] == sentence.text
        assert [s.target for s in sentence.stances] == [p.name for p in sentence.parties]
        for party in sentence.parties:
            assert party.mentions
            for start, end in party.mentions:
                assert 0 <= start < end <= len(sentence.text)
        for stance in sentence.stances:
            assert stance.label in tiny_model.labels
            assert set(stance.scores) == set(tiny_model.labels)
            assert abs(sum(stance.scores.values()) - 1) < 1e-3
            assert stance.holder is None if stance.label == "none" else stance.holder != stance.target
        assert 0.0 <= sentence.claim_score <= 1.0
    names = {p.name for s in doc.sentences for p in s.parties}
    assert {"UNSC", "Pakistan", "India"} <= names


def test_results_are_frozen_and_serialisable(tiny_model):
    doc = tiny_model.analyze(DOCUMENT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.sentences[0].claim = True  # type: ignore[misc]
    as_dict = doc.to_dict()
    assert as_dict["sentences"][0]["text"] == doc.sentences[0].text


def test_results_do_not_depend_on_batch_size(tiny_model):
    one = tiny_model.analyze(DOCUMENT, batch_size=1)
    many = tiny_model.analyze(DOCUMENT, batch_size=64)
    for a, b in zip(one.sentences, many.sentences):
        assert a.claim_score == pytest.approx(b.claim_score, abs=1e-4)
        for x, y in zip(a.stances, b.stances):
            assert x.label == y.label and x.holder == y.holder
            for label in x.scores:
                assert x.scores[label] == pytest.approx(y.scores[label], abs=1e-4)


def test_score_streams_in_input_order_and_matches_analyze(tiny_model):
    texts = [f"Russia condemned Ukraine {i} times." if i % 2 else DOCUMENT for i in range(7)]
    docs = list(tiny_model.score([{"id": f"d{i}", "text": t} for i, t in enumerate(texts)], batch_size=3))
    assert [d.id for d in docs] == [f"d{i}" for i in range(7)]
    single = tiny_model.analyze(texts[0])
    assert [s.claim_score for s in docs[0].sentences] == pytest.approx([s.claim_score for s in single.sentences], abs=1e-4)


def test_predict_uses_given_parties_and_keeps_order(tiny_model):
    records = [RECORD, {"text": "No parties at all.", "claim": False}, dict(RECORD, id="again")]
    results = tiny_model.predict(records, batch_size=2)
    assert all(isinstance(r, SentenceResult) for r in results)
    assert [r.id for r in results] == ["seed-9", None, "again"]
    assert [s.target for s in results[0].stances] == ["Pakistan", "India"]
    assert results[1].stances == []
    assert results[0].stances[0].scores == results[2].stances[0].scores
    assert RECORD["parties"][2]["mentions"] == []  # inputs are not mutated


def test_holder_candidates_include_the_context_party(tiny_model):
    from stance.corpus import record_segments, validate_record

    windows = tiny_model.pipeline.preprocess([record_segments(validate_record(RECORD))], [[None, "k"]])
    packed = tiny_model.pipeline._pack(windows)
    (plan,) = packed.plans
    assert plan.key == "k" and plan.targets == ["Pakistan", "India"]
    assert plan.candidates[0] == ["AUTHOR", "India", "UNSC"]
    assert plan.candidates[1] == ["AUTHOR", "Pakistan", "UNSC"]


def test_empty_and_partyless_documents(tiny_model):
    assert tiny_model.analyze("").sentences == []
    assert tiny_model.analyze("   \n\t ").sentences == []
    doc = tiny_model.analyze("It rained all day. Nobody came.")
    assert len(doc.sentences) == 2 and all(s.stances == [] for s in doc.sentences)


def test_bad_documents_in_a_stream_become_error_results(tiny_model):
    docs = list(tiny_model.score([{"id": "a", "text": None}, "Russia condemned Ukraine.", {"id": "c"}]))
    assert [d.id for d in docs] == ["a", "1", "c"]
    assert docs[0].error and docs[2].error and docs[1].error is None


def test_overlong_sentence_is_truncated_with_warning(tiny_model):
    sentence = "Russia " + "very " * 400 + "strongly condemned Ukraine."
    with pytest.warns(UserWarning, match="truncated"):
        doc = tiny_model.analyze(sentence)
    stances = {s.target: s for s in doc.sentences[0].stances}
    assert stances["Russia"].scored is True
    assert stances["Ukraine"].scored is False and stances["Ukraine"].label == "none"
    assert doc.warnings


def test_user_parties_with_aliases(tiny_model):
    doc = tiny_model.analyze("Acme Corp sued Globex. Globex Inc. denied it.", parties={"Globex": ["Globex", "Globex Inc."]})
    names = [p.name for s in doc.sentences for p in s.parties]
    assert names.count("Globex") == 2


def test_save_load_gives_same_outputs(tiny_model, tmp_path):
    before = tiny_model.analyze(DOCUMENT)
    tiny_model.save(tmp_path / "m")
    assert (tmp_path / "m" / "README.md").is_file()
    loaded = StanceModel.load(tmp_path / "m", party_finder=tiny_model.party_finder)
    after = loaded.analyze(DOCUMENT)
    for a, b in zip(before.sentences, after.sentences):
        assert a.claim_score == pytest.approx(b.claim_score, abs=1e-6)
        assert [s.scores for s in a.stances] == [s.scores for s in b.stances]
    assert loaded.labels == tiny_model.labels


def test_two_training_steps_change_the_weights(tiny_model):
    before = {k: v.clone() for k, v in tiny_model.network.state_dict().items()}
    train(tiny_model, to_dataset([RECORD] * 6), TrainingArguments(max_steps=2, batch_size=3), callbacks=[])
    after = tiny_model.network.state_dict()
    changed = [k for k in before if not torch.equal(before[k], after[k])]
    assert any(k.startswith("stance_head") for k in changed)
    assert any(k.startswith("encoder.") for k in changed)


def test_lora_model_saves_only_adapters_and_heads(tiny_encoder_dir, party_finder, tmp_path):
    model = StanceModel.from_encoder(str(tiny_encoder_dir), lora_rank=4, max_length=128, party_finder=party_finder)
    train(model, to_dataset([RECORD] * 4), TrainingArguments(max_steps=2, batch_size=2), callbacks=[])
    model.save(tmp_path / "lora")
    from safetensors.torch import load_file

    keys = load_file(str(tmp_path / "lora" / "model.safetensors")).keys()
    assert all(not k.startswith("encoder.") or "lora_" in k for k in keys)
    loaded = StanceModel.load(tmp_path / "lora", party_finder=party_finder)
    a, b = model.predict([RECORD])[0], loaded.predict([RECORD])[0]
    assert a.stances[0].scores == b.stances[0].scores


@pytest.mark.parametrize("problem", ["missing", "pickle", "absent"])
def test_bad_model_folders_are_refused(tiny_model, tmp_path, problem):
    folder = tmp_path / "m"
    if problem != "absent":
        tiny_model.save(folder)
    if problem == "missing":
        (folder / "model.safetensors").unlink()
    if problem == "pickle":
        torch.save({"x": 1}, folder / "pytorch_model.bin")
    with pytest.raises(ModelFolderError):
        StanceModel.load(folder)
