"""Speaker augmentation: new speaker identities made from a teacher voice by a fixed change of pitch, formants
(vocal-tract length) and tempo.

The transform is Praat's "Change gender" (through praat-parselmouth): the signal is resampled to move the
formants by `formant`, then PSOLA resynthesis sets the pitch median to `pitch` times the original, scales the
pitch excursions by `range`, and stretches durations by 1/`tempo`. PSOLA keeps the spectral envelope while it
moves the pitch, so pitch and formants change independently; sox's `pitch`/`speed` effects can only move both
together (they scale every frequency), which makes all augmented voices sound like the same speaker sped up.

Each augmented identity has one transform, drawn once from a seeded RNG, and gets its own speaker label.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Transform:
    pitch: float  # multiplier of the median F0
    formant: float  # multiplier of formant frequencies
    tempo: float  # > 1 is faster
    range: float  # multiplier of F0 excursions around the median

    def describe(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in asdict(self).items()}

    def tag(self) -> str:
        return f"p{self.pitch:.2f}f{self.formant:.2f}t{self.tempo:.2f}r{self.range:.2f}"


def draw_transform(rng: random.Random) -> Transform:
    """A plausible new voice. A larger or smaller speaker moves formants and pitch the same way, so both follow
    one `size` draw, with independent jitter so that the pairs are not all on one line. Formant shifts beyond
    about ±15 % and pitch shifts beyond about ±6 semitones sound synthetic through PSOLA. Draws too close to
    the original voice are redrawn: they would only add a near-copy of a teacher under a new name."""
    while True:
        size = rng.uniform(-1.0, 1.0)
        formant = min(1.16, max(0.86, math.exp(0.12 * size + rng.gauss(0.0, 0.03))))
        semitones = max(-6.0, min(6.0, 4.5 * size + rng.gauss(0.0, 1.5)))
        if abs(math.log(formant)) / 0.06 + abs(semitones) / 2.5 >= 1.0:
            break
    tempo = math.exp(rng.uniform(-0.12, 0.12))
    excursion = math.exp(rng.uniform(-0.35, 0.35))
    return Transform(pitch=2.0 ** (semitones / 12.0), formant=formant, tempo=tempo, range=excursion)


def apply(x: np.ndarray, sr: int, t: Transform) -> np.ndarray:
    """The transformed signal at the same sample rate. Praat decides voicing itself; an utterance it finds no
    pitch in (a whisper, a very short word) only gets the formant and tempo change."""
    import parselmouth
    from parselmouth.praat import call

    snd = parselmouth.Sound(x.astype(np.float64), sampling_frequency=float(sr))
    pitch = snd.to_pitch(time_step=0.01, pitch_floor=60.0, pitch_ceiling=600.0)
    median = call(pitch, "Get quantile", 0.0, 0.0, 0.5, "Hertz")
    new_median = 0.0 if not math.isfinite(median) or median <= 0 else median * t.pitch
    pitch_range = t.range if new_median > 0 else 1.0
    out = call(snd, "Change gender", 60.0, 600.0, t.formant, new_median, pitch_range, 1.0 / t.tempo)
    y = np.asarray(out.values[0], dtype=np.float32)
    peak = float(np.abs(y).max()) if y.size else 0.0
    # PSOLA overlap-add can exceed full scale; scale down so that nothing clips before loudness normalisation.
    return y * (0.95 / peak) if peak > 0.95 else y
