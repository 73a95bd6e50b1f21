"""Runtime stage: classify lyrics with an exported model (onnxruntime + tokenizers + numpy only)."""

from lyricgenre.runtime.classifier import GenreClassifier, default_model_path

__all__ = ["GenreClassifier", "default_model_path"]
