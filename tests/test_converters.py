"""Converters of the public corpora: hand-written fixture rows -> exact TAXONOMY records."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from training.converters import (
    CONVERTERS,
    SkipLog,
    convert_cameo,
    convert_checkthat,
    convert_dse,
    convert_newsmtsc,
    write_jsonl,
)

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
POLARITIES = {"positive", "negative", "neutral"}


def _write(path: Path, text: str, newline: str = "\n") -> Path:
    path.write_text(text, encoding="utf-8", newline=newline)
    return path


def _record(id_: str, text: str, claim: bool | None, parties: list, stances: list) -> dict:
    return {"id": id_, "text": text, "context": "", "claim": claim, "parties": parties, "stances": stances}


def _pair(a: str, a_span: list[int], b: str, b_span: list[int], ab: str, ba: str, first: str = "ab") -> tuple:
    parties = [{"name": a, "mentions": [a_span]}, {"name": b, "mentions": [b_span]}]
    stances = [{"holder": a, "target": b, "label": ab}, {"holder": b, "target": a, "label": ba}]
    return parties, stances if first == "ab" else stances[::-1]


DSE_ROWS = [
    "[Trump] met [Kasich’]s aide.\tTrump\tKasich’\t0",
    "[Obama] praised [Merkel].\tObama\tMerkel\t1",
    "[Obama] was praised by [Merkel].\tObama\tMerkel\t2",
    "[Congre]ss slammed [Biden] again.\tCongre\tBiden\t3",
    "[Biden] was slammed by [Congre]ss.\tBiden\tCongre\t4",
    "[Trump] and [Trump ] met.\tTrump\tTrump \t0",  # same entity
    "[Trump] said [’]s fine.\tTrump\t’\t0",  # punctuation entity
    '"[Putin] said ""no"" to [Kyiv]."\tPutin\tKyiv\t3',  # CSV-quoted field
    " [ Juror]s in [Colorado] met. \tJuror\tColorado\t0",  # spaces around text and inside brackets
    "[Paris] and [Rome] met.\tParis\tBerlin\t0",  # entity not in the sentence
    "[Paris] and [Rome] met.\tParis\tRome\t7",  # unknown label
    "[Kim] met [Moon]\tKim",  # too few columns
]


def test_dse_every_label_and_skip(tmp_path: Path) -> None:
    log = SkipLog()
    records = list(convert_dse(_write(tmp_path / "train.tsv", "\n".join(DSE_ROWS) + "\n"), on_skip=log))
    assert records == [
        _record("dse-train-0", "Trump met Kasich’s aide.", None, *_pair("Trump", [0, 5], "Kasich’", [10, 17], "neutral", "neutral")),
        _record("dse-train-1", "Obama praised Merkel.", None, *_pair("Obama", [0, 5], "Merkel", [14, 20], "positive", "neutral")),
        _record(
            "dse-train-2",
            "Obama was praised by Merkel.",
            None,
            *_pair("Obama", [0, 5], "Merkel", [21, 27], "neutral", "positive", first="ba"),
        ),
        _record("dse-train-3", "Congress slammed Biden again.", None, *_pair("Congre", [0, 6], "Biden", [17, 22], "negative", "neutral")),
        _record(
            "dse-train-4",
            "Biden was slammed by Congress.",
            None,
            *_pair("Biden", [0, 5], "Congre", [21, 27], "neutral", "negative", first="ba"),
        ),
        _record("dse-train-7", 'Putin said "no" to Kyiv.', None, *_pair("Putin", [0, 5], "Kyiv", [19, 23], "negative", "neutral")),
        _record("dse-train-8", "Jurors in Colorado met.", None, *_pair("Juror", [0, 5], "Colorado", [10, 18], "neutral", "neutral")),
    ]
    assert log.skipped == [
        (6, "same entity twice"),
        (7, "entity has no letter or digit"),
        (10, "entity not found in the sentence"),
        (11, "label '7' is not 0-4"),
        (12, "expected 4 columns, found 2"),
    ]


def test_dse_bracket_out_of_place_falls_back_to_search(tmp_path: Path) -> None:
    path = _write(tmp_path / "valid.tsv", "[Obama praised] Merkel [yesterday].\tObama\tMerkel\t1\n")
    (record,) = convert_dse(path, split="dev")
    assert record["id"] == "dse-dev-0"
    assert record["text"] == "Obama praised Merkel yesterday."
    assert [p["mentions"] for p in record["parties"]] == [[[0, 5]], [[14, 20]]]


NEWSMTSC_ROWS = [
    {
        "primary_gid": "a",
        "sentence_normalized": "Trump said Biden lied, and Trump repeated it to him.",
        "targets": [
            {
                "Input.gid": "a1",
                "from": 0,
                "to": 5,
                "mention": "Trump",
                "polarity": 2.0,
                "further_mentions": [{"from": 48, "to": 51, "mention": "him"}, {"from": 0, "to": 5, "mention": "Trump"}],
            },
            {"Input.gid": "a2", "from": 11, "to": 16, "mention": "Biden", "polarity": 6.0},
            {"Input.gid": "a3", "from": 27, "to": 32, "mention": "Trump", "polarity": 4.0},
            {"Input.gid": "a4", "from": 27, "to": 32, "mention": "Trump", "polarity": 4.0},
        ],
    },
    {
        "primary_gid": "b",
        "sentence_normalized": "Merkel met Macron.",
        "targets": [
            {
                "Input.gid": "b1",
                "from": 12,
                "to": 18,
                "mention": "Macron",
                "polarity": 6.0,
                "further_mentions": [{"from": 0, "to": 3, "mention": "she"}],
            },
        ],
    },
    {
        "primary_gid": "c",
        "sentence_normalized": "Nobody came.",
        "targets": [{"Input.gid": "c1", "from": 0, "to": 5, "mention": "Putin", "polarity": 2.0}],
    },
]


def test_newsmtsc_targets_further_mentions_and_bad_spans(tmp_path: Path) -> None:
    lines = [json.dumps(row) for row in NEWSMTSC_ROWS]
    path = _write(tmp_path / "dev_rw.jsonl", "\n".join(lines[:2] + [""] + lines[2:]) + "\n")
    log = SkipLog()
    assert list(convert_newsmtsc(path, on_skip=log)) == [
        _record(
            "newsmtsc-dev_rw-0",
            NEWSMTSC_ROWS[0]["sentence_normalized"],
            None,
            [
                {"name": "Trump", "mentions": [[0, 5], [48, 51]]},
                {"name": "Biden", "mentions": [[11, 16]]},
                {"name": "Trump (2)", "mentions": [[27, 32]]},
            ],
            [
                {"holder": None, "target": "Trump", "label": "negative"},
                {"holder": None, "target": "Biden", "label": "positive"},
                {"holder": None, "target": "Trump (2)", "label": "neutral"},
            ],
        ),
        _record(
            "newsmtsc-dev_rw-1",
            "Merkel met Macron.",
            None,
            [{"name": "Macron", "mentions": [[11, 17]]}],
            [{"holder": None, "target": "Macron", "label": "positive"}],
        ),
    ]
    assert log.skipped == [
        (1, "target dropped: same span as an earlier target"),
        (2, "fixed: target span relocated to its mention"),
        (2, "further mention dropped: span does not match its mention"),
        (4, "target span does not match its mention and the mention is not in the sentence"),
        (4, "sentence has no usable target"),
    ]


CHECKTHAT_ROWS = [
    "Sentence_id\tText\tclass_label",
    "1\tWe will win.\tNo",
    '2\t"Taxes rose 5%, he said, ""twice""."\tYes',
    "3\tWe've got to invest and grow.\tNo29286\tYou can't bring back jobs.\tYes",
    "4\tMaybe.\tPerhaps",
]


def test_checkthat_unquotes_and_splits_glued_rows(tmp_path: Path) -> None:
    path = _write(tmp_path / "train.tsv", "\n".join(CHECKTHAT_ROWS), newline="\r\n")
    log = SkipLog()
    assert list(convert_checkthat(path, on_skip=log)) == [
        _record("checkthat-train-1", "We will win.", False, [], []),
        _record("checkthat-train-2", 'Taxes rose 5%, he said, "twice".', True, [], []),
        _record("checkthat-train-3", "We've got to invest and grow.", False, [], []),
        _record("checkthat-train-29286", "You can't bring back jobs.", True, [], []),
    ]
    assert log.skipped == [(5, "class_label 'Perhaps' is not Yes or No")]


def test_checkthat_rejects_a_file_without_its_header(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Sentence_id, Text, class_label"):
        list(convert_checkthat(_write(tmp_path / "dev.tsv", "1\tHi.\tNo\n")))


CAMEO_CLASS = [
    "Russia condemned the U.S. strikes.\t3",
    '"Germany and France signed a ""deal"" with Mali."\t2',
    "Nobody knows.\t0",
    "Police arrested protesters in Cairo.\t4",
    "The U.N. called for calm.\t0",
]
CAMEO_CONLL = """The B-S
U.N. I-S
called O
for O
calm B-T
. O

An O
unrelated O
sentence O
. O

Germany B-S
and O
France B-S
signed O
a O
deal O
with O
Mali B-T
. O

Police B-S
arrested O
protesters O
in O
Cairo O
. O

Russia B-S
condemned O
the B-T
U.S I-T
. I-T
strikes I-T
. O
"""


def test_cameo_aligns_sentences_by_text(tmp_path: Path) -> None:
    class_path = _write(tmp_path / "train_class.tsv", "\n".join(CAMEO_CLASS) + "\n", newline="\r\n")
    actors_path = _write(tmp_path / "train_actors.conll", CAMEO_CONLL)
    log = SkipLog()
    assert list(convert_cameo(class_path, actors_path, on_skip=log)) == [
        _record(
            "cameo-train-0",
            "Russia condemned the U.S. strikes.",
            True,
            [{"name": "Russia", "mentions": [[0, 6]]}, {"name": "the U.S. strikes", "mentions": [[17, 33]]}],
            [{"holder": "Russia", "target": "the U.S. strikes", "label": "negative"}],
        ),
        _record(
            "cameo-train-1",
            'Germany and France signed a "deal" with Mali.',
            True,
            [
                {"name": "Germany", "mentions": [[0, 7]]},
                {"name": "France", "mentions": [[12, 18]]},
                {"name": "Mali", "mentions": [[40, 44]]},
            ],
            [{"holder": "Germany", "target": "Mali", "label": "positive"}],
        ),
        _record("cameo-train-2", "Nobody knows.", True, [], []),
        _record("cameo-train-3", "Police arrested protesters in Cairo.", True, [], []),
        _record(
            "cameo-train-4",
            "The U.N. called for calm.",
            True,
            [{"name": "The U.N.", "mentions": [[0, 8]]}, {"name": "calm", "mentions": [[20, 24]]}],
            [{"holder": "The U.N.", "target": "calm", "label": "neutral"}],
        ),
    ]
    assert log.skipped == [
        (3, "kept without parties: no CoNLL sentence matches"),
        (4, "kept without parties: no target span"),
    ]


def test_write_jsonl_round_trips(tmp_path: Path) -> None:
    records = [_record("x-0", "Ünïcode “quotes”.", True, [], [])]
    path = tmp_path / "out" / "x.jsonl"
    assert write_jsonl(iter(records), path) == 1
    assert "Ünïcode" in path.read_text(encoding="utf-8")
    assert [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] == records


def _check(record: dict) -> None:
    """The TAXONOMY record contract every converter must keep."""
    assert set(record) == {"id", "text", "context", "claim", "parties", "stances"}
    assert record["text"] == record["text"].strip() and record["text"]
    assert record["claim"] in (True, False, None)
    names = [party["name"] for party in record["parties"]]
    assert len(names) == len(set(names)), names
    for party in record["parties"]:
        assert party["mentions"], party
        for start, end in party["mentions"]:
            assert 0 <= start < end <= len(record["text"])
    targets = [stance["target"] for stance in record["stances"]]
    assert len(targets) == len(set(targets)), targets  # one stance per target
    for stance in record["stances"]:
        assert stance["label"] in POLARITIES
        assert stance["target"] in names and stance["holder"] in [*names, None]
        assert stance["holder"] != stance["target"]


@pytest.mark.skipif(not DATA.is_dir(), reason=f"{DATA} (the public corpora) is not here")
@pytest.mark.parametrize(("corpus", "split"), [(c, s) for c, (_, splits) in CONVERTERS.items() for s, _ in splits])
def test_real_corpora_give_valid_records(corpus: str, split: str) -> None:
    convert, splits = CONVERTERS[corpus]
    paths = [DATA / file for file in dict(splits)[split]]
    records = list(convert(*paths, split=split))
    assert len(records) > 100
    assert len({record["id"] for record in records}) == len(records)
    for record in records:
        _check(record)
        if corpus in ("dse", "cameo"):  # names are the surfaces of their mentions
            for party in record["parties"]:
                assert all(record["text"][s:e] == party["name"] for s, e in party["mentions"])
        if corpus == "newsmtsc":  # the primary mention is the target's surface
            for party in record["parties"]:
                start, end = party["mentions"][0]
                assert re.sub(r" \(\d+\)$", "", party["name"]) == record["text"][start:end]
