"""A `lyricgenre tag` report read back: what `restore` undoes, what `tag --resume` goes on from.

A report holds one record per file in the order the files were tagged (a `failed` record follows the `written`
one of a file whose rename failed). With `--write` each record is on disk before its file is renamed, so only the
last record can name a file the run did not get to rewrite.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lyricgenre.errors import UserError

LIST_COLUMNS = ("tag_values", "tag_previous")  # lists in a CSV report are joined by "|" (`songs.writers`)


def report_records(report: Path) -> Iterator[dict]:
    """The records of a report (.jsonl or .csv), lists as lists; UserError when it cannot be read."""
    try:
        with report.open(encoding="utf-8", newline="") as handle:
            if report.suffix.lower() == ".csv":
                for row in csv.DictReader(handle):
                    yield {key: _csv_list(value) if key in LIST_COLUMNS else value for key, value in row.items()}
                return
            for number, line in enumerate(handle, start=1):
                try:
                    record = json.loads(line)
                except ValueError:
                    raise UserError(f"{report}, line {number}: not a JSON record") from None
                if isinstance(record, dict):
                    yield record
    except FileNotFoundError:
        raise UserError(f"{report}: file not found") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UserError(f"{report}: cannot be read ({getattr(error, 'strerror', None) or error})") from None


def _csv_list(value: str | None) -> list[str]:
    return [part for part in (value or "").split("|") if part]


def records_changes(report: Path) -> bool:
    """Whether a report file records files an earlier run rewrote (a `written` record): that record is what
    a user undoes a run with, so no later run may replace it. A dry run's report may be replaced."""
    try:
        with report.open(encoding="utf-8", errors="replace", newline="") as handle:
            if report.suffix.lower() == ".csv":
                return any(row.get("tag_status") == "written" for row in csv.DictReader(handle))
            return any('"tag_status": "written"' in line for line in handle)
    except OSError:  # no such file (or none this run could write either)
        return False
    except csv.Error:  # a CSV that cannot be read through: it may hold such records, so it is kept
        return True


@dataclass(frozen=True)
class EarlierRun:
    """What a report says of the run that wrote it, for `tag --resume`."""

    wrote: bool  # a --write run: some file is `written`
    dry: bool  # a dry run: some file `would write`
    last_written: dict | None  # the last record, when it is a file's `written` one: maybe never renamed

    def check_same_kind(self, report: Path, write: bool) -> None:
        """UserError when the run going on is not of the earlier run's kind: a dry run's files were not written,
        and a --write run's report is the record that undoes it."""
        if write and self.dry:
            raise UserError(f"{report}: the report of a dry run; --resume --write goes on with a --write run's report")
        if not write and self.wrote:
            raise UserError(f"{report}: the report of a --write run; go on with it with --resume --write")


def earlier_run(report: Path) -> EarlierRun:
    """Read a report through (a stream: a million-file report is kept as three facts); UserError when a record
    has no `tag_status` (another command's output, whose rows `tag` would take for files it had done)."""
    wrote = dry = False
    last = None
    for last in report_records(report) if report.exists() else ():
        if not last.get("tag_status"):
            raise UserError(
                f"{report}: not a report of `lyricgenre tag` (a record without tag_status); give another --output"
            )
        wrote |= last["tag_status"] == "written"
        dry |= last["tag_status"] == "would write"
    return EarlierRun(wrote, dry, last if last and last.get("tag_status") == "written" else None)
