"""Family scores and the precise default: learnt on validation, exported, and applied identically by the runtime."""

import json

import numpy as np
import pytest

from lyricgenre.data.dataset import label_matrix, load_dataset
from lyricgenre.decision import RELATIVE_TO, Families, precise_mask
from lyricgenre.models import load_model
from lyricgenre.runtime import GenreClassifier
from lyricgenre.taxonomy import load_taxonomy
from lyricgenre.training import families as family_training
from lyricgenre.training.families import RELATIVE_GRID, count_bound, fit_families


def _validation(dataset):
    songs, _ = load_dataset(dataset)
    return songs[songs["split"] == "validation"]


def test_families_are_tuned_with_the_model_and_exported_unchanged(trained, exported):
    tuned = json.loads((trained["ensemble"] / "model.json").read_text())["families"]
    manifest = json.loads((exported / "manifest.json").read_text())["families"]
    assert manifest == tuned
    families = Families.from_dict(tuned)
    assert set(families.names) <= set(load_taxonomy().families)
    assert all(families.genre_families)  # every genre of the model under some family


def test_runtime_family_scores_equal_the_training_models(dataset, trained, exported):
    texts = list(_validation(dataset)["lyrics"][:10])
    model = load_model(trained["ensemble"])
    families = Families.from_dict(model.metadata["families"])
    runtime = GenreClassifier.load(exported, precision="fp32")
    expected = families.scores(model.predict_proba(texts))
    np.testing.assert_allclose(runtime.family_proba(runtime.predict_proba(texts)), expected, atol=1e-4)
    ranked = runtime.rank_families(runtime.predict_proba(texts))
    assert [name for name, _, _ in ranked[0]] and all(any(p for _, _, p in song) for song in ranked)


def test_precise_default_is_hierarchy_consistent(dataset, exported):
    runtime = GenreClassifier.load(exported)
    probabilities = runtime.predict_proba(list(_validation(dataset)["lyrics"]))
    genres = runtime.decide(probabilities)
    families = runtime.families.decide(runtime.family_proba(probabilities))
    membership = runtime.families.membership()
    for song_genres, song_families in zip(genres, families):
        assert song_genres.any()
        assert (membership[song_genres] & song_families).any(axis=1).all()  # each genre under a predicted family


def test_precise_mask_keeps_genres_under_predicted_families_only():
    membership = np.array([[1, 0], [1, 0], [0, 1]], dtype=bool)  # genres 0, 1 in family 0; genre 2 in family 1
    probabilities = np.array([[0.9, 0.6, 0.95], [0.1, 0.2, 0.05]])
    family_mask = np.array([[True, False], [True, False]])
    mask = precise_mask(probabilities, membership, family_mask, threshold=0.5, max_genres=5)
    assert mask.tolist() == [[True, True, False], [False, True, False]]  # 2nd song: its best allowed genre
    assert precise_mask(probabilities, membership, family_mask, 0.5, max_genres=1)[0].tolist() == [True, False, False]


def test_precise_mask_takes_a_threshold_per_genre():
    membership = np.array([[1, 0], [1, 0], [0, 1]], dtype=bool)
    probabilities = np.array([[0.9, 0.35, 0.85]])
    family_mask = np.array([[True, True]])
    own = np.array([0.5, 0.3, 0.99])  # the second genre's own threshold is low, the third's high
    assert precise_mask(probabilities, membership, family_mask, own, max_genres=3).tolist() == [[True, True, False]]


def _fitted_on_noisy_truth(wide_dataset):
    """Families fitted on validation songs whose probabilities are their truth plus noise."""
    validation = _validation(wide_dataset)
    genres = sorted({g for gs in validation["genres"] for g in gs})
    truth = label_matrix(validation["genres"], genres)
    rng = np.random.default_rng(0)
    probabilities = np.clip(0.6 * truth + rng.uniform(0, 0.5, truth.shape), 0, 1)
    families = fit_families(truth, probabilities, genres, load_taxonomy(), validation["artist_key"].to_numpy())
    return truth, probabilities, families


def test_fitted_precise_rule_predicts_no_more_genres_than_the_truth_has(wide_dataset):
    truth, probabilities, families = _fitted_on_noisy_truth(wide_dataset)
    predicted = families.fine_default(probabilities, families.decide(families.scores(probabilities)))
    assert predicted.sum(axis=1).mean() <= truth.sum(axis=1).mean()
    assert families.validation_scores["precise"]["mean_predicted_genres"] <= truth.sum(axis=1).mean()
    round_trip = Families.from_dict(json.loads(json.dumps(families.to_dict())))
    np.testing.assert_array_equal(round_trip.scores(probabilities), families.scores(probabilities))


def test_the_count_bound_is_the_mean_plus_a_margin_for_how_artists_differ():
    predicted = np.zeros((6, 8), dtype=bool)
    predicted[:3, :2] = predicted[3:, :6] = True  # artist a: 2 genres a song, artist b: 6
    groups = np.array(["a", "a", "a", "b", "b", "b"])
    assert count_bound(predicted, groups) == pytest.approx(4 + 1.645 * np.sqrt(2 * 6.0**2) / 6)
    even = np.zeros((4, 8), dtype=bool)
    even[:, :3] = True
    assert count_bound(even, np.array(["a", "a", "b", "c"])) == pytest.approx(3.0)  # artists agree: no margin


def test_the_precise_rule_names_no_more_genres_than_a_tag_shows(wide_dataset, monkeypatch):
    monkeypatch.setattr(family_training, "MOST_GENRES", 1.5)  # as imported there
    truth, _, families = _fitted_on_noisy_truth(wide_dataset)
    precise = families.validation_scores["precise"]
    assert truth.sum(axis=1).mean() > 1.5  # the tag's limit binds, not the truth's count
    assert precise["mean_predicted_genres"] <= precise["mean_predicted_genres_bound"] <= 1.5


def test_the_relative_rule_drops_faint_families_and_is_tuned_out_of_fold(wide_dataset):
    from lyricgenre.decision import RELATIVE_TO, Thresholds, family_decisions
    from lyricgenre.training.families import RELATIVE_GRID

    scores = np.array([[0.9, 0.5, 0.3], [0.4, 0.35, 0.1]])
    rules = Thresholds("global", 0.3, [0.3] * 3, 1)
    assert family_decisions(scores, rules, 0.0).tolist() == [[True, True, True], [True, True, False]]
    assert family_decisions(scores, rules, 0.5).tolist() == [[True, True, False], [True, True, False]]
    assert family_decisions(scores, Thresholds("global", 0.95, [0.95] * 3, 1), 0.5)[:, 0].all()  # the best kept

    _, _, families = _fitted_on_noisy_truth(wide_dataset)
    judged = families.validation_scores["relative_cross_validated"]
    assert families.relative in RELATIVE_GRID and families.relative_to in RELATIVE_TO
    assert set(judged) == set(RELATIVE_TO) and all(set(j) == {str(r) for r in RELATIVE_GRID} for j in judged.values())
    best = judged[families.relative_to][str(families.relative)]
    every = [s for by_share in judged.values() for s in by_share.values()]
    assert all(best["f1_micro"] + best["f1_macro"] >= s["f1_micro"] + s["f1_macro"] for s in every)
    counts = [judged["best"][str(r)]["mean_predicted_families"] for r in RELATIVE_GRID]
    assert counts == sorted(counts, reverse=True)  # a higher share keeps fewer families
    assert Families.from_dict({k: v for k, v in families.to_dict().items() if k != "relative"}).relative == 0.0


def test_a_share_relative_to_thresholds_keeps_a_rare_family_that_beats_its_own_threshold():
    from lyricgenre.decision import Thresholds, family_decisions

    scores = np.array([[0.73, 0.38, 0.30]])  # rock, metal, pop: metal far above its own low threshold
    rules = Thresholds("per_genre", 0.3, [0.45, 0.15, 0.35], 1)
    assert family_decisions(scores, rules, 0.6, "best").tolist() == [[True, False, False]]  # 0.38 < 0.6 * 0.73
    # over thresholds: rock 1.6, metal 2.5, pop 0.86: metal leads, rock (1.6 ≥ 0.6 * 2.5) stays, pop is below
    assert family_decisions(scores, rules, 0.6, "threshold").tolist() == [[True, True, False]]
    with pytest.raises(ValueError, match="relative_to"):
        family_decisions(scores, rules, 0.6, "prior")


def test_a_pooled_rule_is_tuned_on_artist_pooled_validation_scores(wide_dataset):
    truth, probabilities, families = _fitted_on_noisy_truth(wide_dataset)
    pooled = families.pooled
    assert pooled is not None and pooled.thresholds.strategy in ("global", "per_genre")
    assert pooled.relative in RELATIVE_GRID and pooled.relative_to in RELATIVE_TO
    assert pooled.validation_scores["families"]["artists"] >= 5
    assert pooled.validation_scores["precise"]["mean_predicted_genres"] <= truth.sum(axis=1).mean() + 1e-9
    round_trip = Families.from_dict(json.loads(json.dumps(families.to_dict())))
    assert round_trip.pooled == pooled
    earlier = {k: v for k, v in families.to_dict().items() if k not in ("pooled", "relative_to")}
    loaded = Families.from_dict(earlier)  # a manifest exported before these rules: single-song rule, raw share
    assert loaded.pooled is None and loaded.relative_to == "best"


def test_the_pooled_rule_gives_genres_scored_low_their_own_thresholds():
    """Genres the model scores low even where they belong (rare ones) are found pooled by their own thresholds,
    chosen out of fold; the single-song rule keeps one threshold."""
    from lyricgenre.decision import pool_artists

    genres = ["rock", "hard rock", "pop", "dance pop", "rap", "trap", "country", "contemporary country"]
    rng = np.random.default_rng(0)
    artist_genres = [rng.choice(len(genres), size=2, replace=False) for _ in range(80)]
    artists = np.repeat([f"artist {a}" for a in range(80)], 4)  # 4 songs each
    truth = np.zeros((len(artists), len(genres)), dtype=np.int64)
    for a, placed in enumerate(artist_genres):
        truth[4 * a : 4 * a + 4, placed] = 1
    probabilities = np.clip(0.6 * truth + rng.uniform(0, 0.5, truth.shape), 0, 1)
    low = np.arange(len(genres)) % 2 == 1
    probabilities[:, low] *= 0.25  # pooled, these genres score ~0.21 where they belong, the others ~0.25 where not
    families = fit_families(truth, probabilities, genres, load_taxonomy(), artists)
    assert families.pooled.fine_thresholds is not None and families.single.fine_thresholds is None
    assert families.pooled.validation_scores["precise"]["per_genre"] is True
    own = np.asarray(families.pooled.fine_thresholds)
    assert own[low].max() < own[~low].min()
    pooled, sizes = pool_artists(probabilities, list(artists))

    def found() -> float:  # the share of the low-scored genres' songs that get them when pooled
        decided = families.default_genres(pooled, sizes > 1).astype(bool)
        return (decided & truth.astype(bool))[:, low].sum() / truth[:, low].sum()

    with_own = found()
    families.pooled.fine_thresholds = None  # one threshold for all, the pooled rule's global one
    assert with_own > 0.75 and with_own > found() + 0.3, (with_own, found())


def test_pooled_rows_are_decided_by_the_pooled_rule_and_the_others_by_the_single_song_rule(wide_dataset):
    from lyricgenre.decision import FamilyRule, Thresholds

    _, probabilities, families = _fitted_on_noisy_truth(wide_dataset)
    everything = Thresholds("global", 0.0, [0.0] * len(families.names), 1)
    families.pooled = FamilyRule(everything, fine_threshold=0.0, max_genres=len(families.genre_families))
    scores = families.scores(probabilities[:4])
    pooled = np.array([True, False, True, False])
    decided = families.decide(scores, pooled)
    assert decided[pooled].all()  # a threshold of 0 keeps every family
    np.testing.assert_array_equal(decided[~pooled], families.decide(scores)[~pooled])
    genres = families.default_genres(probabilities[:4], pooled)
    np.testing.assert_array_equal(genres[~pooled], families.default_genres(probabilities[:4])[~pooled])
    assert genres[pooled].all()
    families.pooled = None  # a model without a pooled rule decides every row by its single-song rule
    np.testing.assert_array_equal(families.decide(scores, pooled), families.decide(scores))


def test_a_pooled_rule_is_exported_and_loaded_by_the_runtime(trained, tmp_path):
    import shutil

    from lyricgenre.decision import FamilyRule, Thresholds
    from lyricgenre.export import export_model

    model = shutil.copytree(trained["tfidf"], tmp_path / "tfidf")
    description = json.loads((model / "model.json").read_text())
    families = Families.from_dict(description["families"])
    thresholds = Thresholds("per_genre", 0.2, [0.25] * len(families.names), 1)
    own = [round(0.1 + 0.01 * k, 2) for k in range(len(families.genre_families))]
    families.pooled = FamilyRule(
        thresholds, fine_threshold=0.3, max_genres=4, relative=0.5, relative_to="threshold", fine_thresholds=own
    )
    description["families"] = families.to_dict()
    (model / "model.json").write_text(json.dumps(description))
    export_model(model, tmp_path / "export")
    assert GenreClassifier.load(tmp_path / "export").families.pooled == families.pooled
    card = (tmp_path / "export" / "MODEL_CARD.md").read_text()
    assert f"fine genres each at least its own threshold (0.1–{max(own):g}" in card
