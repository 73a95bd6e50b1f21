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


def test_parts_pooled_in_place_are_the_whole_pooled_at_once():
    from lyricgenre.decision import artist_groups, pool_groups, pool_in_place

    rng = np.random.default_rng(0)
    probabilities = rng.random((150, 7), dtype=np.float32)
    groups = artist_groups([f"artist {k % 11}" if k % 5 else None for k in range(150)])
    parts = [probabilities[:64].copy(), probabilities[64:65].copy(), probabilities[65:].copy()]
    pool_in_place(parts, groups)
    whole = pool_groups(probabilities, groups)
    np.testing.assert_array_equal(np.concatenate(parts), whole)  # to the bit: a run pooled in parts writes the same
    members = [k for k in range(150) if k % 11 == 1 and k % 5]  # the songs of row 1's artist
    np.testing.assert_allclose(whole[1], probabilities[members].mean(axis=0), rtol=1e-6)
