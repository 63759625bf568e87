"""Public corpora in ../shared/data -> TAXONOMY stance records, one converter per corpus.

Every converter is a generator of plain dicts in the record format of
../shared/TAXONOMY.md (``id``, ``text``, ``context``, ``claim``, ``parties``, ``stances``);
mention offsets are ``[start, end)`` indices into ``text``. Rows that cannot be converted
are not raised: the converter calls ``on_skip(line_number, reason)`` and goes on.

    >>> log = SkipLog()
    >>> records = list(convert_dse("../shared/data/dse/valid.tsv", on_skip=log))  # doctest: +SKIP
    >>> log.counts()  # doctest: +SKIP
    {'entity has no letter or digit': 13}

Corpus formats and known flaws are described in ../shared/data/README.md.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

Record = dict[str, Any]
PathLike = str | Path
SkipHandler = Callable[[int, str], None]

DSE_STANCES: dict[str, tuple[str, str]] = {
    # label -> (polarity of ent1 -> ent2, polarity of ent2 -> ent1); the classes are exclusive
    "0": ("neutral", "neutral"),
    "1": ("positive", "neutral"),
    "2": ("neutral", "positive"),
    "3": ("negative", "neutral"),
    "4": ("neutral", "negative"),
}
NEWSMTSC_POLARITY: dict[float, str] = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
CHECKTHAT_CLAIM: dict[str, bool] = {"Yes": True, "No": False}
CAMEO_POLARITY: dict[str, str] = {
    "0": "neutral",  # statement / appeal
    "1": "positive",  # verbal cooperation
    "2": "positive",  # material cooperation
    "3": "negative",  # verbal conflict
    "4": "negative",  # material conflict
}

_BRACKETED = re.compile(r"\[([^\[\]]*)\]")
_GLUED_ROW = re.compile(r"\t(Yes|No)(?=\d+\t)")  # "...\tNo29286\t..." = two rows on one line


@dataclass
class SkipLog:
    """Collects what converters drop (or repair: reasons "fixed: ..." and "kept ...").

    Pass an instance as ``on_skip``; line numbers are 1-based lines of the input file.

    >>> log = SkipLog()
    >>> log(3, "same entity twice"); log(9, "same entity twice")
    >>> log.counts()
    {'same entity twice': 2}
    """

    skipped: list[tuple[int, str]] = field(default_factory=list)

    def __call__(self, line_number: int, reason: str) -> None:
        self.skipped.append((line_number, reason))

    def counts(self) -> dict[str, int]:
        """Number of skips per reason, most frequent first."""
        return dict(Counter(reason for _, reason in self.skipped).most_common())


def _ignore(line_number: int, reason: str) -> None:
    """The default ``on_skip``: drop silently."""


def _record(id_: str, text: str, claim: bool | None, parties: list, stances: list) -> Record:
    return {"id": id_, "text": text, "context": "", "claim": claim, "parties": parties, "stances": stances}


def _locate(text: str, surface: str, near: tuple[int, int] | None = None) -> tuple[int, int] | None:
    """Offsets of ``surface`` inside the span ``near``, else of its occurrence closest to it.

    >>> _locate("Trump met Trump Jr.", "Trump", near=(10, 18))
    (10, 15)
    >>> _locate("Trump met Trump Jr.", "Trump Sr.") is None
    True
    """
    if not surface:
        return None
    if near is not None:
        inside = text.find(surface, near[0], near[1])
        if inside >= 0:
            return inside, inside + len(surface)
    starts = [m.start() for m in re.finditer(re.escape(surface), text)]
    if not starts:
        return None
    anchor = near[0] if near is not None else 0
    start = min(starts, key=lambda s: abs(s - anchor))
    return start, start + len(surface)


def _unbracket(sentence: str) -> tuple[str, list[tuple[int, int]]]:
    """Drop the ``[ ]`` entity brackets; the bracketed spans in the cleaned text.

    >>> _unbracket("A [Los Angele]s anchor met [Kasich’]s aide.")
    ('A Los Angeles anchor met Kasich’s aide.', [(2, 12), (25, 32)])
    """
    cleaned, spans, last = "", [], 0
    for match in _BRACKETED.finditer(sentence):
        cleaned += sentence[last : match.start()]
        spans.append((len(cleaned), len(cleaned) + len(match.group(1))))
        cleaned += match.group(1)
        last = match.end()
    cleaned += sentence[last:]
    if "[" in cleaned or "]" in cleaned:  # unbalanced: search the entity strings instead
        return sentence.replace("[", "").replace("]", ""), []
    return cleaned, spans


def convert_dse(path: PathLike, split: str | None = None, on_skip: SkipHandler = _ignore) -> Iterator[Record]:
    """Directed sentiment (dse/*.tsv: sentence, ent1, ent2, label 0-4) -> records.

    Both directions get a stance: the labelled one ``positive``/``negative`` and the other
    ``neutral`` (label 0: both ``neutral``). The text loses the brackets and surrounding
    spaces; names are the entity columns as given, even when clipped (``Los Angele``).
    Skips rows whose entities are equal, have no letter or digit (e.g. ``[’]``), or
    cannot be found in the sentence.

    >>> next(convert_dse("dse/train.tsv"))["stances"]  # doctest: +SKIP
    [{'holder': 'Los Angele', 'target': 'the United State', 'label': 'neutral'}, ...]
    """
    path = Path(path)
    prefix = f"dse-{split or path.stem}"
    with open(path, encoding="utf-8", newline="") as file:
        reader = csv.reader(file, delimiter="\t")  # quoted fields: "a ""quote"" inside"
        for row_index, row in enumerate(reader):
            line = reader.line_num
            if len(row) != 4:
                on_skip(line, f"expected 4 columns, found {len(row)}")
                continue
            sentence, ent1, ent2, label = row[0], row[1].strip(), row[2].strip(), row[3].strip()
            if label not in DSE_STANCES:
                on_skip(line, f"label {label!r} is not 0-4")
                continue
            if ent1 == ent2:
                on_skip(line, "same entity twice")
                continue
            if not all(any(ch.isalnum() for ch in ent) for ent in (ent1, ent2)):
                on_skip(line, "entity has no letter or digit")
                continue
            text, spans = _unbracket(sentence)
            hints = spans if len(spans) == 2 else [None, None]
            found = [_locate(text, ent, hint) for ent, hint in zip((ent1, ent2), hints)]
            if None in found:
                on_skip(line, "entity not found in the sentence")
                continue
            lead = len(text) - len(text.lstrip())  # many sentences start or end with a space
            text = text.strip()
            found = [(start - lead, end - lead) for start, end in found]
            forward, backward = DSE_STANCES[label]
            stances = [
                {"holder": ent1, "target": ent2, "label": forward},
                {"holder": ent2, "target": ent1, "label": backward},
            ]
            if label in ("2", "4"):
                stances.reverse()  # the labelled direction first
            parties = [{"name": ent, "mentions": [list(span)]} for ent, span in zip((ent1, ent2), found)]
            yield _record(f"{prefix}-{row_index}", text, None, parties, stances)


def _newsmtsc_mentions(text: str, target: dict[str, Any], line: int, on_skip: SkipHandler) -> list[list[int]] | None:
    """The target's primary span (relocated if it is off) then its valid further mentions."""
    surface = target.get("mention", "")
    start, end = int(target.get("from", 0)), int(target.get("to", 0))
    if text[start:end] != surface or not surface or start < 0:
        span = _locate(text, surface, (start, end))
        if span is None:
            on_skip(line, "target span does not match its mention and the mention is not in the sentence")
            return None
        on_skip(line, "fixed: target span relocated to its mention")
        start, end = span
    further = set()
    for mention in target.get("further_mentions", []):
        f_start, f_end = int(mention.get("from", 0)), int(mention.get("to", 0))
        if text[f_start:f_end] != mention.get("mention") or not 0 <= f_start < f_end:
            on_skip(line, "further mention dropped: span does not match its mention")
        elif (f_start, f_end) != (start, end):
            further.add((f_start, f_end))
    return [[start, end]] + [list(span) for span in sorted(further)]


def convert_newsmtsc(path: PathLike, split: str | None = None, on_skip: SkipHandler = _ignore) -> Iterator[Record]:
    """NewsMTSC (newsmtsc/*.jsonl) -> one party and one holder-less stance per target.

    Targets with the same mention text become "Trump", "Trump (2)"; a target repeating the
    span of an earlier one is dropped; a sentence left without targets is skipped.

    >>> next(convert_newsmtsc("newsmtsc/train.jsonl"))["stances"]  # doctest: +SKIP
    [{'holder': None, 'target': 'Winner', 'label': 'neutral'}]
    """
    path = Path(path)
    prefix = f"newsmtsc-{split or path.stem}"
    with open(path, encoding="utf-8") as file:
        for row_index, raw in enumerate(file):
            line = row_index + 1
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
            except json.JSONDecodeError as error:
                on_skip(line, f"not JSON ({error.msg})")
                continue
            text = row.get("sentence_normalized", "")
            parties, stances, seen_spans = [], [], set()
            names: Counter[str] = Counter()
            for target in row.get("targets", []):
                label = NEWSMTSC_POLARITY.get(target.get("polarity"))
                if label is None:
                    on_skip(line, f"target dropped: polarity {target.get('polarity')!r} is not 2, 4 or 6")
                    continue
                mentions = _newsmtsc_mentions(text, target, line, on_skip)
                if mentions is None:
                    continue
                if tuple(mentions[0]) in seen_spans:
                    on_skip(line, "target dropped: same span as an earlier target")
                    continue
                seen_spans.add(tuple(mentions[0]))
                surface = text[mentions[0][0] : mentions[0][1]]
                names[surface] += 1
                name = surface if names[surface] == 1 else f"{surface} ({names[surface]})"
                parties.append({"name": name, "mentions": mentions})
                stances.append({"holder": None, "target": name, "label": label})
            if not parties:
                on_skip(line, "sentence has no usable target")
                continue
            yield _record(f"{prefix}-{row_index}", text, None, parties, stances)


def convert_checkthat(path: PathLike, split: str | None = None, on_skip: SkipHandler = _ignore) -> Iterator[Record]:
    """CheckThat! 2024 check-worthiness (checkthat24/*.tsv) -> claim-only records.

    Texts that hold a comma or a quote are CSV-quoted (``"a, ""b"" c"``) and are
    unquoted here; a line holding two glued rows (``...\\tNo29286\\t...``) is split. Ids
    keep the corpus's Sentence_id.

    >>> next(convert_checkthat("checkthat24/dev.tsv"))["claim"]  # doctest: +SKIP
    False
    """
    path = Path(path)
    prefix = f"checkthat-{split or path.stem}"
    with open(path, encoding="utf-8") as file:
        lines = [raw.rstrip("\n") for raw in file]
    header = lines[0].split("\t") if lines else []
    if header != ["Sentence_id", "Text", "class_label"]:
        raise ValueError(f"{path}: header {header} is not Sentence_id, Text, class_label; is this a CheckThat file?")
    for line, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        pieces = _GLUED_ROW.sub(r"\t\1\n", raw).split("\n")
        for row in csv.reader(pieces, delimiter="\t"):
            if len(row) != 3:
                on_skip(line, f"expected 3 columns, found {len(row)}")
                continue
            sentence_id, text, label = row[0].strip(), row[1].strip(), row[2].strip()
            if label not in CHECKTHAT_CLAIM:
                on_skip(line, f"class_label {label!r} is not Yes or No")
            elif not text:
                on_skip(line, "empty text")
            else:
                yield _record(f"{prefix}-{sentence_id}", text, CHECKTHAT_CLAIM[label], [], [])


def _alnum_key(text: str) -> str:
    """Letters and digits only, lower-cased: the key that pairs CAMEO tokens with sentences.

    >>> _alnum_key("U.S. troops ’re") == _alnum_key("U.S. troops're")
    True
    """
    return "".join(ch for ch in text if ch.isalnum()).lower()


def _align_tokens(text: str, tokens: list[str]) -> list[tuple[int, int] | None] | None:
    """Character offsets of each token in ``text``; punctuation present on one side only is
    tolerated (the token then gets ``None`` if nothing of it is in the text).

    >>> _align_tokens("He said “no.”", ["He", "said", "no", "."])
    [(0, 2), (3, 7), (9, 11), (11, 12)]
    """
    offsets: list[tuple[int, int] | None] = []
    pos = 0
    for token in tokens:
        start = end = None
        for ch in token:
            while True:
                while pos < len(text) and text[pos].isspace():
                    pos += 1
                if pos < len(text) and (text[pos] == ch or text[pos].lower() == ch.lower()):
                    start = pos if start is None else start
                    end, pos = pos + 1, pos + 1
                    break
                if not ch.isalnum():  # token punctuation the text lacks
                    break
                if pos < len(text) and not text[pos].isalnum():  # text punctuation the tokens lack
                    pos += 1
                    continue
                return None
        offsets.append(None if start is None else (start, end))
    return offsets


def _bio_spans(tags: list[str], role: str) -> list[tuple[int, int]]:
    """Token ranges ``[i, j)`` tagged B-role/I-role; a stray I- starts a new span.

    >>> _bio_spans(["B-S", "I-S", "O", "I-S", "B-T"], "S")
    [(0, 2), (3, 4)]
    """
    spans: list[tuple[int, int]] = []
    start = None
    for index, tag in enumerate(tags + ["O"]):
        inside = tag == f"I-{role}" and start is not None
        if start is not None and not inside:
            spans.append((start, index))
            start = None
        if tag == f"B-{role}" or (tag == f"I-{role}" and start is None):
            start = index
    return spans


def read_conll(path: PathLike) -> list[tuple[list[str], list[str]]]:
    """Sentences of a ``token tag`` file with blank lines between sentences.

    >>> read_conll("cameo/train_actors.conll")[0][1][:4]  # doctest: +SKIP
    ['O', 'O', 'O', 'B-S']
    """
    sentences: list[tuple[list[str], list[str]]] = [([], [])]
    with open(path, encoding="utf-8") as file:
        for line, raw in enumerate(file, start=1):
            if not raw.strip():
                if sentences[-1][0]:
                    sentences.append(([], []))
                continue
            fields = raw.split()
            if len(fields) != 2:
                raise ValueError(f"{path} line {line}: expected 'token tag', found {raw.strip()!r}")
            sentences[-1][0].append(fields[0])
            sentences[-1][1].append(fields[1])
    return [sentence for sentence in sentences if sentence[0]]


def _cameo_actors(text: str, tokens: list[str], tags: list[str], label: str) -> tuple[list, list] | str:
    """Parties and stances of one aligned sentence, or the reason there are none."""
    offsets = _align_tokens(text, tokens)
    if offsets is None:
        return "tokens do not align with the sentence"
    roles: dict[str, list[str]] = {"S": [], "T": []}
    mentions: dict[str, list[list[int]]] = {}
    for role, names in roles.items():
        for first, last in _bio_spans(tags, role):
            found = [span for span in offsets[first:last] if span is not None]
            if not found:
                continue
            start, end = found[0][0], found[-1][1]
            name = text[start:end]
            names.append(name)
            if [start, end] not in mentions.setdefault(name, []):
                mentions[name].append([start, end])
    if not roles["S"] or not roles["T"]:
        return "no source span" if not roles["S"] else "no target span"
    holder = roles["S"][0]  # TAXONOMY: one stance per target; further sources stay parties
    stances = [{"holder": holder, "target": t, "label": label} for t in dict.fromkeys(roles["T"]) if t != holder]
    if not stances:
        return "source and target are the same span"
    parties = [{"name": name, "mentions": sorted(spans)} for name, spans in mentions.items()]
    return parties, stances


def convert_cameo(class_path: PathLike, actors_path: PathLike, split: str | None = None, on_skip: SkipHandler = _ignore) -> Iterator[Record]:
    """CAMEO PentaClass (train_class.tsv + train_actors.conll) -> claim records with actors.

    The CoNLL file is not row-aligned with the class file: sentences are paired by
    ``_alnum_key``. A paired sentence with a source (B-S) and a target (B-T) span gets
    ``source -> target: label`` (classes 1, 2 positive; 3, 4 negative; 0 neutral); other
    sentences are emitted with no parties (reported through ``on_skip``). B-R/I-R
    (reciprocal actors) are not used.

    >>> next(convert_cameo("cameo/train_class.tsv", "cameo/train_actors.conll"))["stances"]  # doctest: +SKIP
    [{'holder': 'a car bomb', 'target': 'another ethnic Chechen', 'label': 'negative'}]
    """
    class_path = Path(class_path)
    prefix = f"cameo-{split or class_path.stem.removesuffix('_class')}"
    actors: dict[str, tuple[list[str], list[str]]] = {}
    for tokens, tags in read_conll(actors_path):
        actors.setdefault(_alnum_key("".join(tokens)), (tokens, tags))
    with open(class_path, encoding="utf-8", newline="") as file:
        reader = csv.reader(file, delimiter="\t")
        for row_index, row in enumerate(reader):
            line = reader.line_num
            if len(row) != 2 or row[1].strip() not in CAMEO_POLARITY:
                on_skip(line, "expected 'sentence<TAB>class' with class 0-4")
                continue
            text, label = row[0].strip(), CAMEO_POLARITY[row[1].strip()]
            parties, stances = [], []
            match = actors.get(_alnum_key(text))
            result = _cameo_actors(text, *match, label) if match else "no CoNLL sentence matches"
            if isinstance(result, str):
                on_skip(line, f"kept without parties: {result}")
            else:
                parties, stances = result
            yield _record(f"{prefix}-{row_index}", text, True, parties, stances)


def write_jsonl(records: Iterable[Record], path: PathLike) -> int:
    """Write one JSON record per line (UTF-8, parents created); return the count.

    >>> write_jsonl(convert_dse("dse/valid.tsv"), "data/converted/dse_valid.jsonl")  # doctest: +SKIP
    1448
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "w", encoding="utf-8") as file:
        for record in records:
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


class Corpus(NamedTuple):
    """A converter and its splits: (split name, files relative to the data folder)."""

    convert: Callable[..., Iterator[Record]]
    splits: list[tuple[str, list[str]]]


CONVERTERS: dict[str, Corpus] = {
    "dse": Corpus(convert_dse, [("train", ["dse/train.tsv"]), ("valid", ["dse/valid.tsv"])]),
    "newsmtsc": Corpus(
        convert_newsmtsc,
        [(s, [f"newsmtsc/{s}.jsonl"]) for s in ("train", "dev_rw", "dev_mt")],
    ),
    "checkthat": Corpus(convert_checkthat, [(s, [f"checkthat24/{s}.tsv"]) for s in ("train", "dev")]),
    "cameo": Corpus(convert_cameo, [("train", ["cameo/train_class.tsv", "cameo/train_actors.conll"])]),
}
