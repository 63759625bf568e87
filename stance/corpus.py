"""TAXONOMY records <-> `datasets.Dataset`, with validation that names file, line and field.

A record (../shared/TAXONOMY.md)::

    {"id": "seed-9", "text": "They advised Pakistan to ...", "context": "UNSC members ...",
     "claim": true, "parties": [{"name": "Pakistan", "mentions": [[13, 21]]}, ...],
     "stances": [{"holder": "UNSC", "target": "Pakistan", "label": "advice"}]}

Optionally `context_parties` (same shape as `parties`, offsets into `context`) tells where
context parties are mentioned; otherwise their names are searched in the context.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import datasets

from stance.features import Segment
from stance.taxonomy import AUTHOR, POLARITIES, STANCE_LABELS, fine_labels_of


class RecordError(ValueError):
    """A record breaks the format; the message says where and what is allowed."""


@dataclass(frozen=True)
class GoldSentence:
    """What a record knows: claim (None = unknown), allowed labels and holder per target."""

    claim: bool | None
    allowed: dict[str, tuple[str, ...]]  # target -> fine labels compatible with the gold label
    holders: dict[str, str | None]  # target -> holder name (None = unknown)
    labels: dict[str, str]  # target -> gold label as written (fine or coarse)


def _where(source: str, line: int | None) -> str:
    return f"{source} line {line}" if line is not None else source


def validate_record(record: Any, labels: tuple[str, ...] = STANCE_LABELS, source: str = "record", line: int | None = None) -> dict:
    """Check one record and return it normalised (all keys present); raise RecordError.

    >>> validate_record({"text": "Chile thanked Peru.", "parties": [{"name": "Peru", "mentions": [[14, 18]]}],
    ...                  "stances": [{"holder": "AUTHOR", "target": "Peru", "label": "support"}]})["claim"] is None
    True
    """
    where = _where(source, line)
    if not isinstance(record, dict):
        raise RecordError(f"{where}: a record must be a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise RecordError(f"{where}: field 'text' is missing or not a string")
    context = record.get("context") or ""
    if not isinstance(context, str):
        raise RecordError(f"{where}: field 'context' must be a string")
    claim = record.get("claim")
    if claim is not None and not isinstance(claim, bool):
        raise RecordError(f"{where}: field 'claim' must be true, false or null, got {claim!r}")
    parties = _validate_parties(record.get("parties", []), text, f"{where}: parties")
    context_parties = _validate_parties(record.get("context_parties", []), context, f"{where}: context_parties")
    names = {p["name"] for p in parties} | {p["name"] for p in context_parties}
    allowed_labels = labels + POLARITIES
    stances = []
    for i, stance in enumerate(record.get("stances", []) or []):
        if not isinstance(stance, dict):
            raise RecordError(f"{where}: stances[{i}] must be an object")
        label = stance.get("label")
        if label not in allowed_labels:
            raise RecordError(f"{where}: stances[{i}]: label {label!r} is not one of {', '.join(allowed_labels)}")
        target = stance.get("target")
        if target not in {p["name"] for p in parties if p["mentions"]}:
            raise RecordError(f"{where}: stances[{i}]: target {target!r} is not a party with mentions in the text")
        holder = stance.get("holder")
        if holder is not None and holder != AUTHOR and holder not in names:
            raise RecordError(f"{where}: stances[{i}]: holder {holder!r} is not AUTHOR, null or a listed party")
        stances.append({"holder": holder, "target": target, "label": label})
    return {
        "id": str(record.get("id")) if record.get("id") is not None else None,
        "text": text,
        "context": context,
        "claim": claim,
        "parties": parties,
        "context_parties": context_parties,
        "stances": stances,
    }


def _validate_parties(parties: Any, text: str, where: str) -> list[dict]:
    if not isinstance(parties, list):
        raise RecordError(f"{where} must be a list")
    result = []
    for i, party in enumerate(parties):
        if not isinstance(party, dict) or not isinstance(party.get("name"), str):
            raise RecordError(f"{where}[{i}] must be an object with a string 'name'")
        mentions = []
        for mention in party.get("mentions", []) or []:
            ok = isinstance(mention, (list, tuple)) and len(mention) == 2 and all(isinstance(x, int) for x in mention)
            if not ok or not 0 <= mention[0] < mention[1] <= len(text):
                raise RecordError(
                    f"{where}[{i}] {party['name']!r}: mention {mention!r} is not [start, end) with"
                    f" 0 <= start < end <= {len(text)} (the text's length)"
                )
            mentions.append([mention[0], mention[1]])
        result.append({"name": party["name"], "mentions": mentions})
    return result


def read_jsonl(path: str | Path, labels: tuple[str, ...] = STANCE_LABELS, skip_bad: bool = False) -> tuple[list[dict], list[str]]:
    """Read and validate a stance JSONL file; with `skip_bad`, bad lines become error strings."""
    path = Path(path)
    records, errors = [], []
    with open(path, encoding="utf-8", errors="strict") as handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    try:
                        raw = json.loads(line)
                    except json.JSONDecodeError as error:
                        raise RecordError(f"{path} line {number}: not valid JSON ({error.msg} at column {error.colno})") from None
                    records.append(validate_record(raw, labels, str(path), number))
                except RecordError as error:
                    if not skip_bad:
                        raise
                    errors.append(str(error))
        except UnicodeDecodeError as error:
            raise RecordError(f"{path}: not UTF-8 text (byte {error.start} of a line cannot be decoded)") from None
    return records, errors


def to_dataset(records: Iterable[dict], labels: tuple[str, ...] = STANCE_LABELS) -> datasets.Dataset:
    """Validated records as a `datasets.Dataset` with a fixed schema."""
    rows = [validate_record(r, labels) for r in records]
    for row in rows:
        row["id"] = row["id"] or ""
    return datasets.Dataset.from_list(rows, features=FEATURES)


def load_corpus(source: str | Path | datasets.Dataset | list[dict], labels: tuple[str, ...] = STANCE_LABELS) -> datasets.Dataset:
    """A JSONL path, a list of records or a Dataset -> validated Dataset."""
    if isinstance(source, datasets.Dataset):
        return to_dataset(source.to_list(), labels)
    if isinstance(source, (str, Path)):
        records, _ = read_jsonl(source, labels)
        return to_dataset(records, labels)
    return to_dataset(source, labels)


_PARTY = {"name": datasets.Value("string"), "mentions": datasets.Sequence(datasets.Sequence(datasets.Value("int64")))}
FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "text": datasets.Value("string"),
        "context": datasets.Value("string"),
        "claim": datasets.Value("bool"),
        "parties": [_PARTY],
        "context_parties": [_PARTY],
        "stances": [{"holder": datasets.Value("string"), "target": datasets.Value("string"), "label": datasets.Value("string")}],
    }
)


def record_segments(record: dict) -> list[Segment]:
    """[context segment, labelled segment] for a validated record ([labelled] with no context)."""
    in_text = [p for p in record["parties"] if p["mentions"]]
    context_parties = {p["name"]: [tuple(m) for m in p["mentions"]] for p in record.get("context_parties") or []}
    for party in record["parties"]:
        if not party["mentions"] and party["name"] not in context_parties:
            context_parties[party["name"]] = [tuple(m) for m in find_mentions(record["context"], [party["name"]])]
    context = Segment(record["context"], tuple((n, tuple(m)) for n, m in context_parties.items()), labelled=False)
    text = Segment(record["text"], tuple((p["name"], tuple(tuple(m) for m in p["mentions"])) for p in in_text))
    return [context, text] if record["context"].strip() or context.parties else [text]


def find_mentions(text: str, surfaces: list[str]) -> list[list[int]]:
    """Word-bounded, non-overlapping occurrences of the surfaces, longest first.

    >>> find_mentions("UNSC members met; the UNSC chair spoke.", ["UNSC"])
    [[0, 4], [22, 26]]
    """
    taken: list[tuple[int, int]] = []
    for surface in sorted(set(surfaces), key=len, reverse=True):
        for match in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text):
            span = match.span()
            if all(span[1] <= s or span[0] >= e for s, e in taken):
                taken.append(span)
    return [list(span) for span in sorted(taken)]


def gold_of(record: dict, labels: tuple[str, ...] = STANCE_LABELS) -> GoldSentence:
    """Gold labels of a validated record; parties with no listed stance are `none`."""
    allowed, holders, written = {}, {}, {}
    for party in record["parties"]:
        if party["mentions"]:
            allowed[party["name"]] = ("none",)
            holders[party["name"]] = None
            written[party["name"]] = "none"
    for stance in record["stances"]:
        allowed[stance["target"]] = fine_labels_of(stance["label"], labels)
        holders[stance["target"]] = stance["holder"]
        written[stance["target"]] = stance["label"]
    return GoldSentence(record["claim"], allowed, holders, written)
