"""The default label set of ../shared/TAXONOMY.md: stance labels, coarse polarity, holders."""

from __future__ import annotations

STANCE_LABELS: tuple[str, ...] = (
    "none",
    "condemnation",
    "accusation",
    "advice",
    "support",
    "rejection",
    "threat",
)
POLARITY_OF: dict[str, str] = {
    "none": "neutral",
    "advice": "neutral",
    "support": "positive",
    "condemnation": "negative",
    "accusation": "negative",
    "rejection": "negative",
    "threat": "negative",
}
POLARITIES: tuple[str, ...] = ("negative", "neutral", "positive")
AUTHOR = "AUTHOR"


def fine_labels_of(label: str, labels: tuple[str, ...] = STANCE_LABELS) -> tuple[str, ...]:
    """The fine labels a (possibly coarse) label stands for.

    >>> fine_labels_of("neutral")
    ('none', 'advice')
    """
    if label in labels:
        return (label,)
    if label in POLARITIES:
        return tuple(fine for fine in labels if POLARITY_OF.get(fine) == label)
    allowed = ", ".join(labels + POLARITIES)
    raise ValueError(f"label {label!r} is not one of {allowed}")
