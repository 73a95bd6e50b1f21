"""The typed answer: scores kept as arrays, ranked on demand."""

import numpy as np

from lyricgenre.runtime.prediction import LabelScores, Prediction


def test_labels_rank_most_probable_first_and_ties_in_vocabulary_order():
    scores = LabelScores(["a", "b", "c"], np.array([0.25, 0.5, 0.25], dtype=np.float32), np.array([0, 1, 1], bool))
    assert scores.ranked() == [("b", 0.5, True), ("a", 0.25, False), ("c", 0.25, True)]
    assert scores == LabelScores(["a", "b", "c"], np.array([0.25, 0.5, 0.25]), np.array([0, 1, 1], bool))
    assert scores != LabelScores(["a", "b", "c"], np.array([0.25, 0.5, 0.25]), np.array([0, 1, 0], bool))


def test_a_record_lists_the_predicted_labels_best_first_with_every_score():
    families = LabelScores(["rock", "pop"], np.array([0.4, 0.9], dtype=np.float32), np.array([False, True]))
    genres = LabelScores(["a", "b", "c"], np.array([0.3, 0.7, 0.5], dtype=np.float32), np.array([1, 1, 0], bool))
    record = Prediction(families, genres, ["a note"]).to_record()
    assert record["families"] == ["pop"] and record["genres"] == ["b", "a"]
    assert list(record["scores"]) == ["b", "c", "a"] and record["scores"]["c"] == 0.5
    assert record["family_scores"] == {"pop": 0.9, "rock": 0.4} and record["notes"] == ["a note"]
    assert Prediction.failed("empty lyrics").to_record()["error"] == "empty lyrics"
