"""Sentences with marked parties -> packed encoder windows -> `EncodedBatch` tensors.

A window is `[CLS] s1 [SEP] s2 [SEP] ...`: consecutive sentences of one document, the
first of which may be read only as context. Each sentence is tokenised once; a party's
mention tokens are those whose character span overlaps the mention.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from stance.encoder import EncodedBatch
from stance.taxonomy import AUTHOR

Span = tuple[int, int]


@dataclass(frozen=True)
class Segment:
    """One sentence of a window; `labelled` is False for a context-only sentence."""

    text: str
    parties: tuple[tuple[str, tuple[Span, ...]], ...]  # (name, mentions) in order
    labelled: bool = True


@dataclass
class TokenizedSegment:
    segment: Segment
    input_ids: list[int]
    party_token_positions: list[list[int]]  # per party, token positions within the segment
    truncated: bool = False
    key: object = None  # the caller's handle for this segment's outputs


@dataclass
class SentencePlan:
    """Where one labelled sentence's outputs come from, for postprocessing."""

    key: object  # the TokenizedSegment's key
    sentence: int  # index into the batch's sentences
    targets: list[str]  # party names with mentions (scored or not), in order
    scored: list[bool]  # False when all of a target's mentions were truncated away
    candidates: list[list[str]]  # per scored target: AUTHOR + candidate holder names
    truncated: bool = False


@dataclass
class PackedBatch:
    batch: EncodedBatch
    plans: list[SentencePlan] = field(default_factory=list)


def tokenize(tokenizer, segments: list[Segment], max_tokens: int, keys: list | None = None) -> list[TokenizedSegment]:
    """Tokenise each segment once (no special tokens) and map mentions to tokens."""
    if not segments:
        return []
    encoded = tokenizer([s.text for s in segments], add_special_tokens=False, return_offsets_mapping=True, return_attention_mask=False)
    result = []
    keys = keys if keys is not None else list(range(len(segments)))
    for key, segment, ids, offsets in zip(keys, segments, encoded["input_ids"], encoded["offset_mapping"]):
        truncated = len(ids) > max_tokens
        ids, offsets = ids[:max_tokens], offsets[:max_tokens]
        positions = []
        for _, mentions in segment.parties:
            positions.append([i for i, (a, b) in enumerate(offsets) if b > a and any(a < end and b > start for start, end in mentions)])
        result.append(TokenizedSegment(segment, list(ids), positions, truncated, key))
    return result


def plan_windows(tokenized: list[TokenizedSegment], max_length: int) -> list[list[TokenizedSegment]]:
    """Pack consecutive segments of one document greedily into windows of <= `max_length` tokens.

    A window that starts with a labelled segment also holds its predecessor as context
    when it fits, so every sentence reads the sentence before it.
    """
    windows: list[list[TokenizedSegment]] = []
    current: list[TokenizedSegment] = []
    length = 1
    for index, item in enumerate(tokenized):
        need = len(item.input_ids) + 1
        if current and length + need > max_length:
            if any(member.segment.labelled for member in current):
                windows.append(current)
            current, length = [], 1
            if item.segment.labelled and index > 0:
                previous = tokenized[index - 1]
                context_need = len(previous.input_ids) + 1
                if 1 + context_need + need <= max_length:
                    current, length = [_as_context(previous)], 1 + context_need
        current.append(item)
        length += need
    if current and any(item.segment.labelled for item in current):
        windows.append(current)
    return windows


def _as_context(item: TokenizedSegment) -> TokenizedSegment:
    segment = Segment(item.segment.text, item.segment.parties, labelled=False)
    return TokenizedSegment(segment, item.input_ids, item.party_token_positions, item.truncated, None)


def window_length(window: list[TokenizedSegment]) -> int:
    return 1 + sum(len(item.input_ids) + 1 for item in window)


def build_batch(windows: list[list[TokenizedSegment]], cls_id: int, sep_id: int, pad_id: int) -> PackedBatch:
    """Tensors and postprocessing plans for a list of windows."""
    width = max(window_length(w) for w in windows)
    input_ids = torch.full((len(windows), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(windows), width), dtype=torch.long)
    markers = torch.zeros((len(windows), width), dtype=torch.long)
    sentence_tokens: list[int] = []
    sentence_segments: list[int] = []
    party_tokens: list[int] = []
    party_segments: list[int] = []
    party_fallback: list[int] = []
    target_party: list[int] = []
    target_sentence: list[int] = []
    candidates: list[list[int]] = []
    plans: list[SentencePlan] = []
    num_sentences = 0
    num_parties = 0
    for w, members in enumerate(windows):
        ids = [cls_id]
        previous_parties: dict[str, int] = {}
        for item in members:
            offset = len(ids)
            ids += item.input_ids + [sep_id]
            sentence = num_sentences
            num_sentences += 1
            for t in range(offset, offset + max(len(item.input_ids), 1)):
                sentence_tokens.append(w * width + t)
                sentence_segments.append(sentence)
            own: dict[str, int] = {}
            for (name, _), positions in zip(item.segment.parties, item.party_token_positions):
                party = num_parties
                num_parties += 1
                party_fallback.append(sentence)
                for p in positions:
                    party_tokens.append(w * width + offset + p)
                    party_segments.append(party)
                    markers[w, offset + p] = 1
                own[name] = party
            if item.segment.labelled:
                context = previous_parties  # empty for a window's first segment
                plan = SentencePlan(item.key, sentence, [], [], [], item.truncated)
                for (name, mentions), positions in zip(item.segment.parties, item.party_token_positions):
                    if not mentions:
                        continue  # a context-only party: a holder, never a target
                    plan.targets.append(name)
                    scored = bool(positions)
                    plan.scored.append(scored)
                    if not scored:
                        continue
                    names = [AUTHOR]
                    indices = [0]
                    for other, party in list(own.items()) + list(context.items()):
                        if other != name and other not in names:
                            names.append(other)
                            indices.append(party + 1)
                    plan.candidates.append(names)
                    candidates.append(indices)
                    target_party.append(own[name])
                    target_sentence.append(sentence)
                plans.append(plan)
            previous_parties = own
        input_ids[w, : len(ids)] = torch.tensor(ids)
        attention[w, : len(ids)] = 1

    width_c = max((len(c) for c in candidates), default=1)
    candidate_tensor = torch.zeros((len(candidates), width_c), dtype=torch.long)
    candidate_mask = torch.zeros((len(candidates), width_c), dtype=torch.bool)
    for i, row in enumerate(candidates):
        candidate_tensor[i, : len(row)] = torch.tensor(row)
        candidate_mask[i, : len(row)] = True
    batch = EncodedBatch(
        input_ids=input_ids,
        attention_mask=attention,
        marker_ids=markers,
        sentence_tokens=torch.tensor(sentence_tokens, dtype=torch.long),
        sentence_segments=torch.tensor(sentence_segments, dtype=torch.long),
        party_tokens=torch.tensor(party_tokens, dtype=torch.long),
        party_segments=torch.tensor(party_segments, dtype=torch.long),
        party_fallback=torch.tensor(party_fallback, dtype=torch.long),
        target_party=torch.tensor(target_party, dtype=torch.long),
        target_sentence=torch.tensor(target_sentence, dtype=torch.long),
        candidates=candidate_tensor,
        candidate_mask=candidate_mask,
        num_sentences=num_sentences,
        num_parties=num_parties,
    )
    return PackedBatch(batch, plans)
