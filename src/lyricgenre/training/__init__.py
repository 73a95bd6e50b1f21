"""Training stage: fit a model kind on the train split, tune its decision rules on validation, refit."""

from lyricgenre.training.train import refit_model, train_model, tune_model

__all__ = ["refit_model", "train_model", "tune_model"]
