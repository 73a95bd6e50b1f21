import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score

from lyricgenre import metrics
from lyricgenre.decision import Thresholds, top_k_mask
from lyricgenre.training.thresholds import tune_thresholds


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


@pytest.fixture
def two_models():
    rng = np.random.default_rng(3)
    groups = np.sort(rng.integers(0, 30, 240))
    artist_labels = rng.random((30, 10)) < 0.25
    artist_labels[:, 9] = np.arange(30) == groups[0]  # a genre of one artist: absent from some resamples
    truth = artist_labels[groups]  # songs carry their artist's genres
    worse = truth ^ (rng.random(truth.shape) < 0.25)
    better = truth ^ (rng.random(truth.shape) < 0.15)
    return truth, worse, better, groups


def _sklearn_f1(truth, predicted):
    present = np.flatnonzero(truth.any(axis=0))
    macro = f1_score(truth, predicted, average="macro", labels=present, zero_division=0)
    return f1_score(truth, predicted, average="micro", zero_division=0), macro


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_paired_bootstrap_matches_scikit_learn_on_the_resampled_artists(two_models, seed):
    truth, worse, better, groups = two_models
    result = metrics.paired_artist_bootstrap(truth, worse, better, groups, resamples=40, seed=seed)
    artists = np.unique(groups, return_inverse=True)[1]
    drawn = np.random.default_rng(seed).multinomial(30, [1 / 30] * 30, size=40)
    differences = []
    for row in drawn:
        songs = np.repeat(np.arange(len(truth)), row[artists])  # each song as often as its artist was drawn
        a, b = _sklearn_f1(truth[songs], worse[songs]), _sklearn_f1(truth[songs], better[songs])
        differences.append((b[0] - a[0], b[1] - a[1]))
    expected = np.percentile(differences, [2.5, 97.5], axis=0)
    assert result["f1_micro"]["ci95"] == pytest.approx(list(expected[:, 0]))
    assert result["f1_macro"]["ci95"] == pytest.approx(list(expected[:, 1]))
    point_a, point_b = _sklearn_f1(truth, worse), _sklearn_f1(truth, better)
    assert result["f1_micro"]["difference"] == pytest.approx(point_b[0] - point_a[0])
    assert result["f1_macro"]["difference"] == pytest.approx(point_b[1] - point_a[1])
    assert result["artists"] == 30 and result["resamples"] == 40


def test_paired_bootstrap_treats_artists_not_songs_as_the_draws(two_models):
    truth, worse, better, groups = two_models
    once = metrics.paired_artist_bootstrap(truth, worse, better, groups, resamples=200)
    assert once["f1_micro"]["ci95"][0] < once["f1_micro"]["difference"] < once["f1_micro"]["ci95"][1]
    twice = np.repeat(np.arange(len(truth)), 2)  # every song twice: twice the songs, the same artists
    doubled = metrics.paired_artist_bootstrap(truth[twice], worse[twice], better[twice], groups[twice], resamples=200)
    assert doubled["f1_micro"]["ci95"] == pytest.approx(once["f1_micro"]["ci95"])
    assert doubled["f1_macro"]["ci95"] == pytest.approx(once["f1_macro"]["ci95"])
    same = metrics.paired_artist_bootstrap(truth, worse, worse, groups, resamples=50)
    assert same["f1_micro"] == {"difference": 0.0, "ci95": [0.0, 0.0]}


def test_per_label_intervals_resample_whole_artists_and_bracket_the_point():
    from lyricgenre.metrics import per_label_intervals

    truth = np.array([[1, 0], [1, 0], [1, 1], [0, 1], [1, 0], [0, 0]], dtype=bool)
    predicted = np.array([[1, 0], [0, 0], [1, 1], [0, 0], [1, 0], [0, 1]], dtype=bool)
    groups = np.array([0, 0, 1, 1, 2, 3])
    f1, bounds = per_label_intervals(truth, predicted, groups, resamples=500)
    assert f1.tolist() == pytest.approx([6 / 7, 0.5])
    assert (bounds[:, 0] <= f1 + 1e-9).all() and (f1 <= bounds[:, 1] + 1e-9).all()
    one_artist = per_label_intervals(truth, predicted, np.zeros(6, dtype=int), resamples=50)[1]
    np.testing.assert_allclose(one_artist, [[6 / 7, 6 / 7], [0.5, 0.5]])  # nothing to resample but itself
