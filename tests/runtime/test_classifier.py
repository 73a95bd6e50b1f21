"""Export -> runtime parity, the Python API, and that the runtime never imports torch."""

import json
import subprocess
import sys

import numpy as np
import pytest

from lyricgenre.data.dataset import load_dataset
from lyricgenre.errors import UserError
from lyricgenre.export import export_model
from lyricgenre.models import load_model
from lyricgenre.runtime import AlbumKey, GenreClassifier, artist_groups, pool_by_artist


def _texts(dataset, n=12):
    songs, _ = load_dataset(dataset)
    return list(songs[songs["split"] == "test"]["lyrics"][:n])


def test_fp32_runtime_matches_the_training_model(dataset, trained, exported):
    texts = _texts(dataset)
    expected = load_model(trained["ensemble"]).predict_proba(texts)
    runtime = GenreClassifier.load(exported, precision="fp32")
    assert runtime.genres == load_model(trained["ensemble"]).genres
    np.testing.assert_allclose(runtime.predict_proba(texts), expected, atol=1e-4)


def test_int8_runtime_stays_close(dataset, trained, exported):
    texts = _texts(dataset)
    expected = load_model(trained["ensemble"]).predict_proba(texts)
    assert np.abs(GenreClassifier.load(exported).predict_proba(texts) - expected).max() < 0.05


def test_tfidf_export_reproduces_scikit_learn(dataset, trained, tmp_path):
    export_model(trained["tfidf"], tmp_path / "b")
    texts = _texts(dataset) + ["a tiny text", "x"]
    np.testing.assert_allclose(
        GenreClassifier.load(tmp_path / "b").predict_proba(texts),
        load_model(trained["tfidf"]).predict_proba(texts),
        atol=1e-2,  # coefficients are stored as int8 with a per-genre scale
    )


def test_predict_uses_tuned_rules_and_overrides(dataset, exported):
    classifier = GenreClassifier.load(exported, threads=1)
    texts = _texts(dataset, 3)
    assert all(set(genres) <= set(classifier.genres) for genres in classifier.predict(texts))
    assert all(len(genres) == 2 for genres in classifier.predict(texts, top_k=2))
    assert classifier.predict(texts, threshold=1.01) == [[], [], []]
    probabilities = classifier.predict_proba(texts)
    top = classifier.predict(texts, threshold=0.0, top_k=1)
    assert [g[0] for g in top] == [classifier.genres[int(np.argmax(p))] for p in probabilities]


def test_pool_by_artist_averages_each_artists_songs_ignoring_case_and_spacing():
    probabilities = np.array([[0.2, 0.8], [0.4, 0.6], [0.9, 0.1], [0.5, 0.5], [0.3, 0.3]], dtype=np.float32)
    artists = ["ABBA", "  abba ", "Queen", None, "   "]
    pooled = pool_by_artist(probabilities, artists)
    np.testing.assert_allclose(pooled[:2], [[0.3, 0.7]] * 2, atol=1e-6)
    np.testing.assert_array_equal(pooled[2:], probabilities[2:])  # a lone artist, no artist, a blank artist
    assert list(artist_groups(artists)) == [0, 0, 1, 2, 3]
    with pytest.raises(ValueError, match="2 artists for 5 songs"):
        pool_by_artist(probabilities, artists[:2])


def test_classifier_pools_by_artist_when_given_artists(dataset, exported):
    classifier = GenreClassifier.load(exported, threads=1)
    texts = _texts(dataset, 4)
    artists = ["A", "B", "a", None]
    alone = classifier.predict_proba(texts)
    pooled = classifier.predict_proba(texts, artists=artists)
    np.testing.assert_allclose(pooled[[0, 2]], [(alone[0] + alone[2]) / 2] * 2, atol=1e-6)
    np.testing.assert_array_equal(pooled[[1, 3]], alone[[1, 3]])
    assert classifier.predict(texts, artists=artists)[0] == classifier.predict(texts, artists=artists)[2]
    with pytest.raises(UserError, match="3 artists for 4 songs"):
        classifier.predict(texts, artists=artists[:3])


def test_bad_inputs_raise_clear_errors(exported, tmp_path):
    classifier = GenreClassifier.load(exported)
    with pytest.raises(UserError, match="empty"):
        classifier.predict_proba(["   "])
    with pytest.raises(UserError, match="must be text"):
        classifier.predict_proba([None])
    with pytest.raises(UserError, match="one text per song"):
        classifier.predict("one song's lyrics, not in a list")
    with pytest.raises(UserError, match="not an exported lyricgenre model"):
        GenreClassifier.load(tmp_path)


@pytest.mark.parametrize(
    ("damaged", "content"),
    [
        ("encoder.int8.onnx", b"version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 1\n"),  # LFS pointer
        ("tokenizer.json", b"{"),
        ("tfidf.npz", b"not a zip archive"),
    ],
)
def test_a_damaged_model_file_is_one_error_naming_it(exported, tmp_path, damaged, content):
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(exported, folder)
    (folder / damaged).write_bytes(content)
    with pytest.raises(UserError, match=rf"{damaged}.*component cannot be read \(.+\)$"):
        GenreClassifier.load(folder)


def test_runtime_does_not_import_torch(exported):
    code = (
        "import sys; from lyricgenre.runtime import GenreClassifier; "
        f"c = GenreClassifier.load({str(exported)!r}); c.predict(['hello there my love']); "
        "heavy = [m for m in ('torch', 'transformers', 'sklearn', 'pandas') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_manifest_describes_components(exported):
    manifest = json.loads((exported / "manifest.json").read_text())
    assert {c["type"] for c in manifest["components"]} == {"transformer", "tfidf"}
    assert sum(c["weight"] for c in manifest["components"]) == pytest.approx(1.0)
    assert (exported / "encoder.int8.onnx").stat().st_size < (exported / "encoder.onnx").stat().st_size / 2


def test_manifest_carries_the_prediction_windows_not_the_training_ones(exported):
    (encoder,) = [c for c in json.loads((exported / "manifest.json").read_text())["components"] if "max_length" in c]
    assert (encoder["max_length"], encoder["max_windows"]) == (64, 1)  # TINY_TRANSFORMER's predict_* keys


def test_a_songs_scores_do_not_depend_on_its_batch_mates_or_their_order():
    """Dynamic int8 quantisation scales are per call; one window per call keeps every song's scores its own.

    Alone, a song's one window runs on the two-thread session; in a batch, on the single-threaded lanes.
    """
    classifier = GenreClassifier.load(threads=2)
    words = "night fire road heart gun money dance rain river city love".split()
    rng = np.random.default_rng(7)
    texts = [" ".join(rng.choice(words, size=n)) for n in (12, 40, 90, 300, 700, 25, 160)]
    alone = np.stack([classifier.predict_proba([text])[0] for text in texts])
    together = classifier.predict_proba(texts)
    order = rng.permutation(len(texts))
    shuffled = classifier.predict_proba([texts[i] for i in order])
    np.testing.assert_array_equal(together, alone)
    np.testing.assert_array_equal(shuffled, alone[order])
    small_batches = classifier.predict_proba(texts, batch_size=2)
    np.testing.assert_array_equal(small_batches, alone)


def test_runtime_refuses_what_is_not_lyrics_and_cuts_runaway_texts(exported):
    from lyricgenre.text import MAX_LYRICS_CHARS

    classifier = GenreClassifier.load(exported, threads=1)
    for bad in ("\u200b\u200b", "la \ud800 la"):
        with pytest.raises(UserError):
            classifier.predict_proba([bad])
    song = "money on my mind and the block on my back " * 50
    runaway = song + "x " * MAX_LYRICS_CHARS
    np.testing.assert_array_equal(
        classifier.predict_proba([runaway]), classifier.predict_proba([runaway[:MAX_LYRICS_CHARS]])
    )


def test_classify_reports_a_bad_text_per_song_and_answers_the_others(exported):
    classifier = GenreClassifier.load(exported)
    good = "love and trucks on a country road " * 10
    predictions = classifier.classify([good, "   ", None, good])
    assert [p.error for p in predictions] == [None, "empty lyrics", "lyrics must be text, got NoneType", None]
    assert predictions[0] == predictions[3] and predictions[0].genres == classifier.predict([good])[0]
    assert predictions[0].to_record()["scores"] == {g: round(p, 4) for g, p, _ in predictions[0].ranked_genres}


def test_classify_pools_each_artists_songs(exported):
    classifier = GenreClassifier.load(exported)
    texts = ["love and trucks on a country road " * 10, "guns and money in the city " * 10, "rain " * 50]
    pooled = classifier.classify(texts, artists=["A", "A", None])
    expected = classifier.predict_proba(texts, artists=["A", "A", None])
    assert [p.pooled_songs for p in pooled] == [2, 2, 1]
    assert pooled[0].scores == {g: round(float(expected[0][classifier.genres.index(g)]), 4) for g in pooled[0].scores}


def test_fast_reads_the_first_128_tokens_with_the_same_sessions(exported):
    from lyricgenre.runtime.classifier import FAST_MAX_LENGTH

    classifier = GenreClassifier.load(exported)
    fast = GenreClassifier.load(exported, fast=True)
    (_, scorer), *_ = [(w, s) for w, s in fast.components if hasattr(s, "windows")]
    short, long = "love and trucks " * 10, " ".join(f"word{k} road" for k in range(600))
    assert all(len(window) <= FAST_MAX_LENGTH for window in scorer.windows([long])[0])
    assert np.array_equal(fast.predict_proba([short]), classifier.predict_proba([short]))  # one short window: the same
    original = [s for _, s in classifier.components if hasattr(s, "windows")][0]
    assert scorer.max_length == min(original.max_length, FAST_MAX_LENGTH)  # the test model's windows may be shorter
    faster = classifier.fast()
    assert faster.components[0][1] is not classifier.components[0][1] or not hasattr(faster.components[0][1], "windows")
    shared = [s for _, s in faster.components if hasattr(s, "windows")][0]
    assert shared.session is original.session  # nothing loaded again


def test_artist_groups_pool_one_artist_across_spellings_and_albums_by_their_artist():
    artists = ["The Beatles", "Beatles", "Drake feat. Rihanna", "Drake & Future", "Drake", None]
    assert list(artist_groups(artists)) == [0, 0, 1, 1, 1, 2]
    albums = [AlbumKey("The Beatles", "Abbey Road"), AlbumKey("Beatles", "abbey  road"), AlbumKey("Beatles", "Help!")]
    albums += [AlbumKey("Drake ft. X", "Views"), AlbumKey("   ", "Views")]
    assert list(artist_groups(albums)) == [0, 0, 1, 2, 3]


def test_songs_pooled_with_others_are_decided_by_the_pooled_rule_a_song_alone_by_its_own(exported):
    from lyricgenre.decision import FamilyRule, Thresholds

    classifier = GenreClassifier.load(exported)
    texts = ["love and trucks on a country road " * 10, "guns and money in the city " * 10, "rain " * 50]
    artists = ["A", "A", "B"]
    single = classifier.classify(texts, artists=artists)
    everything = Thresholds("global", 0.0, [0.0] * len(classifier.family_names), 1)
    classifier.families.pooled = FamilyRule(everything, fine_threshold=0.0, max_genres=len(classifier.genres))
    pooled = classifier.classify(texts, artists=artists)
    assert all(set(p.families) == set(classifier.family_names) for p in pooled[:2])
    assert all(set(p.genres) == set(classifier.genres) for p in pooled[:2])
    assert pooled[2] == single[2]  # alone under its artist: the single-song rule
    assert classifier.predict(texts, artists=artists) == [p.genres for p in pooled]
    unpooled = [p.ranked_genres for p in classifier.classify(texts, artists=[None, None, None])]
    assert unpooled == [p.ranked_genres for p in classifier.classify(texts)]  # each song alone: nothing pooled
