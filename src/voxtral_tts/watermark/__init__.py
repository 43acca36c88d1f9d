"""Marking every waveform voxtral-tts produces, and finding the mark again (docs/watermark.md)."""

from .detect import Detection, detect_file, detect_watermark
from .embed import Watermarker, apply_watermark
from .keys import PUBLIC_KEY, WatermarkKey, detector_keys, load_key, new_key, resolve_key, save_key
from .output import output_marker, provenance_tags
from .scheme import SCHEME, model_id_for

__all__ = [
    "PUBLIC_KEY",
    "SCHEME",
    "Detection",
    "WatermarkKey",
    "Watermarker",
    "apply_watermark",
    "detect_file",
    "detect_watermark",
    "detector_keys",
    "load_key",
    "model_id_for",
    "new_key",
    "output_marker",
    "provenance_tags",
    "resolve_key",
    "save_key",
]
