"""The benchmark's fixed corpus: documents of consecutive news sentences, read by path.

Sentences come from NewsMTSC (`newsmtsc/train.jsonl`, `sentence_normalized`) and DSE
(`dse/train.tsv`, first column, `[`/`]` removed), in file order and without repeats;
headlines (no final `.`, `!` or `?`, which the segmenter would run into the next sentence)
and the few list-like "sentences" over 600 characters are left out.
Documents are runs of 20-40 consecutive sentences from that pool, starting at a seeded
offset, plus the seed document `seeds/unsc_pahalgam.txt`. Nothing is copied into the
project. Sentence counts are those of `stance.segment.sentence_spans`, i.e. what the model
actually reads.

>>> pool = ["Rome met Paris.", "Oslo met Bern.", "Lima met Quito."]
>>> [d.sentences for d in build_documents(pool, 5, doc_length=(2, 2), seed=0, seed_text=None)]
[2, 2, 2]
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from stance.segment import sentence_spans

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
SEED_DOCUMENT = ROOT / "seeds" / "unsc_pahalgam.txt"
MAX_CHARS = 600
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*$")


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    sentences: int  # sentences as the model's segmenter splits `text`

    def split(self) -> list[str]:
        """The document's sentences, as the model segments them."""
        return [self.text[s:e] for s, e in sentence_spans(self.text)]


def load_sentences(data: str | Path = DEFAULT_DATA) -> list[str]:
    """NewsMTSC then DSE training sentences, file order, each once."""
    data = Path(data)
    newsmtsc, dse = data / "newsmtsc" / "train.jsonl", data / "dse" / "train.tsv"
    for path in (newsmtsc, dse):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: not found; pass --data pointing at the shared data folder (see {data}/README.md)")
    sentences: dict[str, None] = {}
    with open(newsmtsc, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                sentences[" ".join(json.loads(line)["sentence_normalized"].split())] = None
    with open(dse, encoding="utf-8") as lines:
        for line in lines:
            text = line.split("\t", 1)[0].replace("[", "").replace("]", "")
            sentences[" ".join(text.split())] = None
    return [s for s in sentences if _ENDS_SENTENCE.search(s) and len(s) <= MAX_CHARS]


def build_documents(
    pool: Sequence[str],
    min_sentences: int,
    doc_length: tuple[int, int] = (20, 40),
    seed: int = 13,
    seed_text: str | None = "default",
) -> list[Document]:
    """Documents of `doc_length` consecutive pool sentences until `min_sentences` are reached.

    The seed document comes first (its sentences count too); `seed_text=None` leaves it out.
    """
    if not pool:
        raise ValueError("the sentence pool is empty")
    rng = random.Random(seed)
    documents = []
    total = 0
    if seed_text == "default":
        seed_text = SEED_DOCUMENT.read_text(encoding="utf-8")
    if seed_text:
        documents.append(Document("seed", seed_text, len(sentence_spans(seed_text))))
        total += documents[0].sentences
    cursor = rng.randrange(len(pool))
    while total < min_sentences:
        size = rng.randint(*doc_length)
        picked = [pool[(cursor + i) % len(pool)] for i in range(size)]
        cursor = (cursor + size) % len(pool)
        text = " ".join(picked)
        document = Document(f"doc{len(documents)}", text, len(sentence_spans(text)))
        documents.append(document)
        total += document.sentences
    return documents


def repeat_documents(documents: Sequence[Document], min_sentences: int) -> Iterator[Document]:
    """Stream `documents` over and over (fresh ids) until `min_sentences` are reached.

    Only `documents` is held in memory, so a long stream measures the model's memory, not the corpus's.
    """
    total = 0
    for index, document in zip(itertools.count(), itertools.cycle(documents)):
        if total >= min_sentences:
            return
        total += document.sentences
        yield Document(f"{document.id}.{index}", document.text, document.sentences)


def count_sentences(documents: Sequence[Document]) -> int:
    return sum(d.sentences for d in documents)


def write_jsonl(documents: Sequence[Document], path: Path) -> Path:
    """The documents as `{"id", "text"}` lines, the input of `stance score`."""
    with open(path, "w", encoding="utf-8") as out:
        for document in documents:
            out.write(json.dumps({"id": document.id, "text": document.text}, ensure_ascii=False) + "\n")
    return path
