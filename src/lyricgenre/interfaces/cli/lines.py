"""Records as people read them on a terminal: a line a song, or for `tag` a line a file."""

from __future__ import annotations


def readable_line(record: dict) -> str:
    """A record as a person reads it: "id (Artist – Title): families · genres"; for a file being tagged, what
    its tag gets (and held before, when that differs) with the tag status."""
    name = str(record.get("id") or f"row {record['row']}")
    credit = " – ".join(str(record[key]) for key in ("artist", "title") if record.get(key))
    label = f"{name} ({credit})" if credit else name
    if record.get("error"):
        return f"{label}: error: {record['error']}"
    if record.get("skipped"):
        return f"{label}: skipped ({record['skipped']})"
    values, previous = record.get("tag_values"), record.get("tag_previous") or []
    if values is not None:  # what goes into the file
        line = f"{label}: {', '.join(values) or '(no genre)'}"
        if record.get("filled_from"):
            line += f" (no lyrics: its {record['filled_from']}'s genres)"
    else:
        families, genres = ", ".join(record.get("families") or []), ", ".join(record.get("genres") or [])
        line = f"{label}: {families} · {genres}" if families else f"{label}: {genres or '(no genre)'}"
    if "tag_status" in record:
        problem = f": {record['tag_error']}" if record.get("tag_error") else ""
        was = f"; was: {', '.join(previous)}" if values is not None and previous and previous != values else ""
        line += f"  [{record['tag_status']}{problem}{was}]"
    return line
