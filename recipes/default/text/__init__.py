"""Per-language sentence material for the default corpus (see sentences.py for the format)."""
