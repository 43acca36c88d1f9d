"""results.json, report.md and the plots; `--compare` puts a second run beside the first."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .runner import SCHEMA, primary_metric, safe_name

ITEM_KEYS = {
    "id": str,
    "lang": str,
    "text": str,
    "audio": (str, type(None)),
    "duration_s": (float, int),
    "rtf": (float, int, type(None)),
    "ttfa_s": (float, int, type(None)),
    "wer": (float, int, type(None)),
    "cer": (float, int, type(None)),
    "sim": (float, int, type(None)),
    "mos": (float, int, type(None)),
    "sec_per_char": (float, int, type(None)),
    "flags": list,
    "error": (str, type(None)),
}
FAILED_ITEM_KEYS = ("id", "lang", "text", "flags", "error")
AGG_KEYS = ("n", "n_failed", "wer", "cer", "sim_mean", "mos_mean", "rtf_mean", "ttfa_median_s", "n_flagged")
TOP_KEYS = ("schema", "created", "system", "synthesizer", "set", "judges", "settings", "languages", "overall", "items")
N_ITEM_PLOTS = 4


def validate_results(doc: dict) -> None:
    """Raise ValueError listing every way `doc` departs from the results.json schema."""
    problems = []
    for k in TOP_KEYS:
        if k not in doc:
            problems.append(f"missing top-level key {k!r}")
    if doc.get("schema") != SCHEMA:
        problems.append(f"schema is {doc.get('schema')!r}, expected {SCHEMA!r}")
    for i, it in enumerate(doc.get("items", [])):
        keys = FAILED_ITEM_KEYS if it.get("error") else ITEM_KEYS
        for k in keys:
            if k not in it:
                problems.append(f"items[{i}] lacks {k!r}")
            elif not it.get("error") and not isinstance(it[k], ITEM_KEYS[k]):
                problems.append(f"items[{i}].{k} has type {type(it[k]).__name__}")
    langs = doc.get("languages", {})
    for lang, agg in langs.items():
        for k in (*AGG_KEYS, "primary_metric", "primary"):
            if k not in agg:
                problems.append(f"languages.{lang} lacks {k!r}")
    for k in AGG_KEYS:
        if k not in doc.get("overall", {}):
            problems.append(f"overall lacks {k!r}")
    item_langs = {it.get("lang") for it in doc.get("items", [])}
    if set(langs) != item_langs:
        problems.append(f"languages {sorted(langs)} do not match the items' {sorted(item_langs)}")
    if problems:
        raise ValueError("results do not follow the schema: " + "; ".join(problems))


def load_results(path: str | Path) -> dict:
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    validate_results(doc)
    return doc


def write_results(doc: dict, out_dir: Path) -> Path:
    validate_results(doc)
    path = out_dir / "results.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


# -- formatting ---------------------------------------------------------------------------------------


def fmt(v: float | int | None, digits: int = 3, pct: bool = False) -> str:
    if v is None:
        return "—"
    if isinstance(v, int) and not pct:
        return str(v)
    return f"{100 * v:.1f}%" if pct else f"{v:.{digits}f}"


def _md_cell(text: str | None, limit: int = 70) -> str:
    if text is None:
        return "—"
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _run_label(doc: dict) -> str:
    s = doc.get("synthesizer", {})
    return s.get("label") or Path(s.get("path") or s.get("name") or "run").name


def _delta(a: float | None, b: float | None, pct: bool) -> str:
    if a is None or b is None:
        return "—"
    d = a - b
    return f"{100 * d:+.1f} pt" if pct else f"{d:+.3f}"


def compare_markdown(doc: dict, other: dict) -> list[str]:
    """Per-language table of this run beside another, with differences (this minus other)."""
    la, lb = _run_label(doc), _run_label(other)
    if la == lb:
        la, lb = f"{la} (this)", f"{lb} (other)"
    lines = [f"## Comparison: {la} vs {lb}", ""]
    lines.append(
        f"Other run: `{other.get('synthesizer', {}).get('path') or lb}`, set `{other.get('set', {}).get('path')}`, "
        f"created {other.get('created')}. Δ is this run minus the other; for WER/CER lower is better."
    )
    same_asr = (doc.get("judges", {}).get("asr") or {}).get("name") == (other.get("judges", {}).get("asr") or {}).get(
        "name"
    )
    if not same_asr:
        lines.append("**The two runs used different ASR judges; their error rates are not comparable.**")
    lines.append("")
    rows = []
    langs = sorted(set(doc["languages"]) | set(other["languages"]))
    for lang in [*langs, "overall"]:
        a = doc["overall"] if lang == "overall" else doc["languages"].get(lang, {})
        b = other["overall"] if lang == "overall" else other["languages"].get(lang, {})
        row = [f"**{lang}**" if lang == "overall" else lang, f"{a.get('n', 0)}/{b.get('n', 0)}"]
        for key, pct in (("wer", True), ("cer", True), ("sim_mean", False), ("mos_mean", False), ("rtf_mean", False)):
            row.append(
                f"{fmt(a.get(key), pct=pct)} / {fmt(b.get(key), pct=pct)} ({_delta(a.get(key), b.get(key), pct)})"
            )
        rows.append(row)
    lines += _table(["lang", "n", "WER", "CER", "SIM", "MOS", "RTF"], rows)
    by_id = {it["id"]: it for it in other.get("items", [])}
    if set(by_id) != {it["id"] for it in doc["items"]}:
        lines += ["", "The two runs scored different items (see n), so their aggregates are not like for like."]
    pairs = [(it, by_id[it["id"]]) for it in doc["items"] if it["id"] in by_id]
    scored = [(a, b) for a, b in pairs if a.get("cer") is not None and b.get("cer") is not None]
    if scored:
        worse = sum(1 for a, b in scored if a["cer"] > b["cer"])
        better = sum(1 for a, b in scored if a["cer"] < b["cer"])
        lines += ["", f"Per item ({len(scored)} items in both runs): CER better in {better}, worse in {worse}."]
    return lines + [""]


# -- plots --------------------------------------------------------------------------------------------


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_languages(doc: dict, path: Path, other: dict | None = None) -> Path | None:
    """Bars of WER, CER and SIM per language (two bars per language when comparing)."""
    plt = _pyplot()
    if plt is None:
        return None
    langs = sorted(set(doc["languages"]) | set(other["languages"] if other else []))
    runs = [(doc, _run_label(doc))] + ([(other, _run_label(other))] if other else [])
    fig, axes = plt.subplots(3, 1, figsize=(max(6.0, 0.75 * len(langs) + 2), 7.5), sharex=True)
    x = np.arange(len(langs))
    width = 0.8 / len(runs)
    for ax, key, title in zip(axes, ("wer", "cer", "sim_mean"), ("WER", "CER", "speaker SIM")):
        for k, (d, label) in enumerate(runs):
            vals = [d["languages"].get(lang, {}).get(key) for lang in langs]
            ax.bar(
                x + (k - (len(runs) - 1) / 2) * width, [np.nan if v is None else v for v in vals], width, label=label
            )
        ax.set_title(title, fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    axes[-1].set_xticks(x, [lang + (" †" if primary_metric(lang) == "cer" else "") for lang in langs])
    if other:
        axes[0].legend(fontsize=8)
    fig.suptitle("per language († the ASR judge is weak here: read CER)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_item(samples: np.ndarray, sample_rate: int, path: Path, title: str) -> Path | None:
    """Waveform above spectrogram, for looking at a few outputs without listening."""
    plt = _pyplot()
    if plt is None:
        return None
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(8, 4.2), sharex=True, height_ratios=[1, 2])
    t = np.arange(samples.size) / sample_rate
    a1.plot(t, samples, linewidth=0.4)
    a1.set_ylim(-1, 1)
    a1.set_title(title, fontsize=9)
    if samples.size >= 512:
        a2.specgram(samples, NFFT=512, Fs=sample_rate, noverlap=384, cmap="magma", scale="dB", vmin=-120)
    a2.set_xlabel("seconds")
    a2.set_ylabel("Hz")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _item_plots(doc: dict, out_dir: Path, audio_root: Path) -> list[tuple[dict, Path]]:
    import soundfile as sf

    chosen, seen = [], set()
    for it in doc["items"]:
        if (
            it.get("audio")
            and it["lang"] not in seen
            and it.get("duration_s", 0) > 0
            and (audio_root / it["audio"]).is_file()
        ):
            chosen.append(it)
            seen.add(it["lang"])
        if len(chosen) == N_ITEM_PLOTS:
            break
    plots = []
    for it in chosen:
        samples, sr = sf.read(str(audio_root / it["audio"]), dtype="float32")
        # The text goes in report.md, not the title: matplotlib's default font lacks Devanagari and Arabic shaping.
        title = f"{it['id']} ({it['lang']}), {it['duration_s']:.2f} s"
        p = plot_item(samples, sr, out_dir / "plots" / f"item_{safe_name(it['id'])}.png", title)
        if p is not None:
            plots.append((it, p))
    return plots


# -- the report ---------------------------------------------------------------------------------------

SIM_REF_TEXT = {
    "ref_audio": "the item's reference clip (cloning)",
    "voice_refs": "the preset voice's reference clips (`--voice-refs`)",
    "self": "the model's own rendering of a fixed anchor sentence in that voice (voice consistency, "
    "not fidelity to a person: no reference clips were given)",
}


def render_report(
    doc: dict, out_dir: Path, other: dict | None = None, plots: bool = True, audio_root: Path | None = None
) -> Path:
    """Write report.md (and plots/*.png) for results `doc` into `out_dir`. Item audio paths are relative to
    `audio_root`, the folder of the run's results.json (default: `out_dir`)."""
    out_dir = Path(out_dir)
    audio_root = Path(audio_root) if audio_root is not None else out_dir
    (out_dir / "plots").mkdir(parents=True, exist_ok=True)
    syn, judges, ov = doc["synthesizer"], doc["judges"], doc["overall"]
    lines = [f"# Evaluation: {_run_label(doc)}", ""]
    where = ", ".join(str(syn[k]) for k in ("device", "dtype") if syn.get(k))
    lines += [
        f"- synthesizer: `{syn.get('name')}`"
        + (f" `{syn['path']}`" if syn.get("path") else "")
        + (f" ({where})" if where else "")
        + (f", voices {syn['voices']}" if isinstance(syn.get("voices"), dict) else ""),
        f"- set: `{doc['set'].get('path')}` ({doc['set'].get('n_items')} items)",
        f"- created {doc['created']} on {doc['system'].get('cpu') or doc['system'].get('machine')}, "
        f"{doc['system'].get('cpu_count')} CPUs, {doc['system'].get('platform')}",
    ]
    for role in ("asr", "speaker", "mos"):
        j = judges.get(role)
        lines.append(f"- {role} judge: " + ("not run" if not j else ", ".join(f"{k}={v}" for k, v in j.items())))
    kinds = doc["settings"].get("sim_reference") or []
    for k in kinds:
        lines.append(f"- SIM compares each output with {SIM_REF_TEXT.get(k, k)}")
    if doc["tool"].get("command"):
        lines.append(f"- command: `{' '.join(doc['tool']['command'])}`")
    lines += ["", "## Overall", ""]
    lines += _table(
        [
            "items",
            "failed",
            "WER",
            "CER",
            "macro headline",
            "SIM",
            "MOS",
            "RTF (mean)",
            "TTFA p50",
            "TTFA p90",
            "flagged",
        ],
        [
            [
                str(ov["n"]),
                str(ov["n_failed"]),
                fmt(ov["wer"], pct=True),
                fmt(ov["cer"], pct=True),
                fmt(ov.get("macro_primary"), pct=True),
                fmt(ov["sim_mean"]),
                fmt(ov["mos_mean"], 2),
                fmt(ov["rtf_mean"], 2),
                fmt(ov["ttfa_median_s"], 2) + " s",
                fmt(ov["ttfa_p90_s"], 2) + " s",
                str(ov["n_flagged"]),
            ]
        ],
    )
    lines += [
        "",
        "WER and CER are corpus figures (edits summed over items, divided by summed reference length) after "
        "normalisation (Whisper's English normaliser for en, a basic one elsewhere). The macro headline averages "
        "each language's headline metric: WER, or CER where the ASR judge is weak (marked †).",
        "",
        "## Per language",
        "",
    ]
    rows = []
    for lang, a in sorted(doc["languages"].items()):
        weak = a.get("judge_reliability") == "low"
        rows.append(
            [
                lang + (" †" if weak else ""),
                str(a["n"]),
                fmt(a["wer"], pct=True),
                fmt(a["cer"], pct=True),
                a["primary_metric"].upper(),
                fmt(a["sim_mean"]),
                fmt(a["mos_mean"], 2),
                fmt(a["rtf_mean"], 2),
                fmt(a["ttfa_median_s"], 2),
                fmt(a["sec_per_char_median"], 3),
                str(a["n_flagged"]),
            ]
        )
    lines += _table(
        ["lang", "n", "WER", "CER", "headline", "SIM", "MOS", "RTF", "TTFA p50 (s)", "s/char p50", "flagged"], rows
    )
    lines.append("")
    if any(a.get("judge_reliability") == "low" for a in doc["languages"].values()):
        lines += [
            "† The ASR judge (Whisper base) is weak on this language; read CER, and treat even that as a rough signal.",
            "",
        ]
    if plots and plot_languages(doc, out_dir / "plots" / "languages.png", other) is not None:
        lines += ["![WER, CER and SIM per language](plots/languages.png)", ""]

    kinds: dict[str, list[dict]] = {}
    for it in doc["items"]:
        if it.get("kind") and not it.get("error"):
            kinds.setdefault(it["kind"], []).append(it)
    if kinds:
        from .runner import aggregate

        lines += ["## By kind of sentence", ""]
        rows = []
        for kind, its in sorted(kinds.items()):
            a = aggregate(its)
            rows.append(
                [kind, str(a["n"]), fmt(a["wer"], pct=True), fmt(a["cer"], pct=True), fmt(a["sec_per_char_median"])]
            )
        lines += _table(["kind", "n", "WER", "CER", "s/char p50"], rows) + [""]

    flagged = [it for it in doc["items"] if it.get("flags")]
    lines += ["## Flagged items", ""]
    if flagged:
        lines.append(
            "`short`/`long`: duration per character far below/above the expected range or the language's median "
            "(truncated or run-on output); `capped`: stopped by --max-seconds; `silent`: no audio; `failed`: error."
        )
        lines.append("")
        lines += _table(
            ["id", "lang", "flags", "dur (s)", "s/char", "text / error"],
            [
                [
                    it["id"],
                    it["lang"],
                    ", ".join(it["flags"]),
                    fmt(it.get("duration_s"), 2),
                    fmt(it.get("sec_per_char")),
                    _md_cell(it.get("error") or it["text"], 60),
                ]
                for it in flagged[:50]
            ],
        )
        if len(flagged) > 50:
            lines.append(f"\n... and {len(flagged) - 50} more in results.json.")
    else:
        lines.append("None.")
    lines.append("")

    scored = [it for it in doc["items"] if it.get("cer") is not None]
    if scored:
        worst = sorted(scored, key=lambda it: it[primary_metric(it["lang"])] or 0.0, reverse=True)[:10]
        lines += ["## Worst items (by headline metric)", ""]
        lines += _table(
            ["id", "lang", "WER", "CER", "text", "heard"],
            [
                [
                    it["id"],
                    it["lang"],
                    fmt(it["wer"], pct=True),
                    fmt(it["cer"], pct=True),
                    _md_cell(it["text"], 60),
                    _md_cell(it.get("asr_text"), 60),
                ]
                for it in worst
            ],
        )
        lines.append("")

    if plots:
        examples = _item_plots(doc, out_dir, audio_root)
        if examples:
            lines += ["## Examples", ""]
            for it, p in examples:
                lines += [
                    f"**{it['id']}** (`{it['audio']}`): {_md_cell(it['text'], 200)}",
                    "",
                    f"![{it['id']}]({p.relative_to(out_dir)})",
                    "",
                ]

    if other is not None:
        lines += compare_markdown(doc, other)

    lines += ["## All items", ""]
    lines += _table(
        ["id", "lang", "dur (s)", "RTF", "TTFA (s)", "WER", "CER", "SIM", "MOS", "flags"],
        [
            [
                it["id"],
                it["lang"],
                fmt(it.get("duration_s"), 2),
                fmt(it.get("rtf"), 2),
                fmt(it.get("ttfa_s"), 2),
                fmt(it.get("wer"), pct=True),
                fmt(it.get("cer"), pct=True),
                fmt(it.get("sim")),
                fmt(it.get("mos"), 2),
                ", ".join(it.get("flags") or []),
            ]
            for it in doc["items"]
        ],
    )
    path = out_dir / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
