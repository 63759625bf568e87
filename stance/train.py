"""Fine-tuning with partial labels: one loop, several corpora, a few callbacks.

Corpora that know only polarity train the fine labels through the summed probability of
the fine labels that polarity allows; an unknown claim or holder adds no loss.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import datasets
import torch
import torch.nn.functional as F

from stance.corpus import gold_of, record_segments
from stance.features import build_batch, plan_windows, tokenize
from stance.model import StanceModel


@dataclass
class TrainingArguments:
    """Validated hyper-parameters; saved with the model (`to_dict` / `from_dict` round-trip).

    >>> TrainingArguments(epochs=1, batch_size=8).batch_size
    8
    """

    epochs: float = 2.0
    batch_size: int = 16
    learning_rate: float = 1e-3  # heads, markers and LoRA adapters
    encoder_learning_rate: float = 5e-5  # base encoder weights when they are trained (no LoRA)
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    max_length: int = 160
    max_steps: int | None = None
    seed: int = 13
    claim_weight: float = 1.0
    stance_weight: float = 1.0
    holder_weight: float = 1.0
    class_weight_power: float = 0.5  # fine-label weights ~ (1 / frequency) ** power; 0 turns them off
    corpus_limits: dict[str, int] = field(default_factory=dict)  # corpus -> records per epoch (sub- or oversampled)
    corpus_weights: dict[str, float] = field(default_factory=dict)  # corpus -> loss weight
    log_every: int = 50
    threads: int | None = None

    def __post_init__(self) -> None:
        if self.epochs <= 0:
            raise ValueError(f"epochs must be > 0, got {self.epochs}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")
        if not 0 < self.learning_rate < 1 or not 0 < self.encoder_learning_rate < 1:
            raise ValueError("learning rates must lie in (0, 1)")
        if not 0 <= self.warmup_ratio < 1:
            raise ValueError(f"warmup_ratio must lie in [0, 1), got {self.warmup_ratio}")
        if self.max_steps is not None and self.max_steps < 1:
            raise ValueError(f"max_steps must be >= 1 or None, got {self.max_steps}")
        if self.max_length < 16:
            raise ValueError(f"max_length must be >= 16 tokens, got {self.max_length}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> "TrainingArguments":
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown training arguments: {', '.join(sorted(unknown))}")
        return cls(**data)


Callback = Callable[[str, dict], None]  # (event, state): "log", "epoch_end", "end"


def print_progress(event: str, state: dict) -> None:
    if event == "log":
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in state.items()}), flush=True)


def _examples(corpora: Mapping[str, datasets.Dataset], args: TrainingArguments, rng: random.Random) -> list[tuple[str, dict]]:
    examples = []
    for name, dataset in corpora.items():
        rows = [(name, r) for r in dataset.to_list()]
        limit = args.corpus_limits.get(name)
        if limit is not None and limit < len(rows):
            rows = rng.sample(rows, limit)
        elif limit is not None and rows:  # oversample a small corpus by whole repeats plus a sample
            rows = rows * (limit // len(rows)) + rng.sample(rows, limit % len(rows))
        examples += rows
    rng.shuffle(examples)
    return examples


def _label_weights(corpora: Mapping[str, datasets.Dataset], labels: list[str], power: float) -> torch.Tensor:
    counts = torch.ones(len(labels))
    for dataset in corpora.values():
        for record in dataset:
            for allowed in gold_of(record, tuple(labels)).allowed.values():
                if len(allowed) == 1:
                    counts[labels.index(allowed[0])] += 1
    weights = (counts.sum() / counts) ** power
    return weights / weights.mean()


def _batches(model: StanceModel, examples: list[tuple[str, dict]], args: TrainingArguments):
    """Length-bucketed batches: sort chunks of 50 batches by length, shuffle the batches."""
    tokenizer = model.tokenizer
    chunk = args.batch_size * 50
    for start in range(0, len(examples), chunk):
        part = examples[start : start + chunk]
        part.sort(key=lambda e: len(e[1]["text"]) + len(e[1]["context"]))
        groups = [part[i : i + args.batch_size] for i in range(0, len(part), args.batch_size)]
        random.shuffle(groups)
        for group in groups:
            segments, keys, sizes = [], [], []
            for i, (_, record) in enumerate(group):
                record_parts = record_segments(record)
                segments += record_parts
                keys += [None] * (len(record_parts) - 1) + [i]
                sizes.append(len(record_parts))
            tokenized = tokenize(tokenizer, segments, args.max_length - 2, keys)
            windows, start = [], 0
            for size in sizes:
                windows += plan_windows(tokenized[start : start + size], args.max_length)
                start += size
            packed = build_batch(windows, tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id)
            yield group, packed


def _targets(group, packed, labels: list[str], args: TrainingArguments):
    """Gold tensors aligned with the batch's plans."""
    claims, claim_weights, allowed_rows, stance_weights, holders, holder_weights = [], [], [], [], [], []
    claim_index = []
    for plan in packed.plans:
        corpus, record = group[plan.key]
        weight = args.corpus_weights.get(corpus, 1.0)
        gold = gold_of(record, tuple(labels))
        if gold.claim is not None:
            claim_index.append(plan.sentence)
            claims.append(float(gold.claim))
            claim_weights.append(weight)
        scored_targets = [t for t, s in zip(plan.targets, plan.scored) if s]
        for target, candidates in zip(scored_targets, plan.candidates):
            allowed = gold.allowed.get(target, ("none",))
            allowed_rows.append([label in allowed for label in labels])
            stance_weights.append(weight)
            holder = gold.holders.get(target)
            no_stance = gold.labels.get(target, "none") in ("none", "neutral")
            if holder is not None and not no_stance and holder in candidates:
                holders.append(candidates.index(holder))
                holder_weights.append(weight)
            else:
                holders.append(-100)
                holder_weights.append(0.0)
    return {
        "claim_index": torch.tensor(claim_index, dtype=torch.long),
        "claim": torch.tensor(claims),
        "claim_weight": torch.tensor(claim_weights),
        "allowed": torch.tensor(allowed_rows, dtype=torch.bool).reshape(-1, len(labels)),
        "stance_weight": torch.tensor(stance_weights),
        "holder": torch.tensor(holders, dtype=torch.long),
        "holder_weight": torch.tensor(holder_weights),
    }


def partial_label_loss(logits: torch.Tensor, allowed: torch.Tensor, label_weights: torch.Tensor) -> torch.Tensor:
    """-log sum_{allowed} p(label), per row; a fine gold label is weighted by its class weight."""
    log_probs = F.log_softmax(logits, dim=-1)
    loss = -torch.logsumexp(log_probs.masked_fill(~allowed, -1e4), dim=-1)
    single = allowed.sum(-1) == 1
    weights = torch.where(single, (allowed.float() * label_weights).sum(-1), torch.ones_like(loss))
    return loss * weights


def compute_loss(outputs: dict, gold: dict, label_weights: torch.Tensor, args: TrainingArguments) -> dict[str, torch.Tensor]:
    zero = outputs["stance"].sum() * 0
    terms = {"claim": zero, "stance": zero, "holder": zero}
    if len(gold["claim"]):
        bce = F.binary_cross_entropy_with_logits(outputs["claim"][gold["claim_index"]], gold["claim"], reduction="none")
        terms["claim"] = (bce * gold["claim_weight"]).sum() / gold["claim_weight"].sum().clamp(min=1e-6)
    if len(gold["allowed"]):
        stance = partial_label_loss(outputs["stance"], gold["allowed"], label_weights)
        terms["stance"] = (stance * gold["stance_weight"]).sum() / gold["stance_weight"].sum().clamp(min=1e-6)
        known = gold["holder"] >= 0
        if known.any():
            ce = F.cross_entropy(outputs["holder"][known], gold["holder"][known], reduction="none")
            w = gold["holder_weight"][known]
            terms["holder"] = (ce * w).sum() / w.sum().clamp(min=1e-6)
    total = args.claim_weight * terms["claim"] + args.stance_weight * terms["stance"] + args.holder_weight * terms["holder"]
    return {"loss": total, **terms}


def train(
    model: StanceModel,
    corpora: Mapping[str, datasets.Dataset] | datasets.Dataset,
    args: TrainingArguments | None = None,
    callbacks: list[Callback] | None = None,
) -> StanceModel:
    """Fine-tune `model` in place on one or several validated corpora; returns it.

    >>> from stance.corpus import load_corpus  # doctest: +SKIP
    >>> train(model, {"authored": load_corpus("corpus/authored/train.jsonl")}, TrainingArguments(epochs=1))  # doctest: +SKIP
    """
    args = args or TrainingArguments()
    callbacks = callbacks if callbacks is not None else [print_progress]
    if isinstance(corpora, datasets.Dataset):
        corpora = {"train": corpora}
    if args.threads:
        torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    labels = model.labels
    model.network.merge_adapters(False)
    label_weights = _label_weights(corpora, labels, args.class_weight_power)
    network = model.network
    encoder_params = [p for n, p in network.named_parameters() if p.requires_grad and n.startswith("encoder.") and "lora_" not in n]
    other_params = [p for n, p in network.named_parameters() if p.requires_grad and not (n.startswith("encoder.") and "lora_" not in n)]
    optimizer = torch.optim.AdamW(
        [{"params": encoder_params, "lr": args.encoder_learning_rate}, {"params": other_params, "lr": args.learning_rate}],
        weight_decay=args.weight_decay,
    )
    per_epoch = sum(args.corpus_limits.get(n, len(d)) for n, d in corpora.items())
    total_steps = args.max_steps or max(1, math.ceil(per_epoch / args.batch_size * args.epochs))
    warmup = int(total_steps * args.warmup_ratio)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / max(1, warmup)) * max(0.0, (total_steps - step) / max(1, total_steps - warmup))
    )
    model.config.max_length = max(model.config.max_length, args.max_length)
    step, epoch, started = 0, 0, time.time()
    running: dict[str, float] = {}
    network.train()
    while step < total_steps:
        for group, packed in _batches(model, _examples(corpora, args, rng), args):
            gold = _targets(group, packed, labels, args)
            losses = compute_loss(network(packed.batch), gold, label_weights, args)
            optimizer.zero_grad()
            losses["loss"].backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            for key, value in losses.items():
                running[key] = running.get(key, 0.0) + value.item()
            if step % args.log_every == 0 or step == total_steps:
                state = {"step": step, "of": total_steps, "epoch": epoch, "seconds": round(time.time() - started, 1)}
                state.update({k: v / args.log_every for k, v in running.items()})
                for callback in callbacks:
                    callback("log", state)
                running = {}
            if step >= total_steps:
                break
        epoch += 1
        for callback in callbacks:
            callback("epoch_end", {"step": step, "epoch": epoch})
    network.eval()
    network.merge_adapters(True)
    previous = model.config.training
    model.config.training = {"arguments": args.to_dict(), "steps": step, "corpora": {n: len(d) for n, d in corpora.items()}}
    if previous:  # a resumed run keeps the history of the stages before it
        model.config.training["previous"] = previous
    for callback in callbacks:
        callback("end", {"step": step})
    return model


def save_arguments(args: TrainingArguments, path: str | Path) -> None:
    Path(path).write_text(json.dumps(args.to_dict(), indent=2) + "\n", encoding="utf-8")
