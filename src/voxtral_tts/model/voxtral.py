"""The whole Voxtral TTS network: backbone, audio-code embeddings, acoustic transformer and codec."""

from __future__ import annotations

import torch
from torch import nn

from ..config import END_AUDIO, N_AUDIO_SPECIALS, ModelArgs
from .acoustic import AcousticTransformer
from .backbone import Backbone
from .codec import Codec
from .embeddings import AudioCodeEmbedding
from .envelope import PinnedLatent
from .quantizers import fsq_levels


class VoxtralModel(nn.Module):
    def __init__(self, args: ModelArgs, with_encoder: bool = True) -> None:
        super().__init__()
        self.args = args
        self.backbone = Backbone(args.backbone)
        self.audio_embeddings = AudioCodeEmbedding(args.audio, args.backbone.dim)
        self.acoustic_transformer = AcousticTransformer(args.audio)
        self.codec = Codec(args.codec, with_encoder=with_encoder)
        self.use_pinned(None)

    @property
    def dtype(self) -> torch.dtype:
        return self.backbone.norm.weight.dtype

    @property
    def device(self) -> torch.device:
        return self.backbone.norm.weight.device

    @property
    def pinned(self) -> PinnedLatent | None:
        """A pinned codec's envelope (`load_model` reads it from pinned_latent.json), or None."""
        return self.__dict__["_pinned"]

    def use_pinned(self, envelope: PinnedLatent | None) -> None:
        # Kept out of the module tree: its statistics are not among the official tensors, so the state dict,
        # and every checkpoint written from it, stays the official one.
        self.__dict__["_pinned"] = envelope

    @property
    def has_encoder(self) -> bool:
        return self.codec.has_encoder

    def embed_frames(self, codes: torch.Tensor) -> torch.Tensor:
        """codes [..., 37] with the +2 offset -> backbone input embeddings [..., dim]."""
        return self.audio_embeddings(codes).to(self.dtype)

    def audio_codes(self, wave: torch.Tensor, envelope: bool = True) -> torch.Tensor:
        """A 1-D waveform -> its frames [T, 37] with the +2 offset. The semantic code is the encoder's. For a
        pinned codec (and `envelope`), the acoustic levels are the waveform's true envelope, as in the frames
        its LM learnt from; otherwise the encoder's."""
        with torch.inference_mode():
            codes = self.codec.encode(wave[None].to(self.device))[0].T + N_AUDIO_SPECIALS
            if envelope and self.pinned is not None:
                T, spf = codes.shape[0], self.args.codec.samples_per_frame
                x = torch.nn.functional.pad(wave.float().cpu(), (0, T * spf - wave.shape[-1]))[None]
                levels = fsq_levels(self.pinned(x, T)[0].T, self.args.codec.acoustic_codebook_size)
                codes[:, 1:] = levels.to(codes) + N_AUDIO_SPECIALS
        return codes

    def reference_codes(self, wave: torch.Tensor) -> torch.Tensor:
        """A 1-D reference waveform -> its frames [T + 1, 37] with the +2 offset and a final
        end-of-audio frame (semantic [END_AUDIO], acoustic [EMPTY_AUDIO]), as upstream builds it."""
        codes = self.audio_codes(wave)  # [T, 37]
        eoa = torch.zeros_like(codes[:1])
        eoa[0, 0] = END_AUDIO
        return torch.cat((codes, eoa), dim=0)
