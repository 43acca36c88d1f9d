"""Training runs to model folders in the official layout."""

from __future__ import annotations

from pathlib import Path

import torch

from ..errors import CheckpointError
from .loop import load_state


def export_run(run_dir: str | Path, out: str | Path, dtype: torch.dtype = torch.bfloat16, best: bool = False) -> Path:
    """`best`: an LM run's weights with the lowest held-out loss rather than its last ones."""
    run_dir = Path(run_dir)
    if best:  # only LM runs keep one; export_lm says so when there is none
        from .lm_run import export_lm

        return export_lm(run_dir, out, dtype, best=True)
    # Only the kind is read here: mapped, the weights (and a 4B run's Adam moments) stay on disk until the
    # exporter loads the file for real.
    state = load_state(run_dir / "last.pt", mmap=True)
    if state is None:
        raise CheckpointError(f"{run_dir / 'last.pt'}: no checkpoint to export")
    kind = state.get("kind")
    if kind == "lm":
        from .lm_run import export_lm

        return export_lm(run_dir, out, dtype)
    if kind == "codec":
        from .codec_run import export_codec

        return export_codec(run_dir, out, dtype)
    raise CheckpointError(f"{run_dir / 'last.pt'}: unknown run kind {kind!r}")
