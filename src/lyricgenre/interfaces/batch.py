"""Files and folders of songs -> JSONL/CSV/Parquet records: the Python API behind `lyricgenre predict --input`.

Read (`lyricgenre.interfaces.songs`), classify (`lyricgenre.interfaces.classify`), write: every input row
becomes exactly one record, in input order; a row that cannot be classified gets an `error` field instead of
genres, and a song with nothing to classify (no lyrics anywhere, instrumental) a `skipped` reason.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.interfaces.classify import Decisions, classify_rows, failed, song_record
from lyricgenre.interfaces.library.lyrics_fetch import LyricsFetcher
from lyricgenre.interfaces.progress import ProgressBar, shown_beside
from lyricgenre.interfaces.songs import RecordWriter, SongRow, read_songs
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
    wrote into `output` are not written again (`RecordWriter`); their count is on the progress bar. Pooled, every
    song counts in its artist's mean, so the scores are kept in a hidden file beside the output until it is complete
    (`saved_scores`): a run stopped while scoring goes on from the songs it had scored.
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
    count, earlier = 0, []
    saved = saved_scores(output) if resume and options.pool else None
    with RecordWriter(output, sys.stdout, columns, lines=lines, resume=resume) as writer, progress:
        if resume and not options.pool:  # streamed: what is done is not even scored
            rows = _not_done(rows, writer, progress, earlier)
        for row, prediction in classify_rows(classifier, rows, options, progress, saved):
            if resume and options.pool and writer.already_done(row.fields, row.row):
                earlier.append(row.row)  # pooled: scored for its artist's mean, written by the earlier run
                continue
            record = song_record(row, prediction, options.pool)
            writer.write(record)
            count += failed(record)
        if not earlier:
            writer.check_not_empty(input)
    if saved:
        saved.unlink(missing_ok=True)  # every record is written: nothing is left to go on with
    return count


def saved_scores(output: Path) -> Path:
    """Where a resumable pooled run keeps its scores until its output is complete: a hidden file beside it."""
    return output.parent / f".{output.name}.scores"


def _not_done(rows: Iterable[SongRow], writer: RecordWriter, progress: ProgressBar, earlier: list[int]):
    """The rows an earlier run did not write, counting the others on the progress bar (and in `earlier`)."""
    for row in rows:
        if writer.already_done(row.fields, row.row):
            earlier.append(row.row)
            progress.done_before(1)
        else:
            yield row
