"""The shipped alias table (`stance/data/aliases.json`) and a whole-word phrase index over it.

Countries with capitals, seats of government and demonyms, international organisations and
armed groups, each under one canonical name; anaphors ("the council") are kept apart
because they may only resolve once their party was named in the document.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

_TOKEN = re.compile(r"\w+|[^\w\s]")
_APOSTROPHES = str.maketrans("’‘`", "'''")


def _words(text: str) -> list[str]:
    """Word and punctuation tokens, apostrophes unified ("Pakistan’s" -> Pakistan ' s)."""
    return _TOKEN.findall(text.translate(_APOSTROPHES))


class _AliasIndex:
    """Whole-word, case-sensitive phrase lookup over tokens (longest phrase per start)."""

    def __init__(self) -> None:
        self.phrases: dict[tuple[str, ...], tuple[str | None, str, str]] = {}
        self._lengths: dict[str, list[int]] = {}

    def add(self, phrase: str, name: str | None, kind: str, source: str) -> None:
        variants = {phrase, phrase[:1].upper() + phrase[1:]}  # "al-Qaeda" / "Al-Qaeda"
        if source == "anaphor":  # "the council", "The Council", ...
            head, _, last = phrase.rpartition(" ")
            variants |= {f"{h} {w}".strip() for h in (head, head.capitalize()) for w in (last, last.title())}
        for variant in variants:
            key = tuple(_words(variant))
            if key and key not in self.phrases:
                self.phrases[key] = (name, kind, source)
                lengths = self._lengths.setdefault(key[0], [])
                lengths[:] = sorted(set(lengths) | {len(key)}, reverse=True)

    def scan(self, words: list[str]) -> list[tuple[int, int, tuple[str | None, str, str]]]:
        """`(first, last + 1, (name, kind, source))` token ranges of the longest phrase per start."""
        found = []
        for i, word in enumerate(words):
            for length in self._lengths.get(word, ()):
                key = tuple(words[i : i + length])
                if key in self.phrases:
                    found.append((i, i + len(key), self.phrases[key]))
                    break
        return found


@dataclass
class AliasTable:
    """The alias table: phrase index and the kind of every canonical name."""

    index: _AliasIndex
    kinds: dict[str, str]

    def lookup(self, surface: str) -> tuple[str, str] | None:
        """`(canonical, kind)` of a phrase that is an alias (not an anaphor), else None."""
        hit = self.index.phrases.get(tuple(_words(surface)))
        if hit and hit[0] and hit[2] == "alias":
            return hit[0], hit[1]
        return None


@lru_cache(maxsize=4)
def load_alias_table(path: str | None = None) -> AliasTable:
    """Load an alias table JSON (default: the shipped ``stance/data/aliases.json``).

    >>> load_alias_table().lookup("Islamabad")
    ('Pakistan', 'country')
    """
    if path is None:
        raw = resources.files("stance").joinpath("data/aliases.json").read_text("utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(raw)
    index, kinds = _AliasIndex(), {}
    for i, party in enumerate(data.get("parties", [])):
        if "name" not in party:
            raise ValueError(f"{path or 'aliases.json'}: party {i} has no 'name'")
        name, kind = party["name"], party.get("kind", "other")
        kinds[name] = kind
        for alias in [name, *party.get("aliases", [])]:
            index.add(alias, name, kind, "alias")
        for phrase in party.get("anaphors", []):
            index.add(phrase, name, kind, "anaphor")
    for phrase in data.get("ignore", []):
        index.add(phrase, None, "other", "ignore")
    return AliasTable(index, kinds)
