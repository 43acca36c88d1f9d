"""Weight-only int8 for the backbone's linear layers: a quarter of fp32's bytes, half of bf16's.

Decoding one frame reads every backbone weight once, so on memory-bound hardware (a CPU; a GPU at small
batches) fewer weight bytes are fewer milliseconds. Each output channel gets its own scale (absmax / 127);
activations stay in the model's dtype. The acoustic transformer and the semantic head are left alone: the
ODE's velocities and the fp32 semantic logits are where precision matters most (spec §2).
"""

from __future__ import annotations

import torch
from torch import nn

_FUSED: dict[tuple[str, torch.dtype], bool] = {}


def fused_available(device: str, dtype: torch.dtype) -> bool:
    """Whether this torch build has the fused int8-weight matmul for the device and activation dtype; probed
    once per pair on a tiny input, so the decode loop never pays for a failed call."""
    key = (device, dtype)
    if key not in _FUSED:
        try:
            x = torch.ones(1, 32, dtype=dtype, device=device)
            w = torch.ones(8, 32, dtype=torch.int8, device=device)
            torch._weight_int8pack_mm(x, w, torch.ones(8, dtype=dtype, device=device))
            _FUSED[key] = True
        except (RuntimeError, NotImplementedError, AttributeError):  # no such kernel here: dequantise instead
            _FUSED[key] = False
    return _FUSED[key]


class Int8Linear(nn.Module):
    """A frozen nn.Linear stored as int8 weights with one scale per output channel."""

    def __init__(self, linear: nn.Linear) -> None:
        super().__init__()
        w = linear.weight.detach().float()
        scale = w.abs().amax(dim=1).clamp(min=1e-8) / 127
        self.register_buffer("weight", (w / scale[:, None]).round().clamp(-127, 127).to(torch.int8))
        self.register_buffer("scale", scale.to(linear.weight.dtype))
        self.bias = None if linear.bias is None else nn.Parameter(linear.bias.detach(), requires_grad=False)
        self.in_features, self.out_features = linear.in_features, linear.out_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        flat = x.reshape(-1, self.in_features)
        if fused_available(x.device.type, x.dtype):
            y = torch._weight_int8pack_mm(flat, self.weight, self.scale.to(x.dtype))
        else:
            y = flat @ (self.weight.to(x.dtype) * self.scale.to(x.dtype)[:, None]).T
        if self.bias is not None:
            y = y + self.bias
        return y.reshape(*x.shape[:-1], self.out_features)


def quantize_backbone_int8(model: nn.Module) -> int:
    """Replace every nn.Linear inside `model.backbone.layers` by an Int8Linear; returns how many."""
    n = 0
    for layer in model.backbone.layers:
        for parent in (layer.attention, layer.feed_forward):
            for name, child in list(parent.named_children()):
                if isinstance(child, nn.Linear):
                    setattr(parent, name, Int8Linear(child))
                    n += 1
    return n
