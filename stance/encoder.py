"""The network: a transformer encoder with marked party mentions and three heads.

One forward pass reads a window of consecutive sentences (each sentence sees its
neighbours through attention, so the previous sentence is context for free). Party
mention tokens get a learned marker embedding added to their input embedding, so all
parties of a window are marked at once. From the hidden states:

- claim head: mean of a sentence's tokens -> one logit;
- stance head: [party mean, sentence mean] -> one logit per stance label;
- holder head: scores AUTHOR and every candidate party for each target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from transformers import AutoConfig, AutoModel, PretrainedConfig

LORA_TARGETS = ("query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense")


class LoRALinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update `B @ A` (LoRA)."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.scaling = alpha / rank
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        self.merged = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.merged:
            return self.base(x)
        return self.base(x) + (x @ self.lora_a.T @ self.lora_b.T) * self.scaling

    @torch.no_grad()
    def merge(self, merged: bool = True) -> None:
        """Fold the update into the base weight (inference at plain-encoder cost), or take it out again."""
        if merged != self.merged:
            delta = (self.lora_b @ self.lora_a) * self.scaling
            self.base.weight += delta if merged else -delta
            self.merged = merged


def add_lora(module: nn.Module, rank: int, alpha: float) -> None:
    """Replace the encoder's attention and feed-forward linears by LoRA-wrapped ones."""
    for name, child in list(module.named_modules()):
        if isinstance(child, nn.Linear) and name.endswith(LORA_TARGETS) and "pooler" not in name:
            parent_name, _, attr = name.rpartition(".")
            parent = module.get_submodule(parent_name) if parent_name else module
            setattr(parent, attr, LoRALinear(child, rank, alpha))


@dataclass
class EncodedBatch:
    """Tensors for one batch of windows; `S` sentences, `P` parties, `N` targets, `C` candidates."""

    input_ids: torch.Tensor  # [B, T]
    attention_mask: torch.Tensor  # [B, T]
    marker_ids: torch.Tensor  # [B, T] 0 plain token, 1 party mention token
    sentence_tokens: torch.Tensor  # [K_s] flat token indices (b * T + t)
    sentence_segments: torch.Tensor  # [K_s] sentence index of each
    party_tokens: torch.Tensor  # [K_p] flat token indices
    party_segments: torch.Tensor  # [K_p] party index of each
    party_fallback: torch.Tensor  # [P] sentence index whose mean stands in for an unlocated party
    target_party: torch.Tensor  # [N] party index of each target
    target_sentence: torch.Tensor  # [N] sentence index of each target
    candidates: torch.Tensor  # [N, C] 0 = AUTHOR, i + 1 = party i
    candidate_mask: torch.Tensor  # [N, C] True where a candidate exists
    num_sentences: int
    num_parties: int

    def to(self, device: torch.device | str) -> "EncodedBatch":
        moved = {k: (v.to(device) if isinstance(v, torch.Tensor) else v) for k, v in self.__dict__.items()}
        return EncodedBatch(**moved)


def segment_mean(hidden: torch.Tensor, tokens: torch.Tensor, segments: torch.Tensor, count: int) -> torch.Tensor:
    """Mean of `hidden[tokens]` per segment id -> [count, H]; empty segments stay zero."""
    sums = hidden.new_zeros(count, hidden.size(-1)).index_add_(0, segments, hidden[tokens])
    sizes = hidden.new_zeros(count).index_add_(0, segments, hidden.new_ones(len(segments)))
    return sums / sizes.clamp(min=1).unsqueeze(-1)


class StanceNetwork(nn.Module):
    """Encoder + claim, stance and holder heads over one pass per window."""

    def __init__(self, encoder_config: PretrainedConfig, num_labels: int, lora_rank: int = 0, lora_alpha: float = 16.0):
        super().__init__()
        self.encoder = AutoModel.from_config(encoder_config, add_pooling_layer=False)
        hidden = encoder_config.hidden_size
        self.marker_embedding = nn.Embedding(2, hidden)
        nn.init.normal_(self.marker_embedding.weight, std=0.02)
        self.author = nn.Parameter(torch.randn(hidden) * 0.02)
        self.claim_head = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh(), nn.Dropout(0.1), nn.Linear(hidden, 1))
        self.stance_head = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.Tanh(), nn.Dropout(0.1), nn.Linear(hidden, num_labels))
        self.holder_head = nn.Sequential(nn.Linear(4 * hidden, hidden), nn.Tanh(), nn.Linear(hidden, 1))
        self.lora_rank = lora_rank
        if lora_rank > 0:
            for parameter in self.encoder.parameters():
                parameter.requires_grad = False
            add_lora(self.encoder, lora_rank, lora_alpha)

    @classmethod
    def from_encoder(cls, name_or_path: str, num_labels: int, lora_rank: int = 0, lora_alpha: float = 16.0):
        """Heads freshly initialised on top of pretrained encoder weights."""
        network = cls(AutoConfig.from_pretrained(name_or_path), num_labels, 0)
        pretrained = AutoModel.from_pretrained(name_or_path, add_pooling_layer=False)
        network.encoder.load_state_dict(pretrained.state_dict())
        if lora_rank > 0:
            for parameter in network.encoder.parameters():
                parameter.requires_grad = False
            add_lora(network.encoder, lora_rank, lora_alpha)
            network.lora_rank = lora_rank
        return network

    def forward(self, batch: EncodedBatch) -> dict[str, torch.Tensor]:
        embeddings = self.encoder.get_input_embeddings()(batch.input_ids)
        embeddings = embeddings + self.marker_embedding(batch.marker_ids)
        hidden = self.encoder(inputs_embeds=embeddings, attention_mask=batch.attention_mask).last_hidden_state
        flat = hidden.reshape(-1, hidden.size(-1))  # [B * T, H]
        sentences = segment_mean(flat, batch.sentence_tokens, batch.sentence_segments, batch.num_sentences)
        parties = segment_mean(flat, batch.party_tokens, batch.party_segments, batch.num_parties)
        located = torch.zeros(batch.num_parties, dtype=torch.bool, device=flat.device)
        located[batch.party_segments] = True
        parties = torch.where(located.unsqueeze(-1), parties, sentences[batch.party_fallback])
        claim_logits = self.claim_head(sentences).squeeze(-1)  # [S]
        target = parties[batch.target_party]  # [N, H]
        sentence = sentences[batch.target_sentence]  # [N, H]
        stance_logits = self.stance_head(torch.cat([target, sentence], dim=-1))  # [N, L]
        with_author = torch.cat([self.author.unsqueeze(0), parties], dim=0)  # [P + 1, H]
        candidates = with_author[batch.candidates]  # [N, C, H]
        expanded = target.unsqueeze(1).expand_as(candidates)
        context = sentence.unsqueeze(1).expand_as(candidates)
        pair = torch.cat([expanded, candidates, expanded * candidates, context], dim=-1)
        holder_logits = self.holder_head(pair).squeeze(-1).masked_fill(~batch.candidate_mask, -1e4)  # [N, C]
        return {"claim": claim_logits, "stance": stance_logits, "holder": holder_logits}

    def merge_adapters(self, merged: bool = True) -> None:
        """Merge LoRA updates for inference (`True`) or separate them for training (`False`)."""
        for module in self.modules():
            if isinstance(module, LoRALinear):
                module.merge(merged)

    def trained_state(self) -> dict[str, torch.Tensor]:
        """The weights training changed: everything with LoRA off, adapters and heads with it on."""
        state = self.state_dict()
        if self.lora_rank == 0:
            return state
        return {k: v for k, v in state.items() if not k.startswith("encoder.") or "lora_" in k}
