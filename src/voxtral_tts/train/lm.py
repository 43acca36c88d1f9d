"""LM training: the backbone and the acoustic transformer learn together on a frozen codec's frames.

Each example is exactly an inference prompt followed by the utterance's frames:

    [BOS] [BEGIN_AUDIO] voice rows ... [NEXT_AUDIO_TEXT] text [REPEAT_AUDIO_TEXT] [BEGIN_AUDIO] f_0 ... f_{T-1}

where the voice rows are the summed code embeddings of other utterances of the same speaker (or a crop
of the same one, for a speaker with one utterance) plus an end-of-audio frame, as the encoder path
builds them at inference.
The hidden state before frame k predicts its semantic token (cross-entropy; after the last frame,
[END_AUDIO]) and conditions a flow-matching loss on its acoustic values. The condition is dropped to
zero with probability `p_uncond`, which is the unconditional branch classifier-free guidance uses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..config import (
    AUDIO_ID,
    BEGIN_AUDIO_ID,
    BOS_ID,
    END_AUDIO,
    N_AUDIO_SPECIALS,
    NEXT_AUDIO_TEXT_ID,
    REPEAT_AUDIO_TEXT_ID,
)
from ..model import VoxtralModel
from ..model.quantizers import fsq_values
from .align import TextSpan, guided_attention_loss, tap_attention_inputs


@dataclass
class FrameItem:
    """One encoded utterance: codes [T, 1 + acoustic_dim] with the +2 special offset."""

    codes: np.ndarray
    text: str
    speaker: str
    lang: str = ""


@dataclass
class Example:
    ids: list[int]  # the prompt's token ids, with N [AUDIO] slots
    ref: torch.Tensor  # [N, 1 + acoustic_dim] codes for the slots (the last is the end-of-audio frame)
    target: torch.Tensor  # [T, 1 + acoustic_dim] codes of the utterance to generate

    def span(self) -> TextSpan:
        """Where the text and the frames sit in the training sequence (the layout of `prompt_ids`)."""
        start = self.ids.index(NEXT_AUDIO_TEXT_ID) + 1
        return TextSpan(start, len(self.ids) - 2, len(self.ids) - 1, self.target.shape[0])


@dataclass(frozen=True)
class AlignSpec:
    """Which heads carry the guided-attention prior (`train.align`), and how wide the diagonal is."""

    layers: tuple[int, ...]
    heads: int
    width: float


def prompt_ids(text_ids: list[int], n_slots: int) -> list[int]:
    """The speech prompt layout mistral-common produces (spec §1.2); a test checks they agree."""
    return (
        [BOS_ID, BEGIN_AUDIO_ID]
        + [AUDIO_ID] * n_slots
        + [NEXT_AUDIO_TEXT_ID]
        + list(text_ids)
        + [REPEAT_AUDIO_TEXT_ID, BEGIN_AUDIO_ID]
    )


def eoa_frame(n_codebooks: int) -> torch.Tensor:
    f = torch.zeros(1, n_codebooks, dtype=torch.long)
    f[0, 0] = END_AUDIO
    return f


class ExampleBuilder:
    """Turns corpus items into training examples, choosing each voice prompt at random."""

    def __init__(self, items: list[FrameItem], encode_text, min_ref: int, max_ref: int) -> None:
        self.items = items
        self.encode_text = encode_text
        self.min_ref, self.max_ref = min_ref, max_ref
        self.by_speaker: dict[str, list[int]] = {}
        for i, it in enumerate(items):
            self.by_speaker.setdefault(it.speaker, []).append(i)
        self._text_cache: dict[int, list[int]] = {}

    def text_ids(self, index: int) -> list[int]:
        if index not in self._text_cache:
            self._text_cache[index] = self.encode_text(self.items[index].text)
        return self._text_cache[index]

    def length(self, index: int) -> int:
        """Sequence length without the voice prompt, which is what varies from item to item."""
        return len(self.text_ids(index)) + self.items[index].codes.shape[0]

    def ref_length(self, rng: random.Random) -> int:
        return rng.randint(self.min_ref, self.max_ref)

    def build(self, index: int, rng: random.Random, ref_length: int | None = None) -> Example:
        """`ref_length` frames of voice prompt (drawn when not given; a batch shares one, so it pads
        little). The prompt joins other utterances of the speaker until it is long enough, because
        single clips are shorter than the 3-25 s references used at inference."""
        item = self.items[index]
        target = torch.from_numpy(item.codes.astype(np.int64))
        length = ref_length if ref_length is not None else self.ref_length(rng)
        others = [j for j in self.by_speaker[item.speaker] if j != index]
        rng.shuffle(others)
        parts, have = [], 0
        for j in others:
            parts.append(self.items[j].codes)
            have += parts[-1].shape[0]
            if have >= length:
                break
        source = np.concatenate(parts) if parts else item.codes
        length = min(length, source.shape[0])
        start = rng.randint(0, source.shape[0] - length)
        ref = torch.from_numpy(source[start : start + length].astype(np.int64))
        ref = torch.cat([ref, eoa_frame(ref.shape[1])])
        return Example(prompt_ids(self.text_ids(index), ref.shape[0]), ref, target)


def prompt_embeddings(model: VoxtralModel, ex: Example) -> torch.Tensor:
    """[P, dim] input embeddings of an example's prompt, with its voice frames in the [AUDIO] slots."""
    ids = torch.tensor(ex.ids, device=model.device)
    emb = model.backbone.tok_embeddings(ids)
    slots = ids == AUDIO_ID
    return emb.masked_scatter(slots[:, None], model.audio_embeddings(ex.ref.to(model.device)).to(emb.dtype))


def noisy_history(target: torch.Tensor, generator: torch.Generator, max_sigma: float, levels: int) -> torch.Tensor:
    """The frames [T, 1 + acoustic] as the backbone reads them back, their acoustic levels moved by rounded
    Gaussian noise of a spread drawn per example from [0, max_sigma] levels.

    At inference the backbone reads the flow head's samples, never the true values. Trained only on the
    true ones, it keys on their exact levels: a model that had memorised 48 clips (semantic accuracy 1.00
    teacher-forced) left them within 1-3 frames of free running, from samples about one level off
    (`recipes/default/where_lost.py`, model card)."""
    sigma = float(torch.rand((), generator=generator)) * max_sigma
    shift = (torch.randn(target[:, 1:].shape, generator=generator) * sigma).round().to(target.dtype)
    acoustic = (target[:, 1:] - N_AUDIO_SPECIALS + shift).clamp(0, levels - 1) + N_AUDIO_SPECIALS
    return torch.cat([target[:, :1], acoustic], dim=1)


def lm_losses(
    model: VoxtralModel,
    batch: list[Example],
    generator: torch.Generator,
    p_uncond: float,
    sigma_min: float = 1e-5,
    align: AlignSpec | None = None,
    readout: torch.nn.Module | None = None,
    input_noise: float = 0.0,
    fm_samples: int = 1,
) -> dict[str, torch.Tensor]:
    """Semantic cross-entropy and the conditional flow-matching loss for a batch of examples, with `align`
    the guided-attention loss of its heads, with `readout` (a map from the backbone state to the frame's
    acoustic values, training only) that map's squared error, and with `input_noise` the frames read back
    corrupted (`noisy_history`); the targets stay clean. The flow loss averages `fm_samples` draws of time,
    noise and condition drop per frame."""
    device = model.device
    dim = model.args.backbone.dim
    levels = model.acoustic_transformer.levels
    seqs, spans = [], []
    for ex in batch:
        emb = prompt_embeddings(model, ex)
        history = noisy_history(ex.target, generator, input_noise, levels) if input_noise > 0 else ex.target
        frames = model.audio_embeddings(history.to(device)).to(emb.dtype)
        seqs.append(torch.cat([emb, frames]))
        spans.append((len(ex.ids) - 1, ex.target.shape[0]))
    S = max(s.shape[0] for s in seqs)
    x = torch.zeros(len(batch), S, dim, device=device, dtype=seqs[0].dtype)
    for i, s in enumerate(seqs):
        x[i, : s.shape[0]] = s
    with tap_attention_inputs(model.backbone, align.layers if align else ()) as tapped:
        hidden = model.backbone.forward_train(x)

    # Position p0 + k predicts frame k (k < T) and, at k = T, [END_AUDIO].
    h_sem, sem_target, h_fm, fm_target = [], [], [], []
    for i, (p0, T) in enumerate(spans):
        h = hidden[i, p0 : p0 + T + 1]
        h_sem.append(h)
        codes = batch[i].target.to(device)
        sem_target.append(torch.cat([codes[:, 0], torch.tensor([END_AUDIO], device=device)]))
        h_fm.append(h[:T])
        fm_target.append(codes[:, 1:])
    h_sem = torch.cat(h_sem)
    logits = model.acoustic_transformer.semantic_logits(h_sem)
    ce = F.cross_entropy(logits, torch.cat(sem_target))

    fm = model.acoustic_transformer
    h = torch.cat(h_fm)
    levels = torch.cat(fm_target) - N_AUDIO_SPECIALS
    x1 = fsq_values(levels, fm.levels).to(h.dtype)
    out = {"readout": F.mse_loss(readout(h).float(), x1.float())} if readout is not None else {}
    if fm_samples > 1:
        h, x1 = h.repeat(fm_samples, 1), x1.repeat(fm_samples, 1)
    n = h.shape[0]
    keep = (torch.rand(n, generator=generator) >= p_uncond).to(device=device, dtype=h.dtype)[:, None]
    t = torch.rand(n, generator=generator).to(device=device, dtype=h.dtype)
    x0 = torch.randn(x1.shape, generator=generator).to(device=device, dtype=h.dtype)
    # Optimal-transport path from noise (t = 0) to data (t = 1), which inference integrates with Euler.
    xt = (1 - (1 - sigma_min) * t[:, None]) * x0 + t[:, None] * x1
    v_target = x1 - (1 - sigma_min) * x0
    t_proj = fm.time_projection(fm.time_embedding(t).to(h.dtype))
    v = fm.velocity(xt, t_proj, fm.llm_projection(h * keep))
    fm_loss = F.mse_loss(v.float(), v_target.float())
    with torch.no_grad():
        acc = (logits.argmax(-1) == torch.cat(sem_target)).float().mean()
    out.update(ce=ce, fm=fm_loss, acc=acc)
    if align is not None:
        out["align"] = guided_attention_loss(
            model.backbone, tapped, [ex.span() for ex in batch], align.heads, align.width
        )
    return out


def spoken_transcripts(items: list[FrameItem]) -> list[FrameItem]:
    """Transcripts as inference sends them to the LM: normalised (numbers, dates and symbols as words) and
    ending in punctuation. Trained on the raw text, the model would learn to read "23" from the few clips that
    hold it, then meet "twenty-three" at inference."""
    from ..longform import end_sentence
    from ..text.normalize import LANGUAGES, guess_language, normalize

    out = []
    for it in items:
        lang = it.lang if it.lang in LANGUAGES else guess_language(it.text)
        out.append(replace(it, text=end_sentence(normalize(it.text, lang), lang)))
    return out


def load_frame_corpus(folder: str | Path, max_frames: int) -> list[FrameItem]:
    """Read the output of `voxtral-tts data encode`."""
    from ..data.frames import read_frames  # written by the data pipeline

    items = [FrameItem(codes=c, text=t, speaker=s, lang=lang) for c, t, s, lang in read_frames(folder)]
    return [it for it in items if 0 < it.codes.shape[0] <= max_frames]


# -- the training run ---------------------------------------------------------------------------


class LMTrainModule(torch.nn.Module):
    """Wraps the model so DDP/FSDP see one forward that returns the losses."""

    def __init__(self, model: VoxtralModel, readout: torch.nn.Module | None = None) -> None:
        super().__init__()
        self.model = model
        self.readout = readout

    def forward(
        self,
        batch: list[Example],
        generator: torch.Generator,
        p_uncond: float,
        sigma_min: float,
        align: AlignSpec | None = None,
        input_noise: float = 0.0,
        fm_samples: int = 1,
    ):
        return lm_losses(
            self.model, batch, generator, p_uncond, sigma_min, align, self.readout, input_noise, fm_samples
        )


def acoustic_readout(model: VoxtralModel) -> torch.nn.Linear:
    """The training-only readout of `LMConfig.readout_weight`: backbone state -> the frame's acoustic values."""
    fm = model.acoustic_transformer
    return torch.nn.Linear(model.args.backbone.dim, fm.n_acoustic).to(model.device)


@torch.no_grad()
def init_lm_weights(model: VoxtralModel, seed: int) -> None:
    """GPT-style init for the parts the LM stage trains: N(0, 0.02), output projections scaled by depth."""
    g = torch.Generator().manual_seed(seed)
    n_layers = model.args.backbone.n_layers
    for module in (model.backbone, model.audio_embeddings, model.acoustic_transformer):
        for name, p in module.named_parameters():
            if p.dim() == 1:
                p.fill_(1.0)  # norm gains
            else:
                std = 0.02
                if name.endswith(("wo.weight", "w2.weight")):
                    std = 0.02 / (2 * n_layers) ** 0.5
                p.copy_(torch.randn(p.shape, generator=g) * std)
