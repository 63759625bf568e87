"""Inference in three stages: preprocess (tokenise, pack windows) -> forward -> postprocess.

Only `_forward` touches the network. Windows are sorted by length and batched with
dynamic padding; outputs are returned by the caller's keys, so input order never depends
on batch composition.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from stance.encoder import StanceNetwork
from stance.features import PackedBatch, Segment, SentencePlan, build_batch, plan_windows, tokenize, window_length
from stance.records import Party, Stance
from stance.storage import ModelConfig


@dataclass(frozen=True)
class SentenceOutput:
    """The model's answer for one labelled segment, before it becomes a SentenceResult."""

    claim_score: float
    stances: dict[str, Stance]  # target -> stance
    truncated: bool


class Pipeline:
    """Runs groups of consecutive segments (one document, or one record) through the network."""

    def __init__(self, network: StanceNetwork, tokenizer, config: ModelConfig) -> None:
        self.network = network
        self.tokenizer = tokenizer
        self.config = config
        self.labels = list(config.labels)

    def __call__(self, groups: list[list[Segment]], keys: list[list[object]], batch_size: int = 32) -> dict[object, SentenceOutput]:
        """Outputs for every labelled segment, by key (`keys` parallels `groups`)."""
        windows = self.preprocess(groups, keys)
        outputs: dict[object, SentenceOutput] = {}
        for packed in self._batches(windows, batch_size):
            raw = self._forward(packed)
            outputs.update(self.postprocess(packed, raw))
        return outputs

    def preprocess(self, groups: list[list[Segment]], keys: list[list[object]]):
        flat_segments = [s for group in groups for s in group]
        flat_keys = [k for group in keys for k in group]
        tokenized = tokenize(self.tokenizer, flat_segments, self.config.max_length - 2, flat_keys)
        windows = []
        start = 0
        for group in groups:
            windows += plan_windows(tokenized[start : start + len(group)], self.config.max_length)
            start += len(group)
        return windows

    def _batches(self, windows, batch_size: int):
        ordered = sorted(windows, key=window_length)
        batch, sentences = [], 0
        for window in ordered:
            batch.append(window)
            sentences += sum(item.segment.labelled for item in window)
            if sentences >= batch_size:
                yield self._pack(batch)
                batch, sentences = [], 0
        if batch:
            yield self._pack(batch)

    def _pack(self, windows) -> PackedBatch:
        t = self.tokenizer
        return build_batch(windows, t.cls_token_id, t.sep_token_id, t.pad_token_id)

    @torch.inference_mode()
    def _forward(self, packed: PackedBatch) -> dict[str, torch.Tensor]:
        self.network.eval()
        device = next(self.network.parameters()).device
        return {k: v.float().cpu() for k, v in self.network(packed.batch.to(device)).items()}

    def postprocess(self, packed: PackedBatch, raw: dict[str, torch.Tensor]) -> dict[object, SentenceOutput]:
        temperatures = self.config.temperatures
        claim = torch.sigmoid(raw["claim"] / temperatures.get("claim", 1.0)).tolist()
        stance = torch.softmax(raw["stance"] / temperatures.get("stance", 1.0), dim=-1).tolist()
        holder = torch.softmax(raw["holder"] / temperatures.get("holder", 1.0), dim=-1).tolist()
        outputs = {}
        target_row = 0
        for plan in packed.plans:
            stances, target_row = self._stances(plan, stance, holder, target_row)
            outputs[plan.key] = SentenceOutput(claim[plan.sentence], stances, plan.truncated)
        return outputs

    def _stances(self, plan: SentencePlan, stance, holder, row: int) -> tuple[dict[str, Stance], int]:
        result = {}
        scored_index = 0
        for target, scored in zip(plan.targets, plan.scored):
            if not scored:
                result[target] = Stance(None, target, "none", 0.0, {}, 0.0, scored=False)
                continue
            probabilities = stance[row]
            best = max(range(len(self.labels)), key=probabilities.__getitem__)
            label = self.labels[best]
            names = plan.candidates[scored_index]
            holder_probs = holder[row][: len(names)]
            chosen = max(range(len(names)), key=holder_probs.__getitem__)
            result[target] = Stance(
                holder=None if label == "none" else names[chosen],
                target=target,
                label=label,
                score=round(probabilities[best], 6),
                scores={name: round(p, 6) for name, p in zip(self.labels, probabilities)},
                holder_score=0.0 if label == "none" else round(holder_probs[chosen], 6),
            )
            row += 1
            scored_index += 1
        return result, row


def segment_of(text: str, parties: list[Party], labelled: bool = True) -> Segment:
    return Segment(text, tuple((p.name, tuple(p.mentions)) for p in parties), labelled)
