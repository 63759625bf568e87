"""Silver fine labels: a coarse stance becomes a fine one where a cue verb leaves no doubt.

The polarity corpora (DSE, NewsMTSC, CAMEO) say only ``negative`` / ``neutral`` /
``positive``. In "Washington accused Tehran of ..." the negative stance toward Tehran is
an accusation: the cue verb governs the target directly. A coarse stance is made fine
only when all of these hold, otherwise it stays coarse (and trains as a partial label):

- the cue's fine label has the stance's polarity (``accused`` cannot relabel a neutral pair);
- the cue ends at most ``MAX_GAP`` characters before the target's mention, with only
  determiners, titles, possessives or a preposition between them ("urged the United States",
  "called on Pakistan", "rejected India's");
- the holder, when the record names one and mentions it, is mentioned before the cue;
- no negation or refusal just before the cue ("did not condemn", "refused to back");
- no other cue class governs the same target.

    >>> record = {"text": "Chile accused Peru of spying.", "context": "", "claim": None,
    ...           "parties": [{"name": "Chile", "mentions": [[0, 5]]}, {"name": "Peru", "mentions": [[14, 18]]}],
    ...           "stances": [{"holder": "Chile", "target": "Peru", "label": "negative"}]}
    >>> silver_fine_labels(record)["stances"][0]["label"]
    'accusation'
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from typing import Any

from stance.taxonomy import POLARITY_OF

MAX_GAP = 24  # characters between the cue and the target: "the", "President", "Iran's"
CUES: dict[str, str] = {
    "condemnation": r"condemn(?:s|ed|ing)?|denounc(?:e|es|ed|ing)|criticiz(?:e|es|ed|ing)|criticis(?:e|es|ed|ing)"
    r"|slamm?(?:s|ed|ing)?|deplor(?:e|es|ed|ing)|lambast(?:s|ed|ing)?|rebuk(?:e|es|ed|ing)|castigat(?:e|es|ed|ing)"
    r"|chastis(?:e|es|ed|ing)|censur(?:e|es|ed|ing)",
    "accusation": r"accus(?:e|es|ed|ing)|blam(?:e|es|ed|ing)",
    "rejection": r"reject(?:s|ed|ing)?|refut(?:e|es|ed|ing)|rebuff(?:s|ed|ing)?",
    "threat": r"threat(?:en|ens|ened|ening)",
    "advice": r"urg(?:e|es|ed|ing)|advis(?:e|es|ed|ing)|call(?:s|ed|ing)? (?:on|upon)|appeal(?:s|ed|ing)? to",
}
# what may stand between the cue and the target mention: short function words and titles
_BRIDGE = re.compile(
    r"^(?:\s+|the|a|an|its|their|his|her|fellow|rival|former|then|president|prime|minister|leader|state|"
    r"government|regime|senator|sen\.|rep\.|gov\.|secretary|general|chancellor|of|on|upon|to|for|'s|’s|[,\-–—])*$",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|n't|n’t|never|no|without|refus(?:e|es|ed|ing) to|declin(?:e|es|ed|ing) to|stopped short of)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_CUE_PATTERNS = {label: re.compile(r"\b(?:" + pattern + r")\b", re.IGNORECASE) for label, pattern in CUES.items()}


def cue_label(text: str, start: int, holder_end: int | None = None) -> str | None:
    """The fine label a cue verb right before ``text[start:]`` gives, or None.

    >>> cue_label("They called on Pakistan to talk.", 15)
    'advice'
    >>> cue_label("Ankara did not condemn Russia.", 23) is None
    True
    >>> cue_label("Paris rejected Moscow's claim.", 15)
    'rejection'
    """
    window_start = max(0, start - MAX_GAP - 30)
    found: set[str] = set()
    for label, pattern in _CUE_PATTERNS.items():
        for match in pattern.finditer(text, window_start, start):
            bridge = text[match.end() : start]
            if len(bridge) > MAX_GAP or not _BRIDGE.match(bridge):
                continue
            if holder_end is not None and holder_end > match.start():
                continue
            if _NEGATION.search(text[max(0, match.start() - 40) : match.start()]):
                return None
            found.add(label)
    return found.pop() if len(found) == 1 else None


def silver_fine_labels(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``record`` whose coarse stances are fine where a cue verb decides them."""
    mentions = {party["name"]: party.get("mentions") or [] for party in record.get("parties", [])}
    text = record["text"]
    out = copy.deepcopy(record)
    for stance in out.get("stances", []):
        if stance["label"] not in ("negative", "neutral"):
            continue
        spans = mentions.get(stance["target"]) or []
        holder_spans = mentions.get(stance.get("holder") or "") or []
        if not spans:
            continue
        holder_end = min(end for _, end in holder_spans) if holder_spans else None
        labels = {cue_label(text, start, holder_end) for start, _ in spans} - {None}
        if len(labels) == 1:
            label = labels.pop()
            if POLARITY_OF[label] == stance["label"]:
                stance["label"] = label
    return out


def count_fine(records: list[dict[str, Any]]) -> Counter:
    """How many stances carry each fine label (coarse ones are not counted)."""
    return Counter(s["label"] for r in records for s in r.get("stances", []) if s["label"] in POLARITY_OF)
