"""lyricgenre: multi-label, fine-grained music genre tagging from song lyrics."""

from lyricgenre.runtime import GenreClassifier

__all__ = ["GenreClassifier"]
__version__ = "0.1.0"
