"""Frozen result records: what `StanceModel.analyze`, `predict` and `score` return."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Party:
    """A named actor in one sentence.

    `mentions` are `(start, end)` character offsets into the sentence text; `kind` is one
    of "country", "organisation", "person", "group" or "other".
    """

    name: str
    mentions: tuple[tuple[int, int], ...]
    kind: str = "other"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "mentions": [list(m) for m in self.mentions], "kind": self.kind}


@dataclass(frozen=True)
class Stance:
    """`holder -> target: label`; `holder` is a party name, "AUTHOR", or None (unknown).

    `scores` maps every label of the model to its probability; `scored` is False when the
    target's mentions lay past the encoder's length limit (then `label` is "none").
    """

    holder: str | None
    target: str
    label: str
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    holder_score: float = 0.0
    scored: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SentenceResult:
    """One sentence: offsets into the document, claim label and one Stance per party."""

    text: str
    start: int
    end: int
    claim: bool
    claim_score: float
    parties: list[Party]
    stances: list[Stance]
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "claim": self.claim,
            "claim_score": self.claim_score,
            "parties": [p.to_dict() for p in self.parties],
            "stances": [s.to_dict() for s in self.stances],
        }


@dataclass(frozen=True)
class DocumentResult:
    """All sentences of one document, in order; `error` is set when it could not be read."""

    sentences: list[SentenceResult]
    id: str | None = None
    error: str | None = None
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sentences": [s.to_dict() for s in self.sentences],
            "error": self.error,
            "warnings": list(self.warnings),
        }
