"""Training runs to model folders in the official layout."""

from __future__ import annotations

from pathlib import Path

import torch

from ..errors import CheckpointError
from .loop import load_state


def export_run(run_dir: str | Path, out: str | Path, dtype: torch.dtype = torch.bfloat16, best: bool = False) -> Path:
    """`best`: an LM run's weights with the lowest held-out loss rather than its last ones."""
    run_dir = Path(run_dir)
    state = load_state(run_dir / "last.pt")
    if state is None:
        raise CheckpointError(f"{run_dir / 'last.pt'}: no checkpoint to export")
    kind = state.get("kind")
    if kind == "lm":
        from .lm_run import export_lm

        return export_lm(run_dir, out, dtype, best=best)
    if best:
        raise CheckpointError(f"{run_dir}: --best is for LM runs (this is a {kind} run)")
    if kind == "codec":
        from .codec_run import export_codec

        return export_codec(run_dir, out, dtype)
    raise CheckpointError(f"{run_dir / 'last.pt'}: unknown run kind {kind!r}")
