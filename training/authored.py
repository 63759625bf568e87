"""The project's authored corpus: passages written by hand -> TAXONOMY records.

Authors write one passage per JSONL line and name parties by their surface strings;
this module finds the character offsets, adds the context sentence, and checks every
rule of ../shared/TAXONOMY.md and docs/annotation.md so that offsets never drift.

Passage format::

    {"passage": "a-017", "topic": "diplomacy",
     "sentences": [
       {"text": "UNSC members expressed concern over Pakistan's missile tests.",
        "claim": true,
        "parties": {"UNSC": ["UNSC"], "Pakistan": ["Pakistan"]},
        "stances": [{"holder": "UNSC", "target": "Pakistan", "label": "condemnation"}]},
       {"text": "They advised Pakistan to resolve its differences with India.",
        "claim": true,
        "parties": {"Pakistan": ["Pakistan"], "India": ["India"]},
        "stances": [{"holder": "UNSC", "target": "Pakistan", "label": "advice"}]}]}
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from stance.corpus import find_mentions
from stance.taxonomy import AUTHOR, STANCE_LABELS

SPLIT_OF_BUCKET = ["train"] * 8 + ["dev"] + ["test"]


class PassageError(ValueError):
    """A passage breaks a rule; the message names the passage, sentence and field."""


def split_of(passage_id: str) -> str:
    """Fixed train/dev/test split by passage (80/10/10), stable across runs."""
    bucket = int(hashlib.sha256(passage_id.encode()).hexdigest(), 16) % 10
    return SPLIT_OF_BUCKET[bucket]


def passage_to_records(passage: dict[str, Any]) -> list[dict[str, Any]]:
    """Turn one authored passage into TAXONOMY records (one per sentence)."""
    pid = passage.get("passage")
    if not isinstance(pid, str) or not pid:
        raise PassageError("passage has no 'passage' id")
    sentences = passage.get("sentences")
    if not isinstance(sentences, list) or not sentences:
        raise PassageError(f"{pid}: 'sentences' must be a non-empty list")
    records = []
    previous_parties: set[str] = set()
    context = ""
    for index, sentence in enumerate(sentences):
        where = f"{pid} sentence {index}"
        text = sentence.get("text")
        if not isinstance(text, str) or not text.strip():
            raise PassageError(f"{where}: 'text' is empty")
        if not isinstance(sentence.get("claim"), bool):
            raise PassageError(f"{where}: 'claim' must be true or false")
        surfaces = sentence.get("parties", {})
        if not isinstance(surfaces, dict):
            raise PassageError(f"{where}: 'parties' must map a name to surface strings")
        parties = []
        for name, forms in surfaces.items():
            if isinstance(forms, str):
                forms = [forms]
            mentions = find_mentions(text, forms)
            if not mentions:
                raise PassageError(f"{where}: party {name!r}: none of {forms} occurs in the text")
            parties.append({"name": name, "mentions": mentions})
        named = {party["name"] for party in parties}
        stances = []
        targets_seen: set[str] = set()
        for stance in sentence.get("stances", []):
            holder, target, label = stance.get("holder"), stance.get("target"), stance.get("label")
            if label not in STANCE_LABELS:
                raise PassageError(f"{where}: label {label!r} is not one of {', '.join(STANCE_LABELS)}")
            if target not in named:
                raise PassageError(f"{where}: target {target!r} is not a party of this sentence ({sorted(named)})")
            if target in targets_seen:
                raise PassageError(f"{where}: two stances toward {target!r}; keep the strongest")
            targets_seen.add(target)
            if holder == target:
                raise PassageError(f"{where}: {target!r} holds a stance toward itself")
            if holder != AUTHOR and holder not in named:
                if holder not in previous_parties:
                    raise PassageError(
                        f"{where}: holder {holder!r} is neither AUTHOR, a party of this sentence,"
                        f" nor a party of the previous sentence ({sorted(previous_parties)})"
                    )
                parties.append({"name": holder, "mentions": []})
                named.add(holder)
            if label != "none":
                stances.append({"holder": holder, "target": target, "label": label})
        records.append(
            {
                "id": f"{pid}-{index}",
                "text": text,
                "context": context,
                "claim": sentence["claim"],
                "parties": parties,
                "stances": stances,
            }
        )
        context = text
        previous_parties = {p["name"] for p in parties if p["mentions"]}
    return records


def corpus_statistics(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts the issue's targets are stated in: labels, holder types, claims, none-targets."""
    labels: Counter[str] = Counter()
    holders: Counter[str] = Counter()
    for record in records:
        in_sentence = {p["name"] for p in record["parties"] if p["mentions"]}
        stanced = set()
        for stance in record["stances"]:
            labels[stance["label"]] += 1
            stanced.add(stance["target"])
            if stance["holder"] == AUTHOR:
                holders["author"] += 1
            elif stance["holder"] in in_sentence:
                holders["party_in_sentence"] += 1
            else:
                holders["party_in_context"] += 1
        labels["none"] += len(in_sentence - stanced)
    stances = sum(holders.values())
    return {
        "sentences": len(records),
        "claims": sum(r["claim"] for r in records),
        "labels": dict(labels),
        "holders": dict(holders),
        "share_not_author": round((stances - holders["author"]) / max(stances, 1), 3),
        "share_context_holder": round(holders["party_in_context"] / max(stances, 1), 3),
    }
