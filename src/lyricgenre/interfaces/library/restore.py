"""`lyricgenre restore`: undo a `tag --write` run from its report, which holds every value the run replaced.

Each file whose last record in the report is `written` gets its previous values back through the same checked
rewrite `tag` uses (`prepare_rewrite`): the field that now holds exactly what the run wrote is set to what it
held before (removed when it held nothing), and lyrics the run saved into a file that had none are removed. A
file whose field something else changed since is left alone and listed. A dry run unless `write`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.interfaces.audio import TAG_FIELDS, AudioTagError, read_tag, write_tags
from lyricgenre.interfaces.library.report import report_records
from lyricgenre.interfaces.library.tagger import summary


@dataclass(frozen=True)
class Restoration:
    """What happens to one file: its status, the field, and the values it gets back."""

    id: str
    path: Path
    status: str  # restored, would restore, already restored, changed since, missing, failed
    field: str | None = None
    values: list[str] | None = None
    error: str | None = None


def restore_report(report: Path, *, write: bool = False) -> Iterator[Restoration]:
    """Each file a `tag --write` run changed (by its report), with what restoring it does (done when `write`)."""
    for record in changed_files(Path(report)):
        yield _restore(record, write)


def changed_files(report: Path) -> list[dict]:
    """The last record of each file in a report (its outcome), for the files it records as `written`."""
    last: dict[str, dict] = {}
    for record in report_records(report):
        if record.get("id") is not None and record.get("tag_status"):
            last[str(record["id"])] = record
    written = [record for record in last.values() if record["tag_status"] == "written"]
    if not last:
        raise UserError(f"{report}: not a report of `lyricgenre tag` (no record has a tag_status)")
    return written


def _restore(record: dict, write: bool) -> Restoration:
    path = Path(record.get("path") or record["id"])
    written, previous = record.get("tag_values") or [], record.get("tag_previous") or []
    found = Restoration(str(record["id"]), path, "missing")
    if not path.is_file():
        return found
    try:
        holds = {field: read_tag(path, field) for field in TAG_FIELDS}
        field = next((field for field in TAG_FIELDS if written and holds[field] == written), None)
        if field is None:
            back = any(holds[field] == previous for field in TAG_FIELDS)
            return Restoration(found.id, path, "already restored" if back and previous else "changed since")
        updates = {field: previous, **({"lyrics": []} if _saved_lyrics(record) else {})}
        if write:
            write_tags(path, updates)
        return Restoration(found.id, path, "restored" if write else "would restore", field, previous)
    except AudioTagError as error:
        return Restoration(found.id, path, "failed", error=str(error))


def _saved_lyrics(record: dict) -> bool:
    return record.get("lyrics_saved") in (True, "True", "true")


def restore_line(result: Restoration) -> str:
    """One file's restoration as a person reads it."""
    if result.status in ("restored", "would restore"):
        values = ", ".join(result.values or []) or "(nothing: the field is removed)"
        return f"{result.id}: {result.field} back to {values}  [{result.status}]"
    why = {
        "changed since": "its genres were changed since the run; left as they are",
        "missing": "no such file any more",
        "already restored": "holds its previous values already",
    }.get(result.status, result.error or "")
    return f"{result.id}: {why}  [{result.status}]"


def run_restore(report: Path, write: bool, show: Callable[[str], None]) -> Counter:
    """Restore (or, without `write`, show) every file of the report; `show` gets a line a file. Returns the counts."""
    counts: Counter[str] = Counter()
    for result in restore_report(report, write=write):
        counts[result.status] += 1
        show(restore_line(result))
    return counts


STATUSES = ("restored", "would restore", "already restored", "changed since", "missing", "failed")


def restore_summary(counts: Counter) -> str:
    return summary(counts, "file", STATUSES)
