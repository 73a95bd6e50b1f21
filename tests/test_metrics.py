import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score

from lyricgenre.decision import Thresholds, top_k_mask
from lyricgenre.evaluation import metrics
from lyricgenre.models.thresholds import tune_thresholds


@pytest.fixture
def labels():
    rng = np.random.default_rng(0)
    truth = rng.random((200, 12)) < 0.2
    truth[:, 11] = False  # a genre absent from the truth
    predicted = rng.random((200, 12)) < 0.25
    return truth, predicted


def test_f1_matches_scikit_learn(labels):
    truth, predicted = labels
    assert metrics.f1_micro(truth, predicted) == pytest.approx(f1_score(truth, predicted, average="micro"))
    present = np.flatnonzero(truth.any(axis=0))
    expected_macro = f1_score(truth, predicted, average="macro", labels=present, zero_division=0)
    assert metrics.f1_macro(truth, predicted) == pytest.approx(expected_macro)
    expected_samples = f1_score(truth, predicted, average="samples", zero_division=0)
    assert metrics.f1_samples(truth, predicted) == pytest.approx(expected_samples)
    summary = metrics.summary(truth, predicted)
    assert summary["precision_micro"] == pytest.approx(precision_score(truth, predicted, average="micro"))
    assert summary["recall_micro"] == pytest.approx(recall_score(truth, predicted, average="micro"))


def test_per_genre_matches_scikit_learn(labels):
    truth, predicted = labels
    rows = metrics.per_genre(truth, predicted, [f"g{i}" for i in range(12)])
    expected = f1_score(truth, predicted, average=None, zero_division=0)
    assert [r["f1"] for r in rows] == pytest.approx(list(expected))
    assert rows[11]["support"] == 0


def test_calibration_of_a_perfectly_calibrated_model():
    rng = np.random.default_rng(1)
    probabilities = rng.random((5000, 4))
    truth = rng.random((5000, 4)) < probabilities
    assert metrics.calibration(truth, probabilities)["ece"] < 0.02
    assert metrics.calibration(truth, np.clip(probabilities + 0.3, 0, 1))["ece"] > 0.2


def test_tuned_thresholds_beat_a_fixed_half_and_shrink_rare_genres():
    rng = np.random.default_rng(2)
    truth = rng.random((400, 6)) < 0.15
    truth[:, 5] = False
    probabilities = np.clip(truth * 0.35 + rng.random((400, 6)) * 0.3, 0, 1)
    rules = tune_thresholds(truth, probabilities)
    assert metrics.f1_micro(truth, rules.apply(probabilities)) > metrics.f1_micro(truth, probabilities >= 0.5)
    assert rules.per_genre[5] == pytest.approx(rules.global_threshold)  # no positives: stays global
    assert rules.strategy in rules.validation_scores
    assert Thresholds.from_dict(rules.to_dict()) == rules


def test_rule_is_chosen_on_held_out_artists_not_in_sample():
    """Every genre shares one optimal threshold: per-genre thresholds only fit noise, which only
    cross-validation over artists reveals."""
    rng = np.random.default_rng(0)
    artists = np.repeat(np.arange(25), 8)
    truth = (rng.random((25, 40)) < 0.15)[artists]
    probabilities = np.clip(0.2 * truth + rng.random(truth.shape) * 0.6, 0, 1)
    assert tune_thresholds(truth, probabilities).strategy == "per_genre"
    rules = tune_thresholds(truth, probabilities, groups=artists)
    assert rules.strategy == "global"
    per_genre = rules.validation_scores["per_genre"]
    assert per_genre["cross_validated"]["f1_micro"] < per_genre["f1_micro"]


def test_top_k_mask_marks_the_k_highest():
    mask = top_k_mask(np.array([[0.1, 0.9, 0.5], [0.3, 0.2, 0.1]]), 2)
    assert mask.tolist() == [[False, True, True], [True, True, False]]
