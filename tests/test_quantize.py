"""Weight-only int8 backbone: close to the float model, a quarter of the weight bytes, same public API."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from voxtral_tts import VoxtralTTS
from voxtral_tts.model.quantize import Int8Linear


def test_int8_linear_is_close_to_the_float_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    torch.manual_seed(0)
    lin = nn.Linear(64, 96, bias=True)
    q = Int8Linear(lin)
    x = torch.randn(3, 5, 64)
    ref = lin(x)
    err = (q(x) - ref).abs().max() / ref.abs().max()
    assert err < 0.02 and q.weight.dtype == torch.int8 and q(x).shape == ref.shape

    # The dequantising fallback, for builds without the fused kernel, computes the same thing.
    from voxtral_tts.model import quantize

    fused = q(x)
    monkeypatch.setitem(quantize._FUSED, ("cpu", torch.float32), False)
    torch.testing.assert_close(q(x), fused, rtol=1e-4, atol=1e-4)


def test_int8_model_speaks_like_the_float_one(tiny_dir: Path) -> None:
    f = VoxtralTTS.from_pretrained(tiny_dir, device="cpu")
    q = VoxtralTTS.from_pretrained(tiny_dir, device="cpu", quantize="int8")
    layer = q.model.backbone.layers[0]
    assert isinstance(layer.attention.wq, Int8Linear) and isinstance(layer.feed_forward.w2, Int8Linear)
    prompt = f._request("Compare me.", "tiny_male", None, 0, None, 1.0)[0].prompt[None]
    cf, cq = f.model.backbone.new_cache(1, 64), q.model.backbone.new_cache(1, 64)
    hf, hq = f.model.backbone(prompt, cf), q.model.backbone(prompt, cq)
    assert torch.nn.functional.cosine_similarity(hf.flatten(), hq.flatten(), dim=0) > 0.99
    audio = q.generate("Compare me.", voice="tiny_male", seed=0, max_seconds=1.0)
    assert audio.samples.size > 0
    with pytest.raises(ValueError, match="quantize"):
        VoxtralTTS.from_pretrained(tiny_dir, device="cpu", quantize="int4")
