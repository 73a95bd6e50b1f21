"""`SongRow`: one song as read from an input, before it is classified."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from lyricgenre.interfaces.songs.fields import as_text, kept_fields

EMPTY = "empty lyrics"  # the error of a row whose lyrics cell is empty or missing


@dataclass
class SongRow:
    """One input row. Its lyrics go to the runtime as they are (`GenreClassifier.classify` says why a text cannot
    be classified); a row the reader could not read has no lyrics and an `error`."""

    row: int  # 1-based position in the input
    lyrics: object  # the lyrics as read (normally text); None when there are none to classify
    fields: dict = field(default_factory=dict)  # id / artist / title / album / album_artist, when the input has them
    error: str | None = None  # why the row could not be read
    skipped: str | None = None  # why a song with nothing to classify is left out (no lyrics): not an error
    aside: str | None = None  # why a song is not classified though it could be: no answer of it is needed
    audio_path: Path | None = None  # the audio file the row is read from
    duration: float | None = None  # its length in seconds, from the audio stream
    label: object = None  # the label column's value, when the reader was asked for one (`lyricgenre adapt`)

    def set_aside(self, reason: str) -> SongRow:
        """The row without its lyrics, marked as not to be classified (nor its lyrics fetched) and why."""
        return replace(self, lyrics=None, skipped=None, error=None, aside=reason)


def song_row(number: int, lyrics, record: dict, missing: str = EMPTY, label_column: str | None = None) -> SongRow:
    """A row of a record that has `lyrics` (None: missing, the row's error is `missing`), kept fields and, with
    `label_column`, that column's value as its `label`."""
    fields, problem = kept_fields(record)
    label = as_text(record.get(label_column)) if label_column else None
    if problem:
        return SongRow(number, None, fields, error=problem, label=label)
    if lyrics is None:
        return SongRow(number, None, fields, error=missing, label=label)
    return SongRow(number, as_text(lyrics), fields, label=label)
