"""`lyricgenre predict`: single songs as a readable table or JSON, files and folders as JSONL/CSV records."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator

import numpy as np

from lyricgenre.errors import UserError
from lyricgenre.files import PredictionWriter, SongRow, read_songs
from lyricgenre.runtime import GenreClassifier, artist_groups, pool_by_artist

BATCH = 64
BAR_WIDTH = 24


def _classifier(args) -> GenreClassifier:
    return GenreClassifier.load(args.model, threads=args.threads)


def _read_single(lyrics: str) -> str:
    if lyrics != "-":
        return lyrics
    try:
        return sys.stdin.read()
    except UnicodeDecodeError as error:
        raise UserError(f"standard input is not UTF-8 text ({error.reason})") from error


def _record(ranked: list[tuple[str, float, bool]]) -> dict:
    """Predicted genres (best first) and every genre's probability."""
    return {
        "genres": [genre for genre, _, predicted in ranked if predicted],
        "scores": {genre: round(score, 4) for genre, score, _ in ranked},
    }


def predict_one(args) -> None:
    text = _read_single(args.lyrics)
    if not text.strip():
        raise UserError("the lyrics are empty")
    classifier = _classifier(args)
    (ranked,) = classifier.rank([text], args.threshold, args.top_k)
    if args.format == "json":
        print(json.dumps(_record(ranked), ensure_ascii=False))
        return
    shown = [item for item in ranked if item[2]] + [item for item in ranked if not item[2]][:5]
    print(f"{'genre':<28} {'score':>5}")
    for genre, probability, predicted in shown:
        bar = "█" * round(probability * BAR_WIDTH)
        print(f"{genre:<28} {probability:5.2f} {bar:<{BAR_WIDTH}} {'predicted' if predicted else ''}".rstrip())
    if not any(predicted for _, _, predicted in ranked):
        print("(no genre passes the threshold; the closest are shown)")


def predict_file(args) -> int:
    """Classify every row of `args.input`; returns how many rows could not be classified."""
    rows = read_songs(args.input, args.text_column)
    if args.output and args.output.resolve() == args.input.resolve():
        raise UserError(f"{args.output}: the output would overwrite the input")
    classifier = _classifier(args)
    writer = PredictionWriter(args.output, sys.stdout, extra_columns=("artist_songs",) if args.pool_artist else ())
    progress = _Progress()
    success = False
    try:
        classify = _classify_pooled if args.pool_artist else _classify_streaming
        failed = classify(classifier, rows, args, writer, progress)
        success = True
    finally:
        writer.close(success)
        progress.finish()
    return failed


def _classify_streaming(classifier: GenreClassifier, rows: Iterable[SongRow], args, writer, progress) -> int:
    """Batch by batch: each batch is written as soon as it is classified."""
    failed = 0
    for batch in _batches(rows):
        valid = [row for row in batch if row.error is None]
        ranked = classifier.rank([row.lyrics for row in valid], args.threshold, args.top_k) if valid else []
        failed += _write(batch, {row.row: _record(r) for row, r in zip(valid, ranked)}, writer)
        progress.update(len(batch))
    return failed


def _classify_pooled(classifier: GenreClassifier, rows: Iterable[SongRow], args, writer, progress) -> int:
    """Every song first, then each artist's songs averaged (`pool_by_artist`), then all written in input order."""
    rows = list(rows)
    valid = [row for row in rows if row.error is None]
    artists = [row.fields.get("artist") for row in valid]
    if valid and not any(isinstance(artist, str) and artist.strip() for artist in artists):
        raise UserError("--pool-artist needs artists: an 'artist' column or field, or [ar:] tags in .lrc files")
    parts = []
    for batch in _batches(valid):
        parts.append(classifier.predict_proba([row.lyrics for row in batch]))
        progress.update(len(batch))
    records = {}
    if valid:
        pooled = pool_by_artist(np.concatenate(parts), artists)
        groups = artist_groups(artists)
        songs_per_group = np.bincount(groups)
        ranked = classifier.rank_probabilities(pooled, args.threshold, args.top_k)
        for row, row_ranked, group in zip(valid, ranked, groups):
            records[row.row] = {**_record(row_ranked), "artist_songs": int(songs_per_group[group])}
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
        record.update(records.get(row.row) or {"genres": None, "scores": None, "error": row.error})
        writer.write(record)
    return sum(row.row not in records for row in rows)


class _Progress:
    """A one-line progress bar on stderr (only on a terminal, so logs and pipes stay clean)."""

    def __init__(self):
        self.done, self.started, self.enabled = 0, time.monotonic(), sys.stderr.isatty()

    def update(self, count: int) -> None:
        self.done += count
        if self.enabled:
            rate = self.done / max(time.monotonic() - self.started, 1e-9)
            print(f"\rclassified {self.done} songs ({rate:.0f} songs/s)", end="", file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self.enabled:
            print(file=sys.stderr)
