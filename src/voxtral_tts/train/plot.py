"""Loss curves from a run's metrics.jsonl, as a PNG."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import VoxtralError

HELD_OUT = "val_"
Series = tuple[list[int], list[float]]


def curves(rows: list[dict]) -> list[tuple[str, Series, Series | None]]:
    """One panel per logged metric: its (steps, values), and its held-out twin's (`val_<name>`) if any. Metrics
    that start late (the discriminator's) or come every few steps (held-out losses) keep only their own steps."""
    # A resumed run re-logs steps after its last checkpoint; keep the latest value per step.
    by_step = {r["step"]: r for r in rows}
    steps = sorted(by_step)
    seen = dict.fromkeys(k for s in steps for k in by_step[s] if k not in ("step", "time", "lr"))

    def series(key: str) -> Series:
        xs = [s for s in steps if key in by_step[s]]
        return xs, [by_step[s][key] for s in xs]

    keys = [k for k in seen if not k.startswith(HELD_OUT) or k[len(HELD_OUT) :] not in seen]
    return [(k, series(k), series(HELD_OUT + k) if HELD_OUT + k in seen else None) for k in keys]


def read_metrics(run_dir: Path) -> list[dict]:
    log = run_dir / "metrics.jsonl"
    if not log.exists():
        raise VoxtralError(f"{log}: no metrics to plot")
    rows, torn = [], []
    for n, line in enumerate(log.read_text().splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                torn.append(f"{log}:{n}: not JSON ({e.msg})")
    if torn and not rows:
        raise VoxtralError(torn[0] + "; this is not a run's metrics file")
    # A run killed mid-write leaves a torn line, and its resumed run goes on below it: skip it, and say so.
    for message in torn:
        print(f"warning: {message}; line skipped", file=sys.stderr)
    return rows


def pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise VoxtralError("plotting needs matplotlib: pip install matplotlib") from None
    return plt


def plot_run(run_dir: str | Path, out: str | Path | None = None, smooth: int = 20) -> Path:
    run_dir = Path(run_dir)
    rows = read_metrics(run_dir)
    plt = pyplot()
    panels = curves(rows)
    fig, axes = plt.subplots(len(panels), 1, figsize=(8, 2.2 * len(panels)), sharex=True, squeeze=False)
    for ax, (key, (xs, ys), held) in zip(axes[:, 0], panels):
        ax.plot(xs, ys, alpha=0.3, lw=0.8)
        if len(ys) > smooth:
            k = smooth
            avg = [sum(ys[max(0, i - k + 1) : i + 1]) / len(ys[max(0, i - k + 1) : i + 1]) for i in range(len(ys))]
            ax.plot(xs, avg, lw=1.5, label="training")
        if held is not None:
            ax.plot(*held, "o-", ms=3, lw=1.2, label="held out")
            ax.legend(loc="upper right", fontsize=8)
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("step")
    fig.suptitle(str(run_dir))
    fig.tight_layout()
    out = Path(out) if out else run_dir / "loss.png"
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def plot_compare(run_dirs: list[str | Path], out: str | Path, keys: tuple[str, ...] = ("fm", "ce")) -> Path:
    """The held-out losses (`val_<key>`) of several runs on shared axes, one panel per key: which of a
    recipe's trials learns faster on sentences it never saw."""
    runs = [Path(r) for r in run_dirs]
    held = {r: {key: val for key, _, val in curves(read_metrics(r))} for r in runs}
    missing = [f"{r} (val_{k})" for r in runs for k in keys if held[r].get(k) is None]
    if missing:
        raise VoxtralError(f"no held-out losses to compare in {', '.join(missing)}")
    plt = pyplot()
    fig, axes = plt.subplots(len(keys), 1, figsize=(8, 2.6 * len(keys)), sharex=True, squeeze=False)
    for ax, key in zip(axes[:, 0], keys):
        for r in runs:
            ax.plot(*held[r][key], "o-", ms=3, lw=1.2, label=r.name)
        ax.set_ylabel(f"held-out {key}")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper right", fontsize=8)
    axes[-1, 0].set_xlabel("step")
    fig.tight_layout()
    out = Path(out)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
