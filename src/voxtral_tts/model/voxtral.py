"""The whole Voxtral TTS network: backbone, audio-code embeddings, acoustic transformer and codec."""

from __future__ import annotations

import torch
from torch import nn

from ..config import END_AUDIO, N_AUDIO_SPECIALS, ModelArgs
from .acoustic import AcousticTransformer
from .backbone import Backbone
from .codec import Codec
from .embeddings import AudioCodeEmbedding


class VoxtralModel(nn.Module):
    def __init__(self, args: ModelArgs, with_encoder: bool = True) -> None:
        super().__init__()
        self.args = args
        self.backbone = Backbone(args.backbone)
        self.audio_embeddings = AudioCodeEmbedding(args.audio, args.backbone.dim)
        self.acoustic_transformer = AcousticTransformer(args.audio)
        self.codec = Codec(args.codec, with_encoder=with_encoder)

    @property
    def dtype(self) -> torch.dtype:
        return self.backbone.norm.weight.dtype

    @property
    def device(self) -> torch.device:
        return self.backbone.norm.weight.device

    @property
    def has_encoder(self) -> bool:
        return self.codec.has_encoder

    def embed_frames(self, codes: torch.Tensor) -> torch.Tensor:
        """codes [..., 37] with the +2 offset -> backbone input embeddings [..., dim]."""
        return self.audio_embeddings(codes).to(self.dtype)

    def reference_codes(self, wave: torch.Tensor) -> torch.Tensor:
        """A 1-D reference waveform -> its frames [T + 1, 37] with the +2 offset and a final
        end-of-audio frame (semantic [END_AUDIO], acoustic [EMPTY_AUDIO]), as upstream builds it."""
        codes = self.codec.encode(wave[None].to(self.device))[0].T + N_AUDIO_SPECIALS  # [T, 37]
        eoa = torch.zeros_like(codes[:1])
        eoa[0, 0] = END_AUDIO
        return torch.cat((codes, eoa), dim=0)
