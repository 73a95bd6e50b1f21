import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lyricgenre.adapt import AdaptSettings, LabelledSong, adapt
from lyricgenre.adapt.fit import fit_linear
from lyricgenre.adapt.learn import artist_folds, learnable_labels, matched_columns, song_weights
from lyricgenre.errors import UserError
from lyricgenre.runtime.head import LinearHead
from tests.adapt.conftest import LABELS, labelled_songs


@given(st.lists(st.integers(0, 12), min_size=2, max_size=80), st.integers(2, 6), st.integers(0, 5))
def test_no_artist_is_ever_on_both_sides_of_a_fold(groups, folds, seed):
    groups = np.array(groups)
    fold_of = artist_folds(groups, folds, seed)
    for artist in np.unique(groups):
        assert len(set(fold_of[groups == artist].tolist())) == 1
    assert len(set(fold_of.tolist())) == min(max(2, folds), len(np.unique(groups)))


def test_labels_with_too_few_songs_or_artists_are_left_out_and_counted():
    songs = labelled_songs(artists=3, songs=3)  # each label: 9 songs by 3 artists; Polka: 9 songs by 1 artist
    labels, left_out = learnable_labels(songs, AdaptSettings(min_songs=9, min_artists=2))
    assert sorted(labels) == sorted(LABELS.values()) and left_out == {"Polka": (9, 1)}
    labels, left_out = learnable_labels(songs, AdaptSettings(min_songs=10, min_artists=1))
    assert labels == [] and set(left_out) == {*LABELS.values(), "Polka"}


def test_user_names_are_matched_to_families_first_then_genres_by_whole_name_then_parts():
    genres = ["hip hop", "r&b", "singer-songwriter", "folk"]
    families = ["hip hop", "r&b & soul", "folk & singer-songwriter"]
    columns = matched_columns(["HIP-HOP", "R&B/Soul", "Singer/Songwriter", "Folk", "Polka"], genres, families)
    assert columns.tolist() == [4, 5, 6, 6, -1]  # families are the columns after the 4 genres


def test_song_weights_lift_small_labels_and_keep_the_total():
    targets = np.array([[1, 0]] * 6 + [[0, 1]] * 2, dtype=float)
    weights = song_weights(targets, 1.0)
    assert weights.sum() == pytest.approx(8) and weights[-1] == pytest.approx(3 * weights[0])
    assert song_weights(targets, 0.0) == pytest.approx(np.ones(8))


def test_the_linear_fit_learns_a_separable_problem_and_the_shared_prior_weight():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(120, 3))
    labels = (features[:, 0] > 0).astype(int)
    targets = np.eye(2)[labels]
    coef, intercept, _ = fit_linear(features, np.zeros_like(targets), targets, np.ones(120), 0.01, False)
    assert ((features @ coef + intercept).argmax(axis=1) == labels).mean() > 0.95
    priors = np.stack([-features[:, 1], features[:, 1]], axis=1) * 4  # only the prior column knows the label
    targets = np.eye(2)[(features[:, 1] > 0).astype(int)]
    _, _, prior_weight = fit_linear(np.zeros((120, 1)), priors, targets, np.ones(120), 0.01, False)
    assert prior_weight > 0.5


def test_adapting_answers_in_the_users_labels_and_reports_cross_validation(adapted):
    assert sorted(adapted.labels) == sorted(LABELS.values()) and adapted.threshold is None
    report = adapted.report
    assert report.left_out == {"Polka": (9, 1)} and report.songs == 60 and report.artists == 20
    assert report.per_song.accuracy > 0.5 and report.confusion is not None
    assert {score.label for score in report.labels} == set(LABELS.values())
    assert report.baseline is not None and ("Hip-Hop", "hip hop") in report.matched
    markdown = report.markdown()
    assert "Left out" in markdown and "Polka (9 songs, 1 artist)" in markdown and "| Hip-Hop |" in markdown


def test_the_head_survives_saving(adapted, tmp_path):
    adapted.head.save(tmp_path / "head.npz")
    loaded = LinearHead.load(tmp_path / "head.npz")
    assert loaded.multilabel == adapted.head.multilabel and loaded.prior_weight == adapted.head.prior_weight
    assert np.array_equal(loaded.coef, adapted.head.coef)


def test_songs_with_several_labels_make_a_multilabel_head(shipped):
    songs = [
        LabelledSong(
            song.lyrics, (*song.labels, "Loud") if song.labels[0] in ("Rock", "Hip-Hop") else song.labels, song.artist
        )
        for song in labelled_songs(rare=False)
    ]
    adapted = adapt(songs, shipped, AdaptSettings(min_songs=6))
    assert adapted.head.multilabel and adapted.threshold is not None and "Loud" in adapted.labels
    assert adapted.report.confusion is None


def test_fewer_than_two_learnable_labels_is_one_clear_error(shipped):
    songs = [LabelledSong("guitar road highway", ("Rock",), f"A{k}") for k in range(10)]
    with pytest.raises(UserError, match="fewer than two labels .* labels found: Rock \\(10\\)"):
        adapt(songs, shipped)
