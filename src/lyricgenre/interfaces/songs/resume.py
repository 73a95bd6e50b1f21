"""What an earlier, stopped run already wrote into an output, for `predict --resume`.

A JSONL or CSV output is written in place when resuming, a record at a time, so a run killed at any moment
leaves every complete record and at most a half-written last one, which is cut off here (never counted as
done). Records are known by `datasets.resume_key`: the id, else the row number.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.interfaces.songs.datasets import dataset_keys, resume_key


def done_keys(output: Path) -> Counter:
    """The keys of the complete records in `output` (a JSONL or CSV file, or a dataset folder), cutting off a
    half-written last record; empty when there is no output yet."""
    if output.is_dir():
        return dataset_keys(output)
    if not output.exists():
        return Counter()
    is_csv = output.suffix.lower() == ".csv"
    with output.open("r+b") as handle:
        handle.truncate(_complete_length(output, quoted=is_csv))
    # Read as a stream: the output of a million-song run is gigabytes, and only each record's key is kept.
    with output.open(encoding="utf-8", errors="replace", newline="") as handle:
        try:
            records = csv.DictReader(handle) if is_csv else _json(handle)
            return Counter(resume_key(record, record.get("row")) for record in records)
        except (csv.Error, ValueError) as error:
            raise UserError(f"{output}: not an output this command wrote ({error}); give another --output") from None


def _json(lines):
    for line in lines:
        record = json.loads(line)
        if not isinstance(record, dict):
            raise ValueError("a line is not a JSON object")
        yield record


def _complete_length(path: Path, quoted: bool) -> int:
    """The bytes of `path` up to the end of its last complete record (a line, or for CSV the lines a record
    spans until its double quotes balance)."""
    complete, offset, inside = 0, 0, False
    with path.open("rb") as handle:
        for line in handle:
            offset += len(line)
            inside ^= quoted and line.count(b'"') % 2 == 1
            if line.endswith(b"\n") and not inside:
                complete = offset
    return complete
