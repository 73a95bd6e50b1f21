"""Going on with a stopped run (`--resume`): the one path of `predict --input` and `tag`.

The output (`predict`'s records, `tag`'s report) says which rows an earlier run did: `RecordWriter` counts them.
Each song streamed alone is classified only if its record is missing. Pooled, every song counts in its artist's
(album's) mean, so all are scored before the first record is written: the scores are kept in a hidden file beside
the output as they are made (`lyricgenre.runtime.saved`), a run stopped while scoring reads them back, and
the file goes once the output is complete. A pooled run whose output already holds every row scores nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from lyricgenre.interfaces.classify import Decisions, classify_rows
from lyricgenre.interfaces.progress import ProgressBar
from lyricgenre.interfaces.songs import RecordWriter, SongRow
from lyricgenre.runtime import GenreClassifier, Prediction


def classify_remaining(
    classifier: GenreClassifier,
    rows: Iterable[SongRow],
    decisions: Decisions,
    progress: ProgressBar,
    writer: RecordWriter,
    read_again: Callable[[], Iterable[SongRow]],
) -> Iterator[tuple[SongRow, Prediction | None]]:
    """`classify_rows` for the rows whose record `writer`'s output lacks, in input order.

    `read_again` reads the input once more as it is on disk (no lyrics fetched): pooled, when the output holds
    records, one pass over it tells whether any row is left before the library is scored again for nothing."""
    if not decisions.pool:
        yield from classify_rows(classifier, _not_done(rows, writer, progress), decisions, progress)
        return
    if writer.done and writer.holds_every(read_again()):
        progress.done_before(writer.earlier)
        return
    saved = saved_scores(writer.output)
    for row, prediction in classify_rows(classifier, rows, decisions, progress, saved):
        if not writer.already_done(row.fields, row.row):  # scored for its pool's mean, written by the earlier run
            yield row, prediction
    saved.unlink(missing_ok=True)  # every record is written once the caller has written these


def saved_scores(output: Path) -> Path:
    """Where a resumable pooled run keeps its scores until its output is complete: a hidden file beside it."""
    return output.parent / f".{output.name}.scores"


def _not_done(rows: Iterable[SongRow], writer: RecordWriter, progress: ProgressBar) -> Iterator[SongRow]:
    """The rows an earlier run did not write, counting the others on the progress bar."""
    for row in rows:
        if writer.already_done(row.fields, row.row):
            progress.done_before(1)
        else:
            yield row
