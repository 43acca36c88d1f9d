"""Model folders that ship inside the package: `default/`, written by recipes/default (see docs/default-model.md)."""
