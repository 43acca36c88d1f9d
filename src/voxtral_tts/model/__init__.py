"""The networks. Every size comes from `config.ModelArgs`."""

from .acoustic import AcousticTransformer
from .backbone import Backbone
from .codec import Codec
from .embeddings import AudioCodeEmbedding
from .voxtral import VoxtralModel

__all__ = ["AcousticTransformer", "AudioCodeEmbedding", "Backbone", "Codec", "VoxtralModel"]
