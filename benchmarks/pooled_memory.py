"""How much memory a pooled run holds per song, against the same songs streamed.

    python benchmarks/pooled_memory.py [--songs 20000] [--model DIR] [--json]

Writes a CSV of `--songs` made-up songs (lines of common English words, ~1,700 characters each, five songs an
artist), then runs `lyricgenre predict --input songs.csv --output out.jsonl --fast`, streamed and with
`--pool-artist`, each in a fresh process, and reports their peak resident memory and what pooling adds per song.
A pooled run scores every song before it writes the first record (an artist's mean needs all its songs), so what
it holds per song meanwhile decides whether a million-song library fits in memory: it should be well under the
song's own lyrics.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

WORDS = (
    "i you the and my me we love night heart time know baby never way come down feel girl back away go life "
    "home road light fire rain dance money street dream tonight gonna world hold eyes gone run free long"
).split()
SONGS_PER_ARTIST = 5
CHARACTERS = 1700  # about a dataset song's lyrics


def song(rng: random.Random) -> str:
    lines, length = [], 0
    while length < CHARACTERS:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9)))
        lines.append(line)
        length += len(line) + 1
    return "\n".join(lines)


def write_songs(path: Path, songs: int) -> None:
    rng = random.Random(0)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "artist", "lyrics"])
        for number in range(songs):
            writer.writerow([number, f"Artist {number // SONGS_PER_ARTIST}", song(rng)])


def peak_mib(arguments: list[str]) -> float:
    """Peak resident memory (MiB) of one `lyricgenre` run, a process of its own."""
    command = [sys.executable, "-c", "from lyricgenre.launch import main; raise SystemExit(main())", *arguments]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(arguments)} failed: {process.stderr.read().strip()}")
    return usage.ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--songs", type=int, default=20_000)
    parser.add_argument("--model", help="model folder (default: the shipped model)")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        songs = Path(folder) / "songs.csv"
        write_songs(songs, args.songs)
        run = ["predict", "--input", str(songs), "--output", str(Path(folder) / "out.jsonl"), "--fast"]
        run += ["--model", args.model] if args.model else []
        streamed, pooled = peak_mib(run), peak_mib([*run, "--pool-artist"])
        extra_kb = (pooled - streamed) * 1024 / args.songs
        lyrics_kb = songs.stat().st_size / 1024 / args.songs
    report = {
        "songs": args.songs,
        "streamed_mib": round(streamed, 1),
        "pooled_mib": round(pooled, 1),
        "pooled_extra_kb_per_song": round(extra_kb, 2),
        "input_kb_per_song": round(lyrics_kb, 2),
        "extra_per_input_byte": round(extra_kb / lyrics_kb, 2),
    }
    print(json.dumps(report) if args.json else json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
