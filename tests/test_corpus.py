"""Record validation: every bad input names the file, line and what is allowed."""

from __future__ import annotations

import json

import pytest

from stance.corpus import RecordError, gold_of, load_corpus, read_jsonl, validate_record


def write(tmp_path, lines):
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = json.dumps(
    {
        "text": "Chile thanked Peru.",
        "parties": [{"name": "Peru", "mentions": [[14, 18]]}],
        "stances": [{"holder": "AUTHOR", "target": "Peru", "label": "support"}],
    }
)


def test_unknown_label_lists_the_allowed_ones(tmp_path):
    path = write(tmp_path, [GOOD, GOOD.replace('"support"', '"condem"')])
    with pytest.raises(RecordError, match=r"train.jsonl line 2: .*'condem' is not one of none, condemnation, accusation"):
        read_jsonl(path)


def test_out_of_range_mention_reports_the_offsets(tmp_path):
    path = write(tmp_path, [GOOD.replace("[14, 18]", "[14, 99]")])
    with pytest.raises(RecordError, match=r"line 1: .*\[14, 99\].*<= 19"):
        read_jsonl(path)


def test_malformed_json_line_is_named_and_can_be_skipped(tmp_path):
    path = write(tmp_path, [GOOD, "{not json", GOOD])
    with pytest.raises(RecordError, match="line 2: not valid JSON"):
        read_jsonl(path)
    records, errors = read_jsonl(path, skip_bad=True)
    assert len(records) == 2 and len(errors) == 1 and "line 2" in errors[0]


def test_non_utf8_file_is_refused_clearly(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"text": "caf\xe9"}\n')
    with pytest.raises(RecordError, match="not UTF-8"):
        read_jsonl(path)


def test_coarse_labels_allow_their_fine_labels():
    record = validate_record(
        {
            "text": "A hit B.",
            "parties": [{"name": "A", "mentions": [[0, 1]]}, {"name": "B", "mentions": [[6, 7]]}],
            "stances": [{"holder": None, "target": "B", "label": "negative"}],
        }
    )
    gold = gold_of(record)
    assert gold.allowed["B"] == ("condemnation", "accusation", "rejection", "threat")
    assert gold.allowed["A"] == ("none",)
    assert gold.claim is None and gold.holders["B"] is None


def test_target_must_be_a_party_in_the_text():
    with pytest.raises(RecordError, match="target 'UNSC'"):
        validate_record(
            {"text": "x", "parties": [{"name": "UNSC", "mentions": []}], "stances": [{"holder": "AUTHOR", "target": "UNSC", "label": "support"}]}
        )


def test_load_corpus_builds_a_dataset(tmp_path):
    dataset = load_corpus(write(tmp_path, [GOOD, GOOD]))
    assert len(dataset) == 2 and dataset[0]["stances"][0]["label"] == "support"
