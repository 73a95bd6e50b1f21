"""`lyricgenre tag`: a music library's audio files tagged with their predicted genres.

The songs are classified exactly as `lyricgenre predict --input` does (embedded or sidecar lyrics, optional
pooling by artist); each record then says what happens to its file's tag. Without `--write` nothing is
written (a dry run); with it, each file is rewritten through a checked copy (`lyricgenre.audio.write_tag`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from lyricgenre.audio import AudioTagError, read_tag, write_tag

TAG_COLUMNS = ("tag_status", "tag_previous", "tag_error")


class LibraryTagger:
    """Turns each prediction record into a tag decision for its file, and counts the outcomes.

    Statuses: `written`, `would write` (dry run), `unchanged` (the field already holds these genres),
    `no genres` (nothing passed the threshold: the file is left alone), `not classified` (the row has an
    error) and `failed` (the file could not be rewritten; `tag_error` says why, the file is unchanged).
    """

    def __init__(self, root: Path, field: str, write: bool):
        self.root, self.field, self.write = Path(root), field, write
        self.counts: Counter[str] = Counter()

    def __call__(self, record: dict) -> dict:
        status, previous, error = self._tag(record)
        self.counts[status] += 1
        extra = {"tag_status": status, "tag_previous": previous}
        return {**record, **extra, **({"tag_error": error} if error else {})}

    def _tag(self, record: dict) -> tuple[str, list[str] | None, str | None]:
        if record.get("genres") is None:
            return "not classified", None, None
        path = self.root / record["id"]
        try:
            previous = read_tag(path, self.field, record["id"])
        except AudioTagError as error:
            return "failed", None, str(error)
        genres = record["genres"]
        if not genres:
            return "no genres", previous, None
        if previous == genres:
            return "unchanged", previous, None
        if not self.write:
            return "would write", previous, None
        try:
            write_tag(path, self.field, genres)
        except AudioTagError as error:
            return "failed", previous, str(error)
        return "written", previous, None

    def summary(self) -> str:
        order = ("written", "would write", "unchanged", "no genres", "not classified", "failed")
        parts = [f"{self.counts[status]} {status}" for status in order if self.counts[status]]
        return f"{sum(self.counts.values())} audio files: " + ", ".join(parts)
