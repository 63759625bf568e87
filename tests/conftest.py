"""Shared fixtures: a tiny randomly initialised encoder so tests run offline in seconds."""

from __future__ import annotations

import string

import pytest
import torch
from transformers import BertConfig, BertTokenizerFast

from stance.model import StanceModel

# One intra-op thread: the tiny model gains nothing from more, and OpenMP threads that
# spin against another busy process slow every op by an order of magnitude.
torch.set_num_threads(1)

WORDS = (
    "the of and to in a on for with by at from that was is were be has have had it its their they he she "
    "said urged condemned accused praised rejected threatened warned called support backed denied talks "
    "minister president council government officials ministry army troops attack strikes sanctions "
    "russia ukraine monday chile peru india pakistan unsc members thanked"
).split()


def tiny_vocab() -> list[str]:
    chars = list(string.ascii_lowercase + string.digits + string.punctuation) + ["’", "“", "”", "‘", "—", "–"]
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + ["##" + c for c in chars] + WORDS


@pytest.fixture(scope="session")
def tiny_encoder_dir(tmp_path_factory):
    """A folder holding a tiny BERT config, its tokenizer and random weights."""
    folder = tmp_path_factory.mktemp("tiny_encoder")
    (folder / "vocab.txt").write_text("\n".join(tiny_vocab()) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=True)
    tokenizer.save_pretrained(str(folder))
    config = BertConfig(
        vocab_size=len(tiny_vocab()),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    from transformers import BertModel

    torch.manual_seed(0)
    BertModel(config, add_pooling_layer=False).save_pretrained(str(folder))
    return folder


@pytest.fixture(scope="session")
def party_finder():
    from stance.parties import PartyFinder

    return PartyFinder(ner=None)


@pytest.fixture()
def tiny_model(tiny_encoder_dir, party_finder) -> StanceModel:
    torch.manual_seed(0)
    return StanceModel.from_encoder(str(tiny_encoder_dir), max_length=128, party_finder=party_finder)
