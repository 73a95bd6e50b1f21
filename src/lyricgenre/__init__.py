"""lyricgenre: multi-label, fine-grained music genre tagging from song lyrics."""

__version__ = "0.1.0"
