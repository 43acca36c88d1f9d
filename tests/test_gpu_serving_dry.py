"""The GPU serving benchmark's dry run: the same script on a tiny config on the CPU, so it cannot rot
between the rare sessions that have a GPU."""

from __future__ import annotations

from pathlib import Path

import torch
from conftest import load_script

from voxtral_tts.config import ModelArgs
from voxtral_tts.model import VoxtralModel


def load():
    return load_script("benchmarks/gpu_serving.py")


def test_dry_run_writes_the_table(tmp_path: Path) -> None:
    bench = load()
    args = ["--out", str(tmp_path), "--config", "tiny", "--device", "cpu", "--frames", "12"]
    assert bench.main([*args, "--concurrency", "1,3", "--check-frames", "8"]) == 0
    table = (tmp_path / "table.md").read_text()
    assert "| 1 |" in table and "| 3 |" in table and "semantic codes identical: True" in table
    assert (tmp_path / "log.txt").read_text().count('"concurrency"') == 2


def test_the_4b_config_is_the_official_size() -> None:
    bench = load()
    with torch.device("meta"):
        model = VoxtralModel(ModelArgs.from_dict(bench.model_params("4b")), with_encoder=False)
    n = sum(p.numel() for p in model.parameters())
    assert 3.95e9 < n < 4.05e9
    assert model.backbone.tok_embeddings.weight.shape == (131072, 3072)
    assert model.acoustic_transformer.semantic_codebook_output.weight.shape == (8320, 3072)
