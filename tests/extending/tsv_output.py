"""An output format added the way docs/extending.md says: one writer class, and one line in `OUTPUT_FORMATS`."""

from lyricgenre.interfaces.songs.writers import RecordFormat


class TsvRecords(RecordFormat):
    """Tab-separated values, a song a line: its id, families and genres."""

    description = "TSV: id, families and genres, a song a line"

    def write(self, record: dict) -> None:
        names = [", ".join(record.get(key) or []) for key in ("families", "genres")]
        self.handle.write("\t".join([str(record.get("id", record["row"])), *names]) + "\n")
