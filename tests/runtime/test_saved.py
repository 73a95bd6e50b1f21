"""Saved scores: a run that goes on reads an earlier run's scores back, and never gives one to another text."""

import pytest

from lyricgenre.runtime import GenreClassifier, ScoredSongs
from tests.conftest import synthetic_lyrics

STYLES = ("rock", "rap", "country", "pop")


@pytest.fixture
def classifier(exported_baseline):
    """The classifier, counting the texts it scores (`scored`)."""
    classifier = GenreClassifier.load(exported_baseline)
    classifier.scored = []
    score = classifier.predict_proba
    classifier.predict_proba = lambda texts: classifier.scored.extend(texts) or score(texts)
    return classifier


def texts(count=150):
    return [synthetic_lyrics(STYLES[k % 4], k) for k in range(count)]


def answers(classifier, songs, saved=None, **options):
    scored = ScoredSongs(classifier, pooled=True, saved=saved, **options)
    for first in range(0, len(songs), 40):  # added as a reader gives them, a batch at a time
        batch = songs[first : first + 40]
        scored.add(batch, [f"A{k % 3}" for k in range(first, first + len(batch))])
    return list(scored.predictions())


def test_a_second_run_reads_every_score_back_and_answers_the_same(classifier, tmp_path):
    saved, songs = tmp_path / "scores", texts()
    first = answers(classifier, songs, saved)
    assert len(classifier.scored) == 150
    classifier.scored.clear()
    assert answers(classifier, songs, saved) == first and classifier.scored == []


def test_a_half_written_last_entry_is_cut_and_the_rest_scored_again(classifier, tmp_path):
    saved, songs = tmp_path / "scores", texts()
    answers(classifier, songs[:100], saved)  # a run stopped after scoring 100 songs
    saved.write_bytes(saved.read_bytes()[:-7])  # killed while writing the 100th entry
    classifier.scored.clear()
    resumed = answers(classifier, songs, saved)
    assert classifier.scored == songs[99:]  # the cut entry's song and those never scored
    assert resumed == answers(classifier, songs)  # as a run that was never stopped
    classifier.scored.clear()
    assert answers(classifier, songs, saved) == resumed and classifier.scored == []  # the file was written on


def test_a_changed_song_stops_the_reuse_there(classifier, tmp_path):
    saved, songs = tmp_path / "scores", texts()
    answers(classifier, songs, saved)
    edited = songs[:30] + [songs[30] + "\nan added line"] + songs[31:]
    classifier.scored.clear()
    resumed = answers(classifier, edited, saved)
    assert classifier.scored == edited[30:]  # from the changed song on, scored again
    assert resumed == answers(classifier, edited)


def test_scores_of_another_window_are_not_used(classifier, tmp_path):
    saved, songs = tmp_path / "scores", texts(20)
    answers(classifier, songs, saved)
    faster = classifier.fast(16)
    assert faster.scores_identity != classifier.scores_identity
    classifier.scored.clear()
    answers(faster, songs, saved)
    assert classifier.scored == songs  # scored again: the file is started anew for this classifier


def test_a_file_of_someone_elses_in_the_way_is_left_alone(classifier, tmp_path):
    from lyricgenre.errors import UserError

    theirs = tmp_path / "scores"
    theirs.write_text("my notes\n")
    with pytest.raises(UserError, match="not saved scores this command wrote"):
        answers(classifier, texts(3), theirs)
    assert theirs.read_text() == "my notes\n"


def test_scores_garbled_on_disk_are_scored_again(classifier, tmp_path):
    saved, songs = tmp_path / "scores", texts(10)
    answers(classifier, songs, saved)
    data = bytearray(saved.read_bytes())
    scores = 4 * len(classifier.genres)
    data[-scores:] = bytes(scores)  # the last entry's scores zeroed (its digest kept), as a power cut can leave it
    saved.write_bytes(bytes(data))
    classifier.scored.clear()
    resumed = answers(classifier, songs, saved)
    assert classifier.scored == songs[9:]  # that song alone
    assert resumed == answers(classifier, songs)
