"""The LM's training-only aids: guided attention (voxtral_tts.train.align), the diagonal prior its text-reading
heads train under, and the acoustic readout (`readout_weight`)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
import torch

from voxtral_tts.checkpoint import load_model
from voxtral_tts.config import BEGIN_AUDIO_ID
from voxtral_tts.train.align import diagonal_penalty, guided_attention_loss, tap_attention_inputs
from voxtral_tts.train.config import LMConfig, LMDataConfig, OptimConfig, RunConfig
from voxtral_tts.train.lm import AlignSpec, ExampleBuilder, FrameItem, lm_losses
from voxtral_tts.train.lm_run import train_lm


@pytest.fixture(scope="module")
def corpus() -> list[FrameItem]:
    rng = np.random.default_rng(1)
    items = []
    for i in range(8):
        T = int(rng.integers(15, 30))
        c = np.zeros((T, 37), np.int16)
        c[:, 0] = 2 + (np.arange(T) * 3 + i) % 50
        c[:, 1:] = 2 + (np.arange(T)[:, None] + np.arange(36)) % 21
        items.append(FrameItem(c, f"sentence {i} of the aligned corpus", f"spk{i % 2}", "en"))
    return items


def _examples(tiny_dir: Path, corpus: list[FrameItem], n: int = 4):
    from voxtral_tts.text import PromptTokenizer

    tok = PromptTokenizer(tiny_dir / "tekken.json")
    builder = ExampleBuilder(corpus, tok.text_ids, 4, 8)
    rng = random.Random(0)
    return tok, [builder.build(i, rng, 6) for i in range(n)]


def test_penalty_is_zero_on_the_diagonal_and_near_one_in_the_far_corners() -> None:
    w = diagonal_penalty(40, 40, 0.2)
    assert torch.diagonal(w).max() < 1e-6
    assert w[0, -1] > 0.99 and w[-1, 0] > 0.99
    assert w[10, 12] < w[10, 20] < w[10, 35]  # grows with the distance from where frame 10 should read
    stretched = diagonal_penalty(80, 20, 0.2)  # four frames per token: frame 41 reads token 10
    assert stretched[41].argmin() == 10


def test_span_marks_the_text_and_the_position_that_predicts_frame_zero(tiny_dir: Path, corpus) -> None:
    tok, examples = _examples(tiny_dir, corpus)
    for i, ex in enumerate(examples):
        span = ex.span()
        assert ex.ids[span.text_start : span.text_end] == tok.text_ids(corpus[i].text)
        assert ex.ids[span.first_query] == BEGIN_AUDIO_ID and span.first_query == len(ex.ids) - 1
        assert span.frames == corpus[i].codes.shape[0]


def test_uniform_attention_costs_the_mean_penalty_and_training_the_heads_lowers_it(tiny_dir: Path, corpus) -> None:
    _, model = load_model(tiny_dir)
    _, examples = _examples(tiny_dir, corpus)
    spans = [ex.span() for ex in examples]
    attn = model.backbone.layers[1].attention
    x = torch.randn(len(examples), max(len(e.ids) + e.target.shape[0] for e in examples), model.args.backbone.dim)
    with torch.no_grad():
        attn.wq.weight.zero_()  # every logit 0: each head reads the text uniformly
    loss = guided_attention_loss(model.backbone, {1: x}, spans, heads=2, width=0.2)
    expected = torch.cat([diagonal_penalty(s.frames, s.text_end - s.text_start, 0.2).mean(1) for s in spans]).mean()
    assert float(loss) == pytest.approx(float(expected), rel=1e-5)

    torch.manual_seed(0)
    with torch.no_grad():
        attn.wq.weight.normal_(0, 0.1)
    attn.requires_grad_(True)  # a loaded model is frozen for inference
    opt = torch.optim.Adam([attn.wq.weight, attn.wk.weight], lr=0.05)
    first = None
    for _ in range(60):
        loss = guided_attention_loss(model.backbone, {1: x}, spans, heads=2, width=0.2)
        first = loss.item() if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.6 * first, (first, loss.item())


def test_tapping_the_heads_leaves_the_model_losses_as_they_were(tiny_dir: Path, corpus) -> None:
    _, model = load_model(tiny_dir)
    _, examples = _examples(tiny_dir, corpus)
    plain = lm_losses(model, examples, torch.Generator().manual_seed(0), 0.1)
    guided = lm_losses(model, examples, torch.Generator().manual_seed(0), 0.1, align=AlignSpec((0, 1), 2, 0.2))
    assert torch.equal(plain["ce"], guided["ce"]) and torch.equal(plain["fm"], guided["fm"])
    assert 0 < float(guided["align"]) < 1
    assert not model.backbone.layers[0].attention._forward_pre_hooks  # the taps are gone afterwards


def test_several_flow_draws_per_frame_steady_the_acoustic_loss(tiny_dir: Path, corpus) -> None:
    _, model = load_model(tiny_dir)
    _, examples = _examples(tiny_dir, corpus)

    def losses(k: int, seed: int) -> dict:
        return lm_losses(model, examples, torch.Generator().manual_seed(seed), 0.1, fm_samples=k)

    one, eight = losses(1, 0), losses(8, 0)
    assert torch.equal(one["ce"], eight["ce"])  # the backbone pass and the semantic loss are shared
    spread = {k: torch.tensor([float(losses(k, s)["fm"]) for s in range(12)]).std() for k in (1, 8)}
    assert spread[8] < 0.6 * spread[1], spread


def test_a_layer_the_backbone_lacks_is_named(tiny_dir: Path) -> None:
    _, model = load_model(tiny_dir)
    with pytest.raises(ValueError, match="align_layers: layer 5 does not exist"):
        with tap_attention_inputs(model.backbone, (5,)):
            pass


def test_lm_trains_with_guided_attention_and_logs_it(tiny_dir: Path, tmp_path: Path, corpus) -> None:
    cfg = LMConfig(
        run=RunConfig(out_dir=str(tmp_path / "lm"), steps=30, batch_size=4, log_every=100, ckpt_every=10, seed=3),
        optim=OptimConfig(lr=3e-3, warmup_steps=5),
        data=LMDataConfig(min_ref_frames=4, max_ref_frames=8, val_every=15, val_items=4),
        codec=str(tiny_dir),
        align_weight=2.0,
        align_layers=(1,),
    )
    run = train_lm(cfg, corpus=corpus, val_corpus=corpus[:4])
    m = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert all("align" in r for r in m) and [r["step"] for r in m if "val_align" in r] == [15, 30]
    assert np.mean([r["align"] for r in m[-5:]]) < np.mean([r["align"] for r in m[:5]])


def test_attention_map_scores_every_head_and_draws_them(tiny_dir: Path, tmp_path: Path, corpus) -> None:
    import subprocess
    import sys

    from voxtral_tts.data.frames import write_frames

    frames = write_frames(tmp_path / "frames", [(it.codes, it.text, it.speaker, it.lang) for it in corpus])
    script = Path(__file__).parents[1] / "recipes/default/attention_map.py"
    out = tmp_path / "att.png"
    cmd = [sys.executable, str(script), "--model", str(tiny_dir), "--frames", str(frames), "--out", str(out)]
    done = subprocess.run([*cmd, "--free", "2"], capture_output=True, text=True, check=True)
    rows = [line.split() for line in done.stdout.splitlines() if line[:1].isdigit()]
    assert len(rows) == 2 and all(len(r) == 5 for r in rows)  # 2 layers x 4 heads of the tiny model
    assert all(0 < float(v) < 1 for r in rows for v in r[1:])
    # Free-running: the model's own frames fed back, and how far through the text each layer's head got.
    free = [line for line in done.stdout.splitlines() if line.startswith("free-running clip")]
    assert len(free) == 2
    reach = [float(v) for line in free for v in line.split(":")[-1].split()]
    assert len(reach) == 4 and all(0 < v < 1 for v in reach)
    assert out.stat().st_size > 5000


def test_the_acoustic_readout_trains_resumes_and_stays_out_of_the_export(
    tiny_dir: Path, tmp_path: Path, corpus
) -> None:
    from voxtral_tts.train.lm_run import export_lm
    from voxtral_tts.train.loop import load_state

    def cfg(steps: int) -> LMConfig:
        return LMConfig(
            run=RunConfig(out_dir=str(tmp_path / "lm"), steps=steps, batch_size=4, log_every=100, ckpt_every=10),
            optim=OptimConfig(lr=3e-3, warmup_steps=5),
            data=LMDataConfig(min_ref_frames=4, max_ref_frames=8, val_every=10, val_items=4),
            codec=str(tiny_dir),
            readout_weight=1.0,
        )

    run = train_lm(cfg(20), corpus=corpus, val_corpus=corpus[:4])
    state = load_state(run / "last.pt")
    assert set(state["readout"]) == {"weight", "bias"} and state["readout"]["weight"].shape[1] == 64
    run = train_lm(cfg(30), corpus=corpus, val_corpus=corpus[:4])  # resumes at 20, readout included
    m = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in m if "val_readout" in r] == [10, 20, 30]
    assert np.mean([r["readout"] for r in m[-5:]]) < np.mean([r["readout"] for r in m[:5]])
    out = export_lm(run, tmp_path / "model")
    from safetensors import safe_open

    with safe_open(str(out / "consolidated.safetensors"), "pt") as f:
        assert not any("readout" in k for k in f.keys())
    assert not torch.equal(load_state(run / "last.pt")["readout"]["weight"], state["readout"]["weight"])


def test_where_lost_judges_each_half_of_the_frame_and_the_states_readout(
    tiny_dir: Path, tmp_path: Path, corpus
) -> None:
    import subprocess
    import sys

    pytest.importorskip("faster_whisper")
    from voxtral_tts.data.frames import write_frames

    frames = write_frames(tmp_path / "frames", [(it.codes, it.text, it.speaker, it.lang) for it in corpus])
    script = Path(__file__).parents[1] / "recipes/default/where_lost.py"
    out = tmp_path / "lost.json"
    cmd = [sys.executable, str(script), "--model", str(tiny_dir), "--frames", str(frames), "--per-lang", "2"]
    done = subprocess.run(
        [*cmd, "--ridge-frames", str(frames), "--out", str(out)], capture_output=True, text=True, check=True
    )
    doc = json.loads(out.read_text())
    assert set(doc["wer"]) == {"codec", "lm semantic", "lm acoustic", "lm both", "free", "ridge"}
    assert len(doc["rows"]) == 2 and all(r["codec"] is not None for r in doc["rows"])
    assert doc["fm_cond"] > 0 and doc["fm_uncond"] > 0
    assert set(doc["explained"]) == {"state", "previous frame"} and all(v <= 1 for v in doc["explained"].values())
    assert "acoustic variance explained" in done.stdout
    assert all(0 <= r["free_follows"] <= 30 for r in doc["rows"]) and "free_follows_median" in doc
    assert 0 < doc["levels_off"]["mean_abs"] <= doc["levels_off"]["rms"] < 21


def test_memo_subset_writes_a_frames_folder_training_reads(tmp_path: Path, corpus) -> None:
    import subprocess
    import sys

    from voxtral_tts.data.frames import CodeStore, write_frames
    from voxtral_tts.train.lm import load_frame_corpus

    frames = write_frames(tmp_path / "frames", [(it.codes, it.text, it.speaker, it.lang) for it in corpus])
    script = Path(__file__).parents[1] / "recipes/default/memo_subset.py"
    out = tmp_path / "memo"
    cmd = [sys.executable, str(script), "--frames", str(frames), "--out", str(out), "--clips", "3"]
    subprocess.run(cmd, capture_output=True, text=True, check=True)
    picked = load_frame_corpus(out, 250)
    assert len(picked) == 3 and len({it.speaker for it in picked}) == 1  # one teacher (none named here)
    source = {it.text: it.codes for it in corpus}
    assert all(np.array_equal(it.codes, source[it.text]) for it in picked)
    assert CodeStore(out).meta == CodeStore(frames).meta  # the codec fingerprint training checks
    missing = subprocess.run([*cmd[:-2], "--language", "hi"], capture_output=True, text=True)
    assert missing.returncode != 0 and "no hi clips" in missing.stderr


def test_free_running_codes_are_what_the_training_forward_predicts_from_them(tiny_dir: Path, corpus) -> None:
    """The frame loop (KV cache, one position at a time) and the training forward (the whole sequence at
    once) must read a history alike: fed the loop's own frames back, the training forward's argmax at each
    position is the semantic code the loop chose there. A mismatch would make free running drift from what
    training taught, whatever the weights."""
    from voxtral_tts.checkpoint import load_model
    from voxtral_tts.generate import FrameRequest, generate_frames
    from voxtral_tts.train.lm import prompt_embeddings

    _, model = load_model(tiny_dir)
    model.float().eval()
    _, examples = _examples(tiny_dir, corpus, n=2)
    for i, ex in enumerate(examples):
        with torch.no_grad():
            emb = prompt_embeddings(model, ex)
            free = generate_frames(model, [FrameRequest(emb, 12, 1.2, torch.Generator().manual_seed(i))])[0]
            x = torch.cat([emb, model.audio_embeddings(free).to(emb.dtype)])[None]
            h = model.backbone.forward_train(x)[0, len(ex.ids) - 1 : len(ex.ids) - 1 + free.shape[0]]
            again = model.acoustic_transformer.semantic_logits(h).argmax(-1)
        assert free.shape[0] > 3
        assert torch.equal(again, free[:, 0])
