"""Loss curves from a run's metrics.jsonl, as a PNG."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import VoxtralError


def plot_run(run_dir: str | Path, out: str | Path | None = None, smooth: int = 20) -> Path:
    run_dir = Path(run_dir)
    log = run_dir / "metrics.jsonl"
    if not log.exists():
        raise VoxtralError(f"{log}: no metrics to plot")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise VoxtralError("plotting needs matplotlib: pip install matplotlib") from None
    rows = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    # A resumed run re-logs steps after its last checkpoint; keep the latest value per step.
    by_step = {r["step"]: r for r in rows}
    steps = sorted(by_step)
    keys = [k for k in by_step[steps[-1]] if k not in ("step", "time", "lr")]
    fig, axes = plt.subplots(len(keys), 1, figsize=(8, 2.2 * len(keys)), sharex=True, squeeze=False)
    for ax, key in zip(axes[:, 0], keys):
        ys = [by_step[s].get(key, float("nan")) for s in steps]
        ax.plot(steps, ys, alpha=0.3, lw=0.8)
        if len(ys) > smooth:
            k = smooth
            avg = [sum(ys[max(0, i - k + 1) : i + 1]) / len(ys[max(0, i - k + 1) : i + 1]) for i in range(len(ys))]
            ax.plot(steps, avg, lw=1.5)
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("step")
    fig.suptitle(str(run_dir))
    fig.tight_layout()
    out = Path(out) if out else run_dir / "loss.png"
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
