"""lyricgenre: multi-label, fine-grained music genre tagging from song lyrics."""

from lyricgenre.version import __version__

__all__ = ["GenreClassifier", "__version__"]


def __getattr__(name: str):
    """`GenreClassifier` imported on first use, so `import lyricgenre` (and the command's start) stays light."""
    if name == "GenreClassifier":
        from lyricgenre.runtime import GenreClassifier

        return GenreClassifier
    raise AttributeError(f"module 'lyricgenre' has no attribute {name!r}")
