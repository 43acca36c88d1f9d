"""How many CPU threads `voxtral-tts serve` gives torch: its frame loop and codec decoder run at once."""

from __future__ import annotations

import pytest
import torch

from voxtral_tts.errors import VoxtralError
from voxtral_tts.server.cli import serve_threads


def test_a_cpu_server_gives_each_compute_thread_half_the_pool() -> None:
    before = torch.get_num_threads()
    try:
        for n, want in ((1, 1), (2, 1), (3, 1), (16, 8)):
            torch.set_num_threads(n)
            assert serve_threads(None, "cpu") == want
    finally:
        torch.set_num_threads(before)


def test_an_explicit_count_wins_and_a_gpu_keeps_torch_default() -> None:
    assert serve_threads(3, "cpu") == 3
    assert serve_threads(2, "cuda") == 2
    assert serve_threads(None, "cuda") is None


def test_a_count_below_one_is_refused() -> None:
    with pytest.raises(VoxtralError, match="--threads must be at least 1, got 0"):
        serve_threads(0, "cpu")
