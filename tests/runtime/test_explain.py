"""Explanations: occlusion of each distinct line, measured through the runtime (the transformer + TF-IDF model)."""

import time

import pytest

from lyricgenre.runtime import GenreClassifier
from lyricgenre.runtime import explain as explaining
from lyricgenre.runtime.explain import MAX_EXPLAINED_LINES, MIN_EFFECT, Passage, passages, without
from tests.conftest import synthetic_lyrics

NEUTRAL = ["i and you and the we", "we the my and you i", "you and i the my we", "and we i you the my"]


@pytest.fixture(scope="module")
def classifier(exported):
    return GenreClassifier.load(exported)


def planted_song() -> str:
    """Neutral lines, and one line of rap words: the rap family's (and genres') reason."""
    lines = [NEUTRAL[k % 4] for k in range(8)]
    lines.insert(5, "money street hustle flow block crew rhyme mic cash money street")
    return "\n".join(lines)


def test_the_planted_line_is_named_first_for_the_label_it_decides(classifier):
    (prediction,) = classifier.classify([planted_song()], explain=True)
    assert "hip hop" in prediction.families or "rap" in prediction.genres, prediction.families
    named = prediction.explanation.genres.get("rap") or prediction.explanation.families.get("hip hop")
    assert named[0].line == 6 and named[0].text.startswith("money street") and named[0].effect > 0
    assert all(a.effect >= b.effect for a, b in zip(named, named[1:]))  # strongest first


def test_an_effect_is_the_drop_when_every_occurrence_is_removed(classifier):
    song = planted_song() + "\n" + planted_song()  # the rap line twice
    (prediction,) = classifier.classify([song], explain=True)
    label, effects = next((name, e) for name, e in prediction.explanation.genres.items() if e)
    first = effects[0]
    column = classifier.genres.index(label)
    before, after = classifier.predict_proba([song, without(song, Passage(first.line, first.text))])[:, column]
    assert first.effect == pytest.approx(before - after, abs=1e-5)


def test_explanations_are_the_same_alone_in_a_batch_and_in_any_order(classifier):
    songs = [planted_song(), synthetic_lyrics("country", 3), synthetic_lyrics("rock", 4)]
    alone = [classifier.classify([song], explain=True)[0].explanation for song in songs]
    together = [p.explanation for p in classifier.classify(songs[::-1], explain=True)][::-1]
    assert together == alone


def _effects(prediction) -> list[float]:
    why = prediction.explanation
    return [e.effect for lines in (*why.families.values(), *why.genres.values()) for e in lines]


def test_no_line_is_reported_that_lowers_a_score_by_less_than_the_smallest_effect_shown(classifier, monkeypatch):
    song = planted_song()
    effects = _effects(classifier.classify([song], explain=True)[0])
    assert effects and min(effects) >= MIN_EFFECT
    median = sorted(effects)[len(effects) // 2]
    monkeypatch.setattr(explaining, "MIN_EFFECT", median)
    fewer = _effects(classifier.classify([song], explain=True)[0])
    assert min(fewer) >= median and len(fewer) < len(effects)


def test_a_long_song_is_bounded_in_lines_and_encoder_calls(classifier, monkeypatch):
    song = "\n".join(f"line number {k} with its own words {k * 7}" for k in range(400))
    assert len(passages(song)) == MAX_EXPLAINED_LINES
    calls = []
    (_, scorer), *_ = [(w, s) for w, s in classifier.components if hasattr(s, "windows")]
    real = scorer.predict_proba
    monkeypatch.setattr(scorer, "predict_proba", lambda texts: calls.append(len(texts)) or real(texts))
    started = time.monotonic()
    (prediction,) = classifier.classify([song], explain=True)
    assert sum(calls) <= 2 + explaining.ENCODER_RESCORES and time.monotonic() - started < 30
    assert all(e.line <= 400 for effects in prediction.explanation.families.values() for e in effects)


def test_a_song_that_cannot_be_classified_has_no_explanation(classifier):
    blank, song = classifier.classify(["   ", planted_song()], explain=True)
    assert blank.error and blank.explanation is None and "explanations" not in blank.to_record()
    assert song.to_record()["explanations"]["genres"].keys() == set(song.genres)


def test_a_song_on_one_line_is_explained_by_its_parts(classifier):
    song = " ".join(planted_song().splitlines())  # lyrics given without their line breaks
    parts = passages(song)
    assert len(parts) > 3 and all(p.line == 1 and p.part and len(p.text.split()) <= 12 for p in parts)
    assert " ".join(p.text for p in parts) == song  # distinct here: together they are the song
    (prediction,) = classifier.classify([song], explain=True)
    label, effects = next((name, e) for name, e in prediction.explanation.genres.items() if e)
    first = effects[0]
    assert first.line == 1 and first.text in song and len(first.text.split()) <= 12
    column = classifier.genres.index(label)
    removed = without(song, Passage(1, first.text, part=True))
    assert first.text not in removed and len(removed.split()) == len(song.split()) - len(first.text.split())
    before, after = classifier.predict_proba([song, removed])[:, column]
    assert first.effect == pytest.approx(before - after, abs=1e-5)
