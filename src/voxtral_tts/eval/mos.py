"""Predicted naturalness (MOS) judges.

The default is DistillMOS (weights inside its PyPI wheel). It ranks neural above unit-selection above
diphone/formant speech, but it was trained on English-centric data, so use it to compare runs, not as an
absolute MOS, and least of all across languages.
"""

from __future__ import annotations

import contextlib
import io
import sys
import types
from typing import Protocol, runtime_checkable

import numpy as np
import soxr

from .errors import JudgeMissingError
from .plugins import load_factory, package_version

DISTILLMOS_INSTALL = "pip install --no-deps distillmos xls-r-sqa"
MOS_RATE = 16000


@runtime_checkable
class MOSPredictor(Protocol):
    name: str

    def score(self, samples: np.ndarray, sample_rate: int) -> float | None:
        """Predicted MOS (1-5) of mono float32 `samples`, or None when the clip is too short to score."""
        ...

    def describe(self) -> dict: ...


class DistillMOS:
    name = "distillmos"

    def __init__(self) -> None:
        import torch

        # distillmos imports torchaudio only for its command line; a stub avoids installing it, which would
        # drag in a torch build of its own choosing.
        stub = "torchaudio" not in sys.modules
        if stub:
            sys.modules["torchaudio"] = types.ModuleType("torchaudio")
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                import distillmos

                self._model = distillmos.ConvTransformerSQAModel()
        except ImportError as e:
            raise JudgeMissingError(f"distillmos (the MOS predictor; {e})", DISTILLMOS_INSTALL) from None
        finally:
            if stub and isinstance(sys.modules.get("torchaudio"), types.ModuleType):
                sys.modules.pop("torchaudio", None)
        self._model.eval()
        self._torch = torch

    def score(self, samples: np.ndarray, sample_rate: int) -> float | None:
        wav = np.asarray(samples, dtype=np.float32)
        if sample_rate != MOS_RATE and wav.size:
            wav = soxr.resample(wav, sample_rate, MOS_RATE).astype(np.float32)
        if wav.size < MOS_RATE // 4 or not np.any(wav):
            return None
        with self._torch.inference_mode():
            return float(self._model(self._torch.from_numpy(wav)[None]).item())

    def describe(self) -> dict:
        return {"name": self.name, "version": package_version("distillmos"), "scale": "1-5, relative use only"}


def load_mos(spec: str | None = "distillmos") -> MOSPredictor | None:
    """`distillmos` (default), `module:factory`, or `none`."""
    if spec is None or spec == "none":
        return None
    if spec == "distillmos":
        return DistillMOS()
    if ":" in spec:
        return load_factory(spec)()
    raise ValueError(f"unknown MOS predictor {spec!r}: use distillmos, module:factory or none")
