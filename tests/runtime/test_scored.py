"""`ScoredSongs`: songs added a batch at a time answer as `classify` answers them all at once."""

import pytest

from lyricgenre.runtime import GenreClassifier, ScoredSongs
from tests.conftest import synthetic_lyrics


@pytest.fixture(scope="module")
def classifier(exported_baseline):
    return GenreClassifier.load(exported_baseline)


def songs():
    styles = ["rock", "rap", "country", "pop"]
    texts = [synthetic_lyrics(styles[k % 4], k) for k in range(140)]
    texts[3], texts[70], texts[71] = "   ", None, "la"  # blank, not text, and a short one (a note)
    return texts, [f"artist {k % 5}" if k % 9 else None for k in range(140)]


@pytest.mark.parametrize("pooled", [True, False])
def test_songs_added_in_pieces_answer_as_one_classify_call(classifier, pooled):
    texts, artists = songs()
    scored = ScoredSongs(classifier, top_k=3, pooled=pooled)
    counted = []
    for first, last in [(0, 5), (5, 6), (6, 100), (100, 140)]:
        scored.add(texts[first:last], artists[first:last] if pooled else None, counted.append)
    expected = classifier.classify(texts, top_k=3, artists=artists if pooled else None)
    assert len(scored) == 140 and sum(counted) == 138  # the two that cannot be classified are not scored
    assert list(scored.predictions()) == expected
    assert [scored.prediction(k) for k in (0, 3, 70, 71, 72, 139)] == [expected[k] for k in (0, 3, 70, 71, 72, 139)]
    assert expected[71].notes and expected[70].error and expected[3].error == "empty lyrics"
    assert all(p.pooled_songs is None for p in expected) != pooled


def test_nothing_is_added_once_the_answers_are_read(classifier):
    scored = ScoredSongs(classifier, pooled=True)
    scored.add([synthetic_lyrics("rock", 1)], ["A"])
    scored.prediction(0)
    with pytest.raises(RuntimeError, match="after the answers were read"):
        scored.add([synthetic_lyrics("rock", 2)], ["A"])  # it would change A's pooled answer already given


def test_explained_answers_match_classify_and_their_texts_are_let_go(classifier):
    texts = [synthetic_lyrics("rock", k) for k in range(70)]
    scored = ScoredSongs(classifier, pooled=True, explain=True)
    scored.add(texts, ["A"] * 70)
    answers = scored.predictions()
    assert next(answers) == classifier.classify(texts, artists=["A"] * 70, explain=True)[0]
    assert sorted(scored._explained) == list(range(64, 70))  # one batch answered: its texts let go
