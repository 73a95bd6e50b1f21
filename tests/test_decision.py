"""Decision records shared by training and the runtime (the family rules are tested with their tuning)."""

import numpy as np

from lyricgenre.decision import LabelFamilies


def test_label_families_follow_the_labels_decided_and_score_their_best_label():
    families = LabelFamilies(["metal", "rock"], [["metal", "rock"], ["rock"], ["metal"]])  # three user labels
    probabilities = np.array([[0.2, 0.7, 0.1], [0.6, 0.1, 0.3]])
    np.testing.assert_allclose(families.scores(probabilities), [[0.2, 0.7], [0.6, 0.6]])
    decided = np.array([[False, True, False], [False, False, True]])
    assert families.decide(decided).tolist() == [[False, True], [True, False]]
    assert LabelFamilies.from_dict(families.to_dict()) == families
