"""Dynamic int8 quantisation of the encoder's linear layers, for faster CPU inference.

Weights are stored in int8 and activations are quantised on the fly, batch by batch
(`torch.ao.quantization.quantize_dynamic`). Two choices decide the accuracy cost:

- ``per_channel``: one scale per output row of a weight instead of one per matrix; rows
  of a fine-tuned (LoRA-merged) weight differ in range, so one shared scale wastes bits;
- ``keep_float``: layers left in float32, as regular expressions that must match the end
  of the layer's name (``FFN_DOWN`` = the feed-forward down-projection of every layer, which
  reads GELU outputs, the widest-ranged activations int8 has to cut).

    >>> from torch import nn
    >>> encoder = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 2))
    >>> [type(m).__name__ for m in quantize_int8(encoder, keep_float=(r"2",))]
    ['Linear', 'ReLU', 'Linear']
"""

from __future__ import annotations

import re
import warnings

import torch
from torch import nn

FFN_DOWN = r"layer\.\d+\.output\.dense"  # not attention.output.dense
DEFAULT_PER_CHANNEL = True
DEFAULT_KEEP_FLOAT: tuple[str, ...] = (FFN_DOWN,)  # benchmarks/int8_variants.py: the only variant within 1 point everywhere


def _keep(name: str, keep_float: tuple[str, ...]) -> bool:
    """Whether a pattern matches the end of `name` at a dotted boundary (the LoRA wrapper's `.base` ignored).

    >>> _keep("encoder.layer.3.output.dense.base", (FFN_DOWN,)), _keep("encoder.layer.3.attention.output.dense", (FFN_DOWN,))
    (True, False)
    """
    name = name.removesuffix(".base")
    return any(re.search(rf"(?:^|\.){pattern}$", name) for pattern in keep_float)


def quantize_int8(encoder: nn.Module, per_channel: bool = DEFAULT_PER_CHANNEL, keep_float: tuple[str, ...] = DEFAULT_KEEP_FLOAT) -> nn.Module:
    """`encoder` with its linear layers (except `keep_float`) dynamically quantised to int8."""
    qconfig = torch.ao.quantization.per_channel_dynamic_qconfig if per_channel else torch.ao.quantization.default_dynamic_qconfig
    names = {name: qconfig for name, module in encoder.named_modules() if isinstance(module, nn.Linear) and not _keep(name, keep_float) and name}
    if not names:
        return encoder
    with warnings.catch_warnings():  # torch 2.13 marks torch.ao quantisation deprecated (torchao replaces it); it still works
        warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*deprecated")
        warnings.filterwarnings("ignore", message=".*torch.ao.quantization is deprecated")
        return torch.ao.quantization.quantize_dynamic(encoder, names, dtype=torch.qint8)
