"""Whisper's text decoder in torch, with weights read from a CTranslate2 `model.bin`.

The paper distils the codec's semantic branch toward Whisper *decoder* hidden states, aligned to codec
frames through cross-attention (spec §7). CTranslate2, which runs our Whisper judge, exposes the encoder
and the alignment but not decoder states, so this module runs the decoder itself: six pre-norm blocks,
teacher-forced on the known transcript, fed the encoder output that CTranslate2 computes.

The reader knows the file layout of CTranslate2 4.x (binary version 6): a header, then each variable as
name, shape, dtype and raw bytes.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import VoxtralError

_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_ct2(path: str | Path, prefix: str = "") -> dict[str, np.ndarray]:
    """The variables of a CTranslate2 model.bin whose names start with `prefix`, as numpy arrays."""
    path = Path(path)
    buf = path.read_bytes()
    pos = 0

    def take(fmt: str) -> tuple:
        nonlocal pos
        out = struct.unpack_from(fmt, buf, pos)
        pos += struct.calcsize(fmt)
        return out

    def text() -> str:
        nonlocal pos
        (n,) = take("<H")
        s = buf[pos : pos + n - 1].decode()
        pos += n
        return s

    try:
        (version,) = take("<I")
        if version < 5:
            raise VoxtralError(f"{path}: CTranslate2 binary version {version} is too old (need 5 or later)")
        text()  # spec name
        take("<I")  # spec revision
        (count,) = take("<I")
        out: dict[str, np.ndarray] = {}
        for _ in range(count):
            name = text()
            (rank,) = take("<B")
            shape = take("<" + "I" * rank)
            (dtype,) = take("<B")
            (nbytes,) = take("<I")
            if name.startswith(prefix) and dtype in _DTYPES:
                out[name] = np.frombuffer(buf, _DTYPES[dtype], nbytes // np.dtype(_DTYPES[dtype]).itemsize, pos)
                out[name] = out[name].reshape(shape)
            pos += nbytes
    except (struct.error, ValueError):  # a read past the end of the buffer
        raise VoxtralError(f"{path}: truncated CTranslate2 model file") from None
    return out


class WhisperTextDecoder(torch.nn.Module):
    """Whisper's decoder, teacher-forced: tokens and encoder states in, final hidden states out."""

    def __init__(self, weights: dict[str, np.ndarray], heads: int = 8) -> None:
        super().__init__()
        self.heads = heads
        self.w = {k.removeprefix("decoder/"): torch.from_numpy(v.astype(np.float32)) for k, v in weights.items()}
        self.layers = 0
        while f"layer_{self.layers}/ffn/linear_0/weight" in self.w:
            self.layers += 1
        if not self.layers or "embeddings/weight" not in self.w:
            raise VoxtralError("the CTranslate2 model holds no Whisper decoder weights")

    @classmethod
    def from_ct2(cls, model_bin: str | Path) -> WhisperTextDecoder:
        w = read_ct2(model_bin, "decoder/")
        heads = int(w["decoder/num_heads"]) if "decoder/num_heads" in w else 8
        return cls({k: v for k, v in w.items() if v.ndim > 0}, heads)

    @property
    def dim(self) -> int:
        return self.w["embeddings/weight"].shape[1]

    def _lin(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return F.linear(x, self.w[f"{name}/weight"], self.w.get(f"{name}/bias"))

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return F.layer_norm(x, (x.shape[-1],), self.w[f"{name}/gamma"], self.w[f"{name}/beta"], 1e-5)

    def _attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool) -> torch.Tensor:
        split = lambda t: t.unflatten(-1, (self.heads, -1)).transpose(0, 1)  # noqa: E731
        out = F.scaled_dot_product_attention(split(q), split(k), split(v), is_causal=causal)
        return out.transpose(0, 1).flatten(-2)

    @torch.no_grad()
    def forward(self, tokens: torch.Tensor, encoded: torch.Tensor) -> torch.Tensor:
        """tokens [L], encoded [frames, dim] -> hidden states [L, dim] after the final norm."""
        x = self.w["embeddings/weight"][tokens] + self.w["position_encodings/encodings"][: len(tokens)]
        for i in range(self.layers):
            p = f"layer_{i}"
            h = self._norm(x, f"{p}/self_attention/layer_norm")
            q, k, v = self._lin(h, f"{p}/self_attention/linear_0").chunk(3, -1)
            x = x + self._lin(self._attend(q, k, v, True), f"{p}/self_attention/linear_1")
            h = self._norm(x, f"{p}/attention/layer_norm")
            q = self._lin(h, f"{p}/attention/linear_0")
            k, v = self._lin(encoded, f"{p}/attention/linear_1").chunk(2, -1)
            x = x + self._lin(self._attend(q, k, v, False), f"{p}/attention/linear_2")
            h = self._norm(x, f"{p}/ffn/layer_norm")
            x = x + self._lin(F.gelu(self._lin(h, f"{p}/ffn/linear_0")), f"{p}/ffn/linear_1")
        return self._norm(x, "layer_norm")

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        return hidden @ self.w["embeddings/weight"].T
