"""How much memory `predict --resume` spends reading what an earlier run wrote, against the output's size.

    python benchmarks/resume_memory.py [--records 300000] [--json]

Writes a JSONL and a CSV output of `--records` records shaped like `lyricgenre predict`'s (15 family and 40
genre scores each, a half-written last record), then finds their done records (`done_keys`, what `--resume`
does first) in a fresh process each, and reports each process's peak resident memory beside one that read an
empty output: the growth must stay far below the output's size, since a million-song output is gigabytes.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

READ = """
import resource, sys
from pathlib import Path
from lyricgenre.interfaces.songs.resume import done_keys
done = done_keys(Path(sys.argv[1]))
print(len(done), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def record(number: int) -> dict:
    return {
        "row": number,
        "id": f"song-{number}",
        "artist": "Someone",
        "title": "A Song",
        "families": json.dumps(["rock", "pop"]),
        "genres": json.dumps(["rock", "album rock", "classic rock"]),
        "family_scores": json.dumps({f"family {k}": 0.1234 for k in range(15)}),
        "scores": json.dumps({f"genre name {k}": 0.1234 for k in range(40)}),
    }


def write_outputs(folder: Path, records: int) -> list[Path]:
    jsonl, table = folder / "out.jsonl", folder / "out.csv"
    with jsonl.open("w", encoding="utf-8") as lines, table.open("w", encoding="utf-8", newline="") as rows:
        writer = csv.DictWriter(rows, fieldnames=list(record(0)))
        writer.writeheader()
        for number in range(1, records + 1):
            lines.write(json.dumps(record(number)) + "\n")
            writer.writerow(record(number))
        lines.write('{"row": 0, "id": "half-writ')
        rows.write('0,"half-writ')
    empty = folder / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    return [empty, jsonl, table]


def peak(path: Path) -> tuple[int, int]:
    """(done records, peak resident KiB) of one fresh process reading `path`'s done records."""
    done = subprocess.run([sys.executable, "-c", READ, str(path)], check=True, capture_output=True, text=True)
    records, kib = done.stdout.split()
    return int(records), int(kib)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        empty, *outputs = write_outputs(Path(folder), args.records)
        _, baseline = peak(empty)
        report = {"records": args.records, "baseline_mib": round(baseline / 1024, 1)}
        for path in outputs:
            size = path.stat().st_size
            done, kib = peak(path)
            kind = path.suffix[1:]
            report[kind] = {
                "output_mib": round(size / 2**20, 1),
                "done": done,
                "peak_growth_mib": round((kib - baseline) / 1024, 1),
            }
    print(json.dumps(report) if args.json else json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
