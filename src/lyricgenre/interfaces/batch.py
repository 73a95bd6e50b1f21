"""Files and folders of songs -> JSONL/CSV/Parquet records: the Python API behind `lyricgenre predict --input`.

Read (`lyricgenre.interfaces.songs`), classify (`lyricgenre.interfaces.classify`), write: every input row
becomes exactly one record, in input order; a row that cannot be classified gets an `error` field instead of
genres, and a song with nothing to classify (no lyrics anywhere, instrumental) a `skipped` reason.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.interfaces.classify import Decisions, classify_rows, failed, song_record
from lyricgenre.interfaces.library.lyrics_fetch import LyricsFetcher
from lyricgenre.interfaces.progress import ProgressBar, shown_beside
from lyricgenre.interfaces.resuming import classify_remaining
from lyricgenre.interfaces.songs import RecordWriter, read_songs
from lyricgenre.runtime import GenreClassifier


@dataclass(frozen=True)
class FileOptions(Decisions):
    """How `predict_file` reads songs and decides their genres (what `lyricgenre predict --input` unpacks)."""

    text_column: str = "lyrics"  # the lyrics column of a CSV, field of a JSONL file


def predict_file(
    input: Path,
    output: Path | None,
    classifier: GenreClassifier,
    options: FileOptions = FileOptions(),
    fetcher: LyricsFetcher | None = None,
    lines: Callable[[dict], str] | None = None,
    resume: bool = False,
) -> int:
    """Classify every row of `input` (a file or folder) into `output` (.jsonl/.csv/.parquet; None: standard
    output, as JSONL or, with `lines`, a line a record for people); returns how many rows could not be classified.

    With a `fetcher`, audio files without lyrics get them from a lyrics server first
    (`lyricgenre.interfaces.library.lyrics_fetch.LyricsFetcher`). With `resume`, the rows an earlier run already
    wrote into `output` are not written again (`lyricgenre.interfaces.resuming`); their count is on the progress
    bar. Pooled, the scores are kept in a hidden file beside the output until it is complete: a run stopped while
    scoring goes on from the songs it had scored.
    """
    input, output = Path(input), Path(output) if output else None
    rows = read_songs(input, options.text_column)
    if output and output.resolve() == input.resolve():
        raise UserError(f"{output}: the output would overwrite the input")
    if fetcher:
        rows = fetcher.fill(rows)
    columns = ((f"{options.pool}_songs",) if options.pool else ()) + (("lyrics_source",) if fetcher else ())
    columns += ("explanations",) if options.explain else ()
    # Records on the terminal show the progress as they come, except when pooling scores every song first.
    progress = ProgressBar.for_input(input, shown=shown_beside(output) or bool(options.pool))
    count = 0
    with RecordWriter(output, sys.stdout, columns, lines=lines, resume=resume) as writer, progress:
        if resume:
            read_again = partial(read_songs, input, options.text_column)
            found = classify_remaining(classifier, rows, options, progress, writer, read_again)
        else:
            found = classify_rows(classifier, rows, options, progress)
        for row, prediction in found:
            record = song_record(row, prediction, options.pool)
            writer.write(record)
            count += failed(record)
        writer.check_not_empty(input)
    return count
