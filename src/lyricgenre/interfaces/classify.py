"""The one classify path of every interface that reads songs: rows in, (row, prediction) out, in input order.

`predict_file` writes what it yields, `tag_library` decides and rewrites each file from it; both read songs
with `lyricgenre.interfaces.songs` first. Songs are classified a batch at a time as they stream in, or, pooled,
all first and each artist's (or album's) songs together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.interfaces.progress import ProgressBar
from lyricgenre.interfaces.songs.rows import SongRow
from lyricgenre.runtime import AlbumKey, GenreClassifier, PoolKey, Prediction, ScoredSongs, artist_groups

BATCH = 64  # songs classified at a time while streaming: their records are written before the next batch
COMPILATION_ARTISTS = {"various artists", "various", "va"}  # album artists that stand for no one artist


@dataclass(frozen=True)
class Decisions:
    """How songs are decided: the model's own rule, or a global threshold / top-k; pooled or each alone."""

    threshold: float | None = None  # one global threshold instead of the model's default rule
    top_k: int | None = None  # at most this many genres per song
    pool: str | None = None  # tag songs together by "artist" or "album"; None: each on its own lyrics
    pool_required: bool = False  # no artist at all is an error (asked for with --pool-artist), not a no-op
    fill: bool = False  # pooled: a song without lyrics (an intro, an instrumental) gets its artist's (album's) answer
    explain: bool = False  # each record gets the lines behind its labels (`explanations`)


def classify_rows(
    classifier: GenreClassifier,
    rows: Iterable[SongRow],
    decisions: Decisions = Decisions(),
    progress: ProgressBar | None = None,
    saved: Path | None = None,
) -> Iterator[tuple[SongRow, Prediction | None]]:
    """Each row with its prediction, in input order; None for a row with nothing to classify (a read error, no
    lyrics). A text the runtime cannot classify gets a Prediction whose `error` says why. Pooled, the rows come
    back without their lyrics (scored already: a pooled run does not hold a library's lyrics), and with `saved`
    the scores are kept in that file as they are made and an earlier run's are read back (`ScoredSongs`)."""
    progress = progress or ProgressBar(None, enabled=False)
    if decisions.pool:
        yield from _pooled(classifier, rows, decisions, progress, saved)
        return
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        yield from zip(batch, _predictions(classifier, batch, decisions))
        progress.update(len(batch))


def _predictions(classifier: GenreClassifier, rows: list[SongRow], decisions: Decisions) -> list[Prediction | None]:
    """A prediction per row (None where it has no lyrics), each song on its own lyrics."""
    indices = [k for k, row in enumerate(rows) if row.lyrics is not None]
    texts = [rows[k].lyrics for k in indices]
    found = classifier.classify(texts, decisions.threshold, decisions.top_k, explain=decisions.explain) if texts else []
    answers = dict(zip(indices, found))
    return [answers.get(k) for k in range(len(rows))]


def _pooled(
    classifier: GenreClassifier,
    rows: Iterable[SongRow],
    decisions: Decisions,
    progress: ProgressBar,
    saved: Path | None,
) -> Iterator[tuple[SongRow, Prediction | None]]:
    """Every song scored as it is read, then each answered with its artist's (album's) mean, in input order.

    The rows are held until then without their lyrics (`ScoredSongs` keeps their scores), so a pooled run over a
    library holds no lyrics but those it explains. Songs without an artist (album) are each tagged alone.
    """
    songs = ScoredSongs(classifier, decisions.threshold, decisions.top_k, True, decisions.explain, saved)
    kept: list[SongRow] = []  # every row, its lyrics dropped once scored
    keys: list[PoolKey] = []  # every row's pool key (those without lyrics too, for `fill`)
    scored = bytearray()  # 1 for the rows added to `songs`, in order
    artists_checked = not decisions.pool_required
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        batch_keys = [pool_key(row.fields, decisions.pool) for row in batch]
        lyrical = [k for k, row in enumerate(batch) if row.lyrics is not None]
        if lyrical and not artists_checked:
            _require_artists([batch_keys[k] for k in lyrical])
            artists_checked = True
        songs.add([batch[k].lyrics for k in lyrical], [batch_keys[k] for k in lyrical])
        kept.extend(row if row.lyrics is None else replace(row, lyrics=None) for row in batch)
        keys.extend(batch_keys)
        scored.extend(row.lyrics is not None for row in batch)
        progress.update(len(batch))
    progress.finish()  # every song is scored before the first record: the bar ends before they are shown
    filled = _filled(songs, kept, keys, scored, decisions.pool) if decisions.fill else {}
    answers = songs.predictions()
    for index, row in enumerate(kept):
        yield row, next(answers) if scored[index] else filled.get(index)


def _require_artists(keys: list[PoolKey]) -> None:
    """UserError when none of the first songs read has an artist (asked for with --pool-artist): told before the
    whole input is scored."""
    if not any(isinstance(key, AlbumKey) or (key and key.strip()) for key in keys):
        raise UserError(
            f"--pool-artist needs artists, and none of the first {len(keys)} songs has one: an 'artist' column or "
            "field, [ar:] tags in .lrc files or artist tags"
        )


def _filled(
    songs: ScoredSongs, rows: list[SongRow], keys: list[PoolKey], scored: bytearray, pool: str
) -> dict[int, Prediction]:
    """The answers of songs with nothing to classify (skipped, not failed; by row index) from their pool, when
    the pool has one: the pool as `artist_groups` makes it, so a song credited to "The Beatles" gets the answer of
    "Beatles"' songs. A filled song has no lines of its own to explain."""
    groups = artist_groups(keys)
    wanted = {groups[index] for index, row in enumerate(rows) if row.skipped}
    answers: dict[int, Prediction] = {}  # group -> the answer of its first song that has one
    position = 0  # the row's position among the scored songs
    for index, group in enumerate(groups):
        if scored[index]:
            if group in wanted and group not in answers and (answer := songs.prediction(position)).error is None:
                answers[group] = answer
            position += 1
    note = f"no lyrics of its own: the pooled genres of its {pool}'s songs"
    return {
        index: replace(answers[groups[index]], notes=[note])
        for index, row in enumerate(rows)
        if row.skipped and groups[index] in answers
    }


def pool_key(fields: dict, pool: str | None) -> PoolKey:
    """What songs are pooled by: the artist, or the album (with its album artist, else artist); None: alone (and
    always when `pool` is None: songs not pooled).

    A compilation's songs (album artist "Various Artists", as MusicBrainz and most taggers write it) are each
    artist's own: by album they are pooled per artist within the album, not across its artists.
    """
    if pool is None:
        return None
    if pool == "artist":
        artist = fields.get("artist")
        return artist if isinstance(artist, str) else None
    album, artist = fields.get("album"), fields.get("album_artist")
    if not isinstance(artist, str) or artist.strip().casefold() in COMPILATION_ARTISTS:
        artist = fields.get("artist")
    return AlbumKey(artist, album) if isinstance(album, str) and album.strip() and isinstance(artist, str) else None


def needed(keys: list[PoolKey], wanted: list[bool]) -> list[bool]:
    """Which songs must be classified for the `wanted` ones to get their answers: those and every song pooled
    with one of them (`artist_groups`; a song without a key is alone). The wanted songs' pools hold the same
    songs as in a run over all of them: a credit's artist identity depends on no credit outside its own pool."""
    groups = artist_groups(keys)
    pooled_with_wanted = {group for group, song_wanted in zip(groups, wanted) if song_wanted}
    return [group in pooled_with_wanted for group in groups]


def song_record(row: SongRow, prediction: Prediction | None, pool: str | None = None) -> dict:
    """The output record of a row: its number and kept fields, then its prediction (`Prediction.to_record`), or
    why it has none (`error`, or `skipped` for a song with nothing to classify or set aside)."""
    record = {"row": row.row, **row.fields}
    if prediction is None:
        reason = row.skipped or row.aside
        outcome = {"skipped": reason} if reason else {"error": row.error}
        return {**record, "families": None, "genres": None, "scores": None, **outcome}
    record.update(prediction.to_record())
    if pool and prediction.error is None:
        record[f"{pool}_songs"] = prediction.pooled_songs
    if row.skipped:  # nothing to classify, yet answered: filled from its pool (`Decisions.fill`)
        record["filled_from"] = pool
    return record


def failed(record: dict) -> bool:
    """Whether a record's song could not be classified (a skipped song is not a failure)."""
    return bool(record.get("error"))
