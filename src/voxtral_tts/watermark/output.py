"""The way out of the library: every waveform voxtral-tts returns, streams or writes is marked here.

`output_marker` is the one function the API, the command line and the server call for each output; it
returns the stateful `Watermarker` that marks that output's samples (whole, or chunk by chunk), or None
when the caller turned the watermark off explicitly, which is logged as a warning every time.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

import numpy as np

from .embed import Watermarker
from .keys import WatermarkKey, resolve_key
from .scheme import SCHEME, model_id_for

log = logging.getLogger("voxtral_tts.watermark")

GENERATOR = "voxtral-tts"


def output_marker(
    model_name: str,
    sample_rate: int,
    enabled: bool = True,
    key: WatermarkKey | None = None,
    where: str = "output",
) -> Watermarker | None:
    """The watermark for one output of `model_name`, or None (logged) when `enabled` is False."""
    if not enabled:
        log.warning("watermark disabled for %s by an explicit flag: this audio is NOT marked as synthetic", where)
        return None
    return Watermarker(key or resolve_key(), sample_rate, model_id_for(model_name))


def mark(samples: np.ndarray, marker: Watermarker | None) -> np.ndarray:
    return samples if marker is None else marker.push(samples)


def provenance_tags(model_name: str, marker: Watermarker | None, when: float | None = None) -> dict[str, str]:
    """Tags for WAV (RIFF INFO) and FLAC (Vorbis comments): generator, model, creation time, watermark."""
    from .. import __version__

    stamp = datetime.fromtimestamp(time.time() if when is None else when, tz=timezone.utc)
    iso = stamp.isoformat(timespec="seconds").replace("+00:00", "Z")
    wm = (
        f"watermarked ({SCHEME}, key id {marker.key.key_id:#06x}, model id {marker.model_id:#06x})"
        if marker is not None
        else "NOT watermarked (disabled explicitly)"
    )
    return {
        "software": f"{GENERATOR} {__version__}",
        "artist": f"{GENERATOR} synthetic voice, model {model_name}",
        "date": iso,
        "comment": f"AI-generated speech: synthesized by {GENERATOR} {__version__} with model {model_name} at {iso}; {wm}",
    }
