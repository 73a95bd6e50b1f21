"""The package's version, written here alone (pyproject.toml reads it): a leaf every stage can import."""

__version__ = "0.1.0"
