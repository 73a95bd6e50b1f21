"""The one classify path: rows in, (row, prediction) out, streamed or pooled."""

import pytest

from lyricgenre.errors import UserError
from lyricgenre.interfaces.classify import Decisions, classify_rows, pool_key, song_record
from lyricgenre.interfaces.songs.rows import SongRow
from lyricgenre.runtime import AlbumKey, GenreClassifier
from tests.conftest import synthetic_lyrics


@pytest.fixture(scope="module")
def classifier(exported_baseline):
    return GenreClassifier.load(exported_baseline)


def rows():
    return [
        SongRow(1, synthetic_lyrics("rock", 1), {"id": "a", "artist": "X"}),
        SongRow(2, None, {"id": "b"}, error="malformed JSON"),
        SongRow(3, "   ", {"id": "c", "artist": "X"}),
        SongRow(4, synthetic_lyrics("rap", 2), {"id": "d", "artist": "X"}),
        SongRow(5, None, {"id": "e"}, skipped="no lyrics"),
    ]


def test_rows_come_back_in_order_each_with_its_prediction_or_why_not(classifier):
    records = [song_record(row, prediction) for row, prediction in classify_rows(classifier, rows())]
    assert [r["id"] for r in records] == ["a", "b", "c", "d", "e"]
    assert records[0]["genres"] is not None and records[3]["genres"] is not None
    assert records[1]["error"] == "malformed JSON" and records[2]["error"] == "empty lyrics"
    assert records[4]["skipped"] == "no lyrics" and "error" not in records[4]
    alone = classifier.classify([synthetic_lyrics("rock", 1)])[0].to_record()
    assert {key: records[0][key] for key in alone} == alone  # a song's answer is its own


def test_pooled_rows_get_their_artists_mean_and_count(classifier):
    pooled = dict(
        (row.row, song_record(row, prediction, "artist"))
        for row, prediction in classify_rows(classifier, rows(), Decisions(pool="artist"))
    )
    assert pooled[1]["artist_songs"] == pooled[4]["artist_songs"] == 2  # the blank song is not pooled
    assert pooled[1]["scores"] == pooled[4]["scores"] and pooled[3]["error"] == "empty lyrics"


def test_pooling_that_was_asked_for_needs_artists(classifier):
    nameless = [SongRow(1, synthetic_lyrics("rock", 1), {"id": "a"})]
    with pytest.raises(UserError, match="--pool-artist needs artists"):
        list(classify_rows(classifier, nameless, Decisions(pool="artist", pool_required=True)))


def test_albums_pool_by_album_artist_and_compilations_per_artist():
    assert pool_key({"album": "A", "album_artist": "B", "artist": "C"}, "album") == AlbumKey("B", "A")
    assert pool_key({"album": "A", "album_artist": "Various Artists", "artist": "C"}, "album") == AlbumKey("C", "A")
    assert pool_key({"artist": "C"}, "album") is None and pool_key({"artist": "C"}, "artist") == "C"


def test_a_song_without_lyrics_is_filled_from_its_artist_whatever_the_credit_spelling(classifier):
    songs = [
        SongRow(1, synthetic_lyrics("rock", 1), {"id": "a", "artist": "Beatles"}),
        SongRow(2, synthetic_lyrics("rock", 2), {"id": "b", "artist": "Beatles"}),
        SongRow(3, None, {"id": "c", "artist": "The Beatles"}, skipped="no lyrics"),
        SongRow(4, None, {"id": "d", "artist": "Someone Else"}, skipped="no lyrics"),
    ]
    (_, first), _, (_, intro), (_, other) = classify_rows(classifier, songs, Decisions(pool="artist", fill=True))
    assert intro.genres == first.genres and intro.pooled_songs == 2 and "no lyrics of its own" in intro.notes[0]
    assert other is None


def test_a_pool_spans_batches_and_its_rows_come_back_without_lyrics(classifier):
    styles = ["rock", "rap", "country"]
    texts = [synthetic_lyrics(styles[k % 3], k) for k in range(150)]  # more than one batch (BATCH = 64)
    artists = [f"artist {k % 7}" for k in range(150)]
    songs = [SongRow(k + 1, text, {"id": k, "artist": artist}) for k, (text, artist) in enumerate(zip(texts, artists))]
    found = list(classify_rows(classifier, songs, Decisions(pool="artist")))
    expected = classifier.classify(texts, artists=artists)
    assert [prediction for _, prediction in found] == expected
    assert [p.pooled_songs for _, p in found] == [artists.count(artist) for artist in artists]
    assert all(row.lyrics is None and row.fields == {"id": k, "artist": artists[k]} for k, (row, _) in enumerate(found))


def test_pooling_that_was_asked_for_is_refused_after_the_first_batch_not_the_whole_input(classifier):
    def nameless():
        yield from (SongRow(k, synthetic_lyrics("rock", k), {"id": k}) for k in range(1, 65))
        raise AssertionError("the input was read past its first batch")

    with pytest.raises(UserError, match="none of the first 64 songs has one"):
        list(classify_rows(classifier, nameless(), Decisions(pool="artist", pool_required=True)))


def test_a_song_before_its_pool_is_filled_from_the_first_song_that_has_an_answer(classifier):
    songs = [
        SongRow(1, None, {"id": "intro", "artist": "X"}, skipped="no lyrics"),
        SongRow(2, "   ", {"id": "blank", "artist": "X"}),
        SongRow(3, synthetic_lyrics("rock", 1), {"id": "a", "artist": "X"}),
        SongRow(4, synthetic_lyrics("rap", 2), {"id": "b", "artist": "X"}),
    ]
    (_, intro), (_, blank), (_, first), _ = classify_rows(
        classifier, songs, Decisions(pool="artist", fill=True, explain=True)
    )
    assert blank.error == "empty lyrics" and first.explanation is not None
    assert intro.genres == first.genres and intro.pooled_songs == 2
    assert intro.explanation is None  # no lines of its own: another song's would explain nothing in it


def test_needed_songs_are_the_wanted_ones_and_every_song_pooled_with_one():
    from lyricgenre.interfaces.classify import needed

    keys = ["The Rockers", "Rockers", "Rap Crew", None, "Rap Crew & Friend", "Solo", None, AlbumKey("Rockers", "One")]
    wanted = [False, True, False, True, False, False, False, False]
    # "The Rockers" is pooled with the wanted "Rockers"; the album key is its own pool; songs without a key alone
    assert needed(keys, wanted) == [True, True, False, True, False, False, False, False]
    assert needed(keys, [False] * len(keys)) == [False] * len(keys)
