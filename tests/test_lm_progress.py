"""recipes/default/lm_progress.py: the long LM run's held-out flow loss, its log-linear fit and the step where
the fit reaches the target."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from conftest import load_script

from voxtral_tts.errors import VoxtralError


def write_metrics(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_fit_recovers_a_log_linear_loss_and_the_step_it_reaches() -> None:
    prog = load_script("recipes/default/lm_progress.py")
    points = [(s, 0.45 - 0.06 * math.log10(s)) for s in (1000, 2000, 5000, 10000)]
    a, b = prog.fit_log_linear(points)
    assert a == pytest.approx(0.45) and b == pytest.approx(-0.06)
    assert prog.steps_to(0.12, a, b) == pytest.approx(10 ** (0.33 / 0.06), rel=1e-6)
    assert prog.steps_to(0.12, 0.3, 0.0) is None  # a flat loss never gets there
    with pytest.raises(ValueError, match="two"):
        prog.fit_log_linear([(1000, 0.3)])


def test_held_out_points_skip_training_rows_and_keep_a_resumed_steps_last_value(tmp_path: Path, capsys) -> None:
    prog = load_script("recipes/default/lm_progress.py")
    rows = [{"step": 999, "fm": 0.5}, {"step": 1000, "val_fm": 0.30}, {"step": 1000, "val_fm": 0.29},
            {"step": 2000, "val_fm": 0.27, "val_ce": 4.0}]  # fmt: skip
    write_metrics(tmp_path / "run" / "metrics.jsonl", rows)
    assert prog.held_out(tmp_path / "run") == [(1000, 0.29), (2000, 0.27)]
    assert prog.held_out(tmp_path / "run", "val_ce") == [(2000, 4.0)]
    write_metrics(tmp_path / "torn" / "metrics.jsonl", [{"step": 1, "val_fm": 0.3}])
    with (tmp_path / "torn" / "metrics.jsonl").open("a") as f:
        f.write('{"step": 2, "val_f\n{"step": 3, "val_fm": 0.28}\n')  # killed mid-write, then resumed
    assert prog.held_out(tmp_path / "torn") == [(1, 0.3), (3, 0.28)]
    assert "torn/metrics.jsonl:2: not JSON" in capsys.readouterr().err
    write_metrics(tmp_path / "junk" / "metrics.jsonl", [])
    (tmp_path / "junk" / "metrics.jsonl").write_text("step,val_fm\n1,0.3\n")
    with pytest.raises(VoxtralError, match=r"junk/metrics.jsonl:1: not JSON .*not a run's metrics file"):
        prog.held_out(tmp_path / "junk")


def test_main_writes_the_plot_and_says_when_there_is_too_little_to_fit(tmp_path: Path, capsys) -> None:
    prog = load_script("recipes/default/lm_progress.py")
    run = tmp_path / "run"
    write_metrics(
        run / "metrics.jsonl", [{"step": s, "val_fm": 0.45 - 0.06 * math.log10(s)} for s in (500, 1000, 4000)]
    )
    assert prog.main(["--run", str(run)]) == 0
    out = capsys.readouterr().out
    assert "fit on 2 points from step 1000" in out and "reaches 0.12 at step 316,228" in out
    assert (run / "progress.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert prog.main(["--run", str(run), "--from-step", "3000"]) == 1
    assert "two held-out points or more" in capsys.readouterr().err
    assert prog.main(["--run", str(tmp_path / "nothing")]) == 1
    assert "no metrics" in capsys.readouterr().err
