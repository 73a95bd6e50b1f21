"""The one classify path of every interface that reads songs: rows in, (row, prediction) out, in input order.

`predict_file` writes what it yields, `tag_library` decides and rewrites each file from it; both read songs
with `lyricgenre.interfaces.songs` first. Songs are classified a batch at a time as they stream in, or, pooled,
all first and each artist's (or album's) songs together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice

from lyricgenre.errors import UserError
from lyricgenre.interfaces.progress import ProgressBar
from lyricgenre.interfaces.songs.rows import SongRow
from lyricgenre.runtime import AlbumKey, GenreClassifier, PoolKey, Prediction, artist_groups

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
) -> Iterator[tuple[SongRow, Prediction | None]]:
    """Each row with its prediction, in input order; None for a row with nothing to classify (a read error, no
    lyrics). A text the runtime cannot classify gets a Prediction whose `error` says why."""
    progress = progress or ProgressBar(None, enabled=False)
    if decisions.pool:
        yield from _pooled(classifier, list(rows), decisions, progress)
        return
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        yield from zip(batch, _predictions(classifier, batch, decisions))
        progress.update(len(batch))


def _predictions(
    classifier: GenreClassifier, rows: list[SongRow], decisions: Decisions, artists=None, progress=None
) -> list[Prediction | None]:
    """A prediction per row (None where it has no lyrics); `artists`: pool keys of the rows that have them."""
    indices = [k for k, row in enumerate(rows) if row.lyrics is not None]
    texts = [rows[k].lyrics for k in indices]
    found = (
        classifier.classify(texts, decisions.threshold, decisions.top_k, artists, progress, decisions.explain)
        if texts
        else []
    )
    answers = dict(zip(indices, found))
    return [answers.get(k) for k in range(len(rows))]


def _pooled(
    classifier: GenreClassifier, rows: list[SongRow], decisions: Decisions, progress: ProgressBar
) -> Iterator[tuple[SongRow, Prediction | None]]:
    """Every song first, then each artist's (or album's) songs averaged. Songs without an artist (album) are
    each tagged alone."""
    keys = [pool_key(row.fields, decisions.pool) for row in rows if row.lyrics is not None]
    if decisions.pool_required and keys and not any(isinstance(key, AlbumKey) or (key and key.strip()) for key in keys):
        raise UserError(
            "--pool-artist needs artists: an 'artist' column or field, [ar:] tags in .lrc files or artist tags"
        )
    progress.total = len(keys)  # only these are scored before anything is written
    predictions = _predictions(classifier, rows, decisions, keys, progress.update)
    progress.finish()  # every song is scored before the first record: the bar ends before they are shown
    if decisions.fill:
        predictions = _filled(rows, predictions, decisions.pool)
    yield from zip(rows, predictions)


def _filled(rows: list[SongRow], predictions: list[Prediction | None], pool: str) -> list[Prediction | None]:
    """Songs with nothing to classify (skipped, not failed) given their pool's answer, when the pool has one: the
    pool as `artist_groups` makes it, so a song credited to "The Beatles" gets the answer of "Beatles"' songs."""
    groups = artist_groups([pool_key(row.fields, pool) for row in rows])
    answers = {}
    for group, prediction in zip(groups, predictions):
        if prediction is not None and prediction.error is None:
            answers.setdefault(group, prediction)
    note = f"no lyrics of its own: the pooled genres of its {pool}'s songs"
    return [
        replace(answers[group], notes=[note]) if prediction is None and row.skipped and group in answers else prediction
        for row, group, prediction in zip(rows, groups, predictions)
    ]


def pool_key(fields: dict, pool: str) -> PoolKey:
    """What songs are pooled by: the artist, or the album (with its album artist, else artist); None: alone.

    A compilation's songs (album artist "Various Artists", as MusicBrainz and most taggers write it) are each
    artist's own: by album they are pooled per artist within the album, not across its artists.
    """
    if pool == "artist":
        artist = fields.get("artist")
        return artist if isinstance(artist, str) else None
    album, artist = fields.get("album"), fields.get("album_artist")
    if not isinstance(artist, str) or artist.strip().casefold() in COMPILATION_ARTISTS:
        artist = fields.get("artist")
    return AlbumKey(artist, album) if isinstance(album, str) and album.strip() and isinstance(artist, str) else None


def song_record(row: SongRow, prediction: Prediction | None, pool: str | None = None) -> dict:
    """The output record of a row: its number and kept fields, then its prediction (`Prediction.to_record`), or
    why it has none (`error`, or `skipped` for a song with nothing to classify)."""
    record = {"row": row.row, **row.fields}
    if prediction is None:
        outcome = {"skipped": row.skipped} if row.skipped else {"error": row.error}
        return {**record, "families": None, "genres": None, "scores": None, **outcome}
    record.update(prediction.to_record())
    if pool and prediction.error is None:
        record[f"{pool}_songs"] = prediction.pooled_songs
    if row.lyrics is None:  # no lyrics of its own: filled from its pool (`Decisions.fill`)
        record["filled_from"] = pool
    return record


def failed(record: dict) -> bool:
    """Whether a record's song could not be classified (a skipped song is not a failure)."""
    return bool(record.get("error"))
