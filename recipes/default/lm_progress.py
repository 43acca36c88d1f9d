"""How far the long LM run is from speaking: its held-out flow loss against log steps, with a log-linear fit
and the step where that fit reaches the target.

    .venv/bin/python recipes/default/lm_progress.py                        # runs/default-lm
    .venv/bin/python recipes/default/lm_progress.py --run RUN --from-step 1000 --target 0.12 --out docs/img/x.png

The target, 0.12, is the held-out flow loss at which a model that knew its clips spoke them at 31-34 % WER (model
card, "How far the LM is from speaking"). The fit is refit on every call, so each piece of the run (a CPU session,
a GPU piece) updates the estimate of the steps left; it is an extrapolation, and the plot says so. It reads only
the metrics file and costs no training time.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from voxtral_tts.errors import VoxtralError  # noqa: E402
from voxtral_tts.train.plot import pyplot, read_metrics  # noqa: E402

TARGET = 0.12


def held_out(run: Path, key: str = "val_fm") -> list[tuple[int, float]]:
    """(step, value) of every held-out evaluation in a run's metrics.jsonl, the last one kept where a resumed
    run logged a step twice."""
    rows = {int(r["step"]): float(r[key]) for r in read_metrics(run) if key in r}
    return sorted(rows.items())


def fit_log_linear(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares of value = a + b * log10(step): returns (a, b), b being the change per tenfold steps."""
    if len(points) < 2:
        raise ValueError(f"a fit needs two held-out points or more, got {len(points)}")
    xs = [math.log10(s) for s, _ in points]
    ys = [v for _, v in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("a fit needs held-out points at two different steps or more")
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return my - b * mx, b


def steps_to(target: float, a: float, b: float) -> float | None:
    """The step where the fit reaches `target`, or None where it never does (a flat or rising loss)."""
    if b >= 0:
        return None
    return 10 ** ((target - a) / b)


def plot(points: list[tuple[int, float]], fit: tuple[float, float], target: float, reach: float | None, out: Path,
         title: str) -> Path:  # fmt: skip
    plt = pyplot()
    a, b = fit
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot([s for s, _ in points], [v for _, v in points], "o-", color="tab:green", label="held-out flow loss")
    end = max(reach or 0, points[-1][0] * 10)
    xs = [points[0][0] * (end / points[0][0]) ** (k / 50) for k in range(51)]
    ax.plot(xs, [a + b * math.log10(x) for x in xs], "--", color="tab:gray",
            label=f"log-linear fit, {b:+.3f} per tenfold steps (extrapolation)")  # fmt: skip
    ax.axhline(target, color="tab:red", lw=1, label=f"target {target} (a model that knew its clips spoke them)")
    if reach:
        ax.axvline(reach, color="tab:red", lw=1, ls=":")
    ax.set_xscale("log")
    ax.set_xlabel("optimizer step (16 clips)")
    ax.set_ylabel("val_fm")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", type=Path, default=Path("runs/default-lm"))
    ap.add_argument("--from-step", type=int, default=1000, help="fit only from here (the warm-up is not log-linear)")
    ap.add_argument("--target", type=float, default=TARGET)
    ap.add_argument("--out", type=Path, help="the PNG (default: <run>/progress.png)")
    args = ap.parse_args(argv)
    try:
        points = held_out(args.run)
    except VoxtralError as e:
        print(e, file=sys.stderr)
        return 1
    used = [(s, v) for s, v in points if s >= args.from_step]
    try:
        a, b = fit_log_linear(used)
    except ValueError as e:
        print(f"{args.run}: {e} from step {args.from_step} (it has {len(points)} in all)", file=sys.stderr)
        return 1
    reach = steps_to(args.target, a, b)
    step, last = points[-1]
    print(f"{args.run}: step {step}, held-out flow loss {last:.4f}; fit on {len(used)} points from step "
          f"{used[0][0]}: {b:+.4f} per tenfold steps")  # fmt: skip
    print(f"the fit reaches {args.target} at step {reach:,.0f}" if reach else "the fit never reaches the target")
    out = plot(points, (a, b), args.target, reach, args.out or args.run / "progress.png", str(args.run))
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
