"""Export stage: a trained model -> the runtime's artifact (manifest, ONNX int8 / numpy files, model card)."""

from lyricgenre.export.artifact import copy_for_package, export_model

__all__ = ["copy_for_package", "export_model"]
