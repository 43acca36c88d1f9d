"""Training: data to codec to LM, each stage resumable, every result exported in the official layout."""
