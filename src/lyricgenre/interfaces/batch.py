"""Files and folders of songs -> JSONL/CSV records: the Python API behind `lyricgenre predict --input`."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lyricgenre.errors import UserError
from lyricgenre.interfaces.formats import PredictionWriter, RecordHook, SongRow, count_songs, read_songs
from lyricgenre.interfaces.lyrics_fetch import LyricsFetcher
from lyricgenre.runtime import GenreClassifier, artist_groups, input_notes, pool_groups

BATCH = 64
PROGRESS_WIDTH = 30


Ranked = list[tuple[str, float, bool]]


def _record(families: Ranked, ranked: Ranked, lyrics: str) -> dict:
    """Predicted families and genres (best first), every family's and genre's probability, and why the tags
    may be less reliable."""
    return {
        "families": [family for family, _, predicted in families if predicted],
        "genres": [genre for genre, _, predicted in ranked if predicted],
        "family_scores": {family: round(score, 4) for family, score, _ in families},
        "scores": {genre: round(score, 4) for genre, score, _ in ranked},
        "notes": input_notes(lyrics),
    }


@dataclass(frozen=True)
class FileOptions:
    """How `predict_file` reads songs and decides their genres (what `lyricgenre predict --input` unpacks)."""

    text_column: str = "lyrics"  # the lyrics column of a CSV, field of a JSONL file
    threshold: float | None = None  # one global threshold instead of the model's default rule
    top_k: int | None = None  # at most this many genres per song
    pool: str | None = None  # tag songs together by "artist" or "album"; None: each on its own lyrics
    pool_required: bool = False  # no artist at all is an error (asked for with --pool-artist), not a no-op
    readable: bool = False  # standard output gets a line a song for people instead of JSONL records


def song_records(
    classifier: GenreClassifier, probabilities: np.ndarray, lyrics: list[str], threshold=None, top_k=None
) -> list[dict]:
    """`_record` for each song of `probabilities` (already pooled where asked for)."""
    ranked = classifier.rank_probabilities(probabilities, threshold, top_k)
    families = classifier.rank_families(probabilities)
    return [_record(f, r, text) for f, r, text in zip(families, ranked, lyrics)]


def predict_file(
    input: Path,
    output: Path | None,
    classifier: GenreClassifier,
    options: FileOptions = FileOptions(),
    tagger: RecordHook | None = None,
    fetcher: LyricsFetcher | None = None,
) -> int:
    """Classify every row of `input` (a file or folder) into `output` (.jsonl/.csv; None: standard output);
    returns how many rows could not be classified. The Python API of `lyricgenre predict --input`.

    With a `tagger` (`lyricgenre.interfaces.library.LibraryTagger`), only audio files are read and each record passes
    through it before it is written; when it writes tags, the report is written under its own name as the run
    goes (each record flushed before its file is renamed), since it holds the files' previous tag values.
    With a `fetcher`, audio files without lyrics get them from a lyrics server first
    (`lyricgenre.interfaces.lyrics_fetch.LyricsFetcher`).
    Rows with nothing to classify (no lyrics anywhere, instrumental) get a `skipped` reason, not an error.
    """
    input, output = Path(input), Path(output) if output else None
    rows = read_songs(input, options.text_column, audio_only=tagger is not None)
    if output and output.resolve() == input.resolve():
        raise UserError(f"{output}: the output would overwrite the input")
    if fetcher:
        rows = fetcher.fill(rows)
    columns = ((f"{options.pool}_songs",) if options.pool else ()) + (("lyrics_source",) if fetcher else ())
    columns += tagger.columns if tagger else ()
    writer = PredictionWriter(output, sys.stdout, columns, hook=tagger, readable=options.readable)
    progress = ProgressBar(None if options.readable else count_songs(input, audio_only=tagger is not None))
    progress.enabled = progress.enabled and not options.readable  # the lines themselves show the progress
    success = False
    try:
        classify = _classify_pooled if options.pool else _classify_streaming
        failed = classify(classifier, rows, options, writer, progress)
        if not writer.written:  # a header without rows, an empty file: an empty output would look like success
            raise UserError(f"{input}: no songs in this file")
        success = True
    finally:
        writer.close(success)
        progress.finish()
    return failed


def _classify_streaming(classifier: GenreClassifier, rows: Iterable[SongRow], options, writer, progress) -> int:
    """Batch by batch: each batch is written as soon as it is classified."""
    failed = 0
    for batch in _batches(rows):
        valid = [row for row in batch if row.lyrics is not None]
        texts = [row.lyrics for row in valid]
        records = []
        if texts:
            records = song_records(classifier, classifier.predict_proba(texts), texts, options.threshold, options.top_k)
        failed += _write(batch, {row.row: record for row, record in zip(valid, records)}, writer)
        progress.update(len(batch))
    return failed


COMPILATION_ARTISTS = {"various artists", "various", "va"}  # album artists that stand for no one artist


def pool_key(fields: dict, pool: str) -> str | None:
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
    return f"{artist}\0{album}" if isinstance(album, str) and album.strip() and isinstance(artist, str) else None


def _classify_pooled(classifier: GenreClassifier, rows: Iterable[SongRow], options, writer, progress) -> int:
    """Every song first, then each artist's (or album's) songs averaged (`pool_groups`), then all written in
    input order. Songs without an artist (album) are each tagged alone."""
    rows = list(rows)
    valid = [row for row in rows if row.lyrics is not None]
    artists = [pool_key(row.fields, options.pool) for row in valid]
    if options.pool_required and valid and not any(artist and artist.strip() for artist in artists):
        raise UserError(
            "--pool-artist needs artists: an 'artist' column or field, [ar:] tags in .lrc files or artist tags"
        )
    progress.total = len(valid)  # only these are scored before anything is written
    parts = []
    for batch in _batches(valid):
        parts.append(classifier.predict_proba([row.lyrics for row in batch]))
        progress.update(len(batch))
    records = {}
    if valid:
        groups = artist_groups(artists)
        pooled = pool_groups(np.concatenate(parts), groups)
        songs_per_group = np.bincount(groups)
        pooled_records = song_records(
            classifier, pooled, [row.lyrics for row in valid], options.threshold, options.top_k
        )
        for row, record, group in zip(valid, pooled_records, groups):
            records[row.row] = {**record, f"{options.pool}_songs": int(songs_per_group[group])}
    return _write(rows, records, writer)


def _batches(rows: Iterable[SongRow]) -> Iterator[list[SongRow]]:
    batch: list[SongRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _write(rows: list[SongRow], records: dict[int, dict], writer: PredictionWriter) -> int:
    """One output record per input row, in order; rows without a result keep their error. Returns how many."""
    for row in rows:
        record = {"row": row.row, **row.fields}
        outcome = {"skipped": row.skipped} if row.skipped else {"error": row.error}
        record.update(records.get(row.row) or {"families": None, "genres": None, "scores": None, **outcome})
        writer.write(record, row.audio_path)
    return sum(row.row not in records and not row.skipped for row in rows)


class ProgressBar:
    """A progress bar on stderr, with songs/s and the time left (only on a terminal: logs and pipes stay clean)."""

    def __init__(self, total: int | None):
        self.total, self.done, self.started, self.enabled = total, 0, time.monotonic(), sys.stderr.isatty()

    def update(self, count: int) -> None:
        self.done += count
        if self.enabled:
            print(f"\r{self.line(time.monotonic() - self.started)}", end="", file=sys.stderr, flush=True)

    def line(self, elapsed: float) -> str:
        rate = self.done / max(elapsed, 1e-9)
        if not self.total:
            return f"classified {self.done} songs ({rate:.0f} songs/s)"
        share = min(self.done / self.total, 1.0)
        filled = round(share * PROGRESS_WIDTH)
        left = max(self.total - self.done, 0) / rate if rate > 0 else 0.0
        return (
            f"[{'█' * filled}{'·' * (PROGRESS_WIDTH - filled)}] {self.done}/{self.total} songs {share:4.0%}"
            f" · {rate:.0f} songs/s · {left:.0f} s left"
        )

    def finish(self) -> None:
        if self.enabled:
            print(file=sys.stderr)
