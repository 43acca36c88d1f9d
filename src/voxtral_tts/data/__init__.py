"""Training data: corpus import to a checked manifest, and codec frames cached for LM training."""

from .encode import encode_manifest
from .frames import CodeStore, check_codec, read_frames, write_frames
from .importers import FORMATS, Candidate, candidates
from .manifest import DataError, Entry, read_manifest, write_manifest
from .prepare import PrepareOptions, import_corpus

__all__ = [
    "FORMATS",
    "Candidate",
    "CodeStore",
    "DataError",
    "Entry",
    "PrepareOptions",
    "candidates",
    "check_codec",
    "encode_manifest",
    "import_corpus",
    "read_frames",
    "read_manifest",
    "write_frames",
    "write_manifest",
]
