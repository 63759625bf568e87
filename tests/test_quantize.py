"""int8 quantisation (stance/quantize.py): which layers are quantised, how, and how close the output stays."""

from __future__ import annotations

import torch
from torch import nn

from stance.quantize import FFN_DOWN, quantize_int8


def _linear_kinds(encoder: nn.Module) -> dict[str, str]:
    return {name: type(m).__module__ + "." + type(m).__name__ for name, m in encoder.named_modules() if "Linear" in type(m).__name__}


def test_keep_float_leaves_only_the_ffn_down_projection_in_float(tiny_model):
    encoder = quantize_int8(tiny_model.network.encoder, keep_float=(FFN_DOWN,))
    kinds = _linear_kinds(encoder)
    ffn_down = [n for n in kinds if n.endswith(("output.dense", "output.dense.base")) and ".attention." not in n]
    assert ffn_down and all(kinds[n] == "torch.nn.modules.linear.Linear" for n in ffn_down if not n.endswith("dense"))
    quantized = [n for n, kind in kinds.items() if "quantized" in kind]
    assert any("attention.self.query" in n for n in quantized) and any("intermediate.dense" in n for n in quantized)
    assert not any(n in quantized for n in ffn_down)


def test_per_channel_scales_and_outputs_closer_to_float_than_per_tensor(tiny_model):
    torch.manual_seed(0)
    network = tiny_model.network
    network.merge_adapters(True)
    ids = torch.randint(5, 100, (2, 12))
    mask = torch.ones_like(ids)
    with torch.inference_mode():
        expected = network.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        errors = {}
        for per_channel in (True, False):
            quantized = quantize_int8(network.encoder, per_channel=per_channel)
            got = quantized(input_ids=ids, attention_mask=mask).last_hidden_state
            errors[per_channel] = ((got - expected).norm() / expected.norm()).item()
            layer = quantized.encoder.layer[0].attention.self.query
            scheme = getattr(layer, "base", layer).weight().qscheme()
            assert scheme == (torch.per_channel_affine if per_channel else torch.per_tensor_affine)
    # a random tiny encoder is a hard case for int8; the real one stays far closer (benchmarks/int8_variants.py)
    assert errors[True] < 0.5 and errors[False] < 0.5, errors


def test_per_channel_keeps_small_rows_that_a_shared_scale_rounds_away():
    torch.manual_seed(0)
    layer = nn.Sequential(nn.Linear(64, 8, bias=False))
    with torch.no_grad():
        layer[0].weight[4:] *= 1e-3  # rows of very different range, as after merging a fine-tuned update
    x = torch.randn(32, 64)
    expected = layer(x)[:, 4:]
    error = {pc: ((quantize_int8(layer, per_channel=pc)(x)[:, 4:] - expected).norm() / expected.norm()).item() for pc in (True, False)}
    assert error[True] < 0.05 < error[False], error
