"""Evaluation stage: scores, paired comparisons, plots and reports for trained and exported models.

`lyricgenre evaluate` runs it (`evaluate_models`).
"""
