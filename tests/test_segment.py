"""Rule-based sentence segmentation: boundaries, abbreviations, quotes, offsets, speed."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from stance.segment import iter_sentence_spans, sentence_spans

SEED = Path(__file__).resolve().parents[1] / "seeds" / "unsc_pahalgam.txt"


def split(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
        (
            "External Affairs Minister S. Jaishankar spoke. He left.",
            ["External Affairs Minister S. Jaishankar spoke.", "He left."],
        ),
        (
            "The U.S. and the U.N. met on Jan. 14 in Geneva. Talks failed.",
            ["The U.S. and the U.N. met on Jan. 14 in Geneva.", "Talks failed."],
        ),
        (
            "Dr. Rao, Mr. Khan, Mrs. Roy, Ms. Lee and Prof. Das came.",
            ["Dr. Rao, Mr. Khan, Mrs. Roy, Ms. Lee and Prof. Das came."],
        ),
        (
            "Gen. Munir and Lt. Col. Ali met Sgt. Singh at St. Mary's.",
            ["Gen. Munir and Lt. Col. Ali met Sgt. Singh at St. Mary's."],
        ),
        ("Rep. Smith, Sen. Jones, Gov. Hall and Pres. Ruto spoke.", ["Rep. Smith, Sen. Jones, Gov. Hall and Pres. Ruto spoke."]),
        (
            "Acme Inc. and Foo Ltd. and Bar Co. and Baz Corp. merged.",
            ["Acme Inc. and Foo Ltd. and Bar Co. and Baz Corp. merged."],
        ),
        (
            "Some groups, e.g. LeT, i.e. banned ones, vs. others. Done.",
            ["Some groups, e.g. LeT, i.e. banned ones, vs. others.", "Done."],
        ),
        ("He lives at No. 10 Downing Street. It is old.", ["He lives at No. 10 Downing Street.", "It is old."]),
        ("Sanctions came from the U.S. The move angered Iran.", ["Sanctions came from the U.S.", "The move angered Iran."]),
        ("J. K. Rowling wrote. She left.", ["J. K. Rowling wrote.", "She left."]),
        ("The talks collapsed. 12 people died.", ["The talks collapsed.", "12 people died."]),
        ("It ended. “Never again,” he said.", ["It ended.", "“Never again,” he said."]),
        ("It ended. (A truce followed.) Then war.", ["It ended.", "(A truce followed.)", "Then war."]),
        ("They said “enough.” Nobody listened.", ["They said “enough.”", "Nobody listened."]),
    ],
)
def test_boundaries(text: str, expected: list[str]) -> None:
    assert split(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        'He said "no." and left.',
        '"We will act. They will pay," he said.',
        "“We will act. They will pay,” the minister said.",
        "The group (banned in 2002. It is active.) still recruits.",
        "They met (see Annex. B lists them.) and agreed.",
    ],
)
def test_quotes_and_parentheses_continued_in_lower_case_stay_one(text: str) -> None:
    assert split(text) == [text]


def test_newlines() -> None:
    text = "Headline without a stop\n\nFirst para ends here.\nsecond para starts lower.\nA line\nwrapped here. Last"
    assert split(text) == [
        "Headline without a stop",
        "First para ends here.",
        "second para starts lower.",
        "A line\nwrapped here.",
        "Last",
    ]


def test_no_terminal_punctuation_is_one_sentence() -> None:
    assert split("  no punctuation at all here  ") == ["no punctuation at all here"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t ", "\u00a0"])
def test_empty_and_whitespace(text: str) -> None:
    assert sentence_spans(text) == []


def test_offsets_map_back_to_text_and_are_stripped() -> None:
    text = SEED.read_text(encoding="utf-8")
    spans = sentence_spans(text)
    assert len(spans) == 14
    assert spans == sorted(spans)
    for (_, end), (next_start, _) in itertools.pairwise(spans):
        assert end <= next_start
        assert text[end:next_start].strip() == ""
    for start, end in spans:
        assert text[start:end] == text[start:end].strip() != ""
    assert text[spans[0][0] : spans[0][1]].startswith("In a closed-door meeting")
    assert text[spans[10][0] : spans[10][1]].endswith("excluding China and Pakistan.")
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == "".join(text.split())


def test_iter_is_lazy_and_matches_list() -> None:
    text = "A. Smith came. He left. Then?"
    iterator = iter_sentence_spans(text)
    assert next(iterator) == (0, 14)
    assert list(iter_sentence_spans(text)) == sentence_spans(text)


def test_hundred_thousand_sentences_scale_linearly() -> None:
    def timed(count: int) -> tuple[int, float]:
        text = " ".join(f"Dr. Rao told the U.S. envoy on Jan. {i % 28 + 1} that talks went well, he said." for i in range(count))
        started = time.perf_counter()
        spans = sentence_spans(text)
        return len(spans), time.perf_counter() - started

    small, small_seconds = timed(10_000)
    large, large_seconds = timed(100_000)
    assert (small, large) == (10_000, 100_000)
    # linear work gives about 10x; a quadratic scan would give about 100x (a loaded CI machine adds noise)
    assert large_seconds < 30 * max(small_seconds, 0.05), (small_seconds, large_seconds)
