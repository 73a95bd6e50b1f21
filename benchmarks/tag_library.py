"""How long `lyricgenre tag` takes over a music library: a dry run, a first `--write`, a second one, and `--missing`.

    python benchmarks/tag_library.py [--files 200] [--size-mb 4] [--model DIR] [--json]

Builds a library of `--files` MP3 and FLAC files in a temporary folder (lyrics in their tags, ten songs per
artist; each file padded with audio frames to `--size-mb`, about a 4-minute MP3, since the checked rewrite
copies and hashes the audio), then times three whole commands on it: `lyricgenre tag DIR` (what would be
written), `lyricgenre tag DIR --write` (every file rewritten through a checked copy) and the same again
(nothing left to change). Reports each command's seconds and files/s, and the share of the first write spent
beyond the dry run (copying, writing, reading back and hashing the files). Then the field is emptied in the files
of one artist in ten and `lyricgenre tag DIR --missing` (a dry run) is timed against the first dry run: it
classifies only those artists' songs. Lyrics: the test split when a dataset is built, otherwise lyrics-like
synthetic text (`bench_runtime.load_songs`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_runtime import load_songs

from lyricgenre.defaults import DATASET
from lyricgenre.interfaces.audio import write_tags

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' audio-file maker
from tests.interfaces.audio_files import AUDIO_PAYLOAD, make_audio  # noqa: E402

MP3_FRAME_BYTES = 417  # the maker's MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz)
SONGS_PER_ARTIST = 10


def build_library(folder: Path, lyrics: list[str], size: int) -> list[Path]:
    """MP3 and FLAC files in turn, artist folders of SONGS_PER_ARTIST songs, each grown to `size` bytes."""
    paths = []
    for k, text in enumerate(lyrics):
        artist = f"Artist {k // SONGS_PER_ARTIST}"
        path = folder / artist / f"{k:05d}{'.mp3' if k % 2 == 0 else '.flac'}"
        make_audio(path, lyrics=text, artist=artist, title=f"Song {k}", album=f"Album {k // SONGS_PER_ARTIST}")
        _grow(path, size)
        paths.append(path)
    return paths


def _grow(path: Path, size: int) -> None:
    """More audio at the end: whole MPEG frames for an MP3 (its last bytes are one), payload bytes for a FLAC."""
    unit = path.read_bytes()[-MP3_FRAME_BYTES:] if path.suffix == ".mp3" else AUDIO_PAYLOAD
    missing = max(0, size - path.stat().st_size)
    with path.open("ab") as handle:
        handle.write(unit * (missing // len(unit)))


def empty_one_artist_in_ten(paths: list[Path]) -> int:
    """Remove the LYRICGENRE field from the files of the first artist of every ten (at least one artist): the files a
    `--missing` run tags. Returns how many."""
    emptied = [path for k, path in enumerate(paths) if (k // SONGS_PER_ARTIST) % 10 == 0]
    for path in emptied:
        write_tags(path, {"lyricgenre": []})
    return len(emptied)


def timed(command: list[str]) -> float:
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--size-mb", type=float, default=4.0)
    parser.add_argument("--data", type=Path, default=DATASET)
    parser.add_argument("--model", type=Path, help="exported model folder (default: the shipped model)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder) / "library"
        paths = build_library(library, load_songs(args.data, args.files), int(args.size_mb * 2**20))
        base = ["lyricgenre", "tag", str(library), *(["--model", str(args.model)] if args.model else [])]
        seconds = {
            "dry_run": timed([*base, "--output", str(Path(folder) / "dry.jsonl")]),
            "first_write": timed([*base, "--write", "--output", str(Path(folder) / "first.jsonl")]),
            "second_write": timed([*base, "--write", "--output", str(Path(folder) / "second.jsonl")]),
        }
        statuses = {"second": _statuses(Path(folder) / "second.jsonl")}
        emptied = empty_one_artist_in_ten(paths)
        seconds["missing"] = timed([*base, "--missing", "--output", str(Path(folder) / "missing.jsonl")])
        statuses["missing"] = _statuses(Path(folder) / "missing.jsonl")
    result = {
        "files": args.files,
        "size_mb": args.size_mb,
        **{name: {"s": round(s, 2), "files_per_s": round(args.files / s, 1)} for name, s in seconds.items()},
        "write_share_beyond_dry_run": round(1 - seconds["dry_run"] / seconds["first_write"], 3),
        "second_write_unchanged": statuses["second"].count("unchanged"),
        "missing_files": emptied,
        "missing_would_write": statuses["missing"].count("would write"),
        "missing_vs_dry_run": round(seconds["missing"] / seconds["dry_run"], 3),
    }
    print(json.dumps(result) if args.json else json.dumps(result, indent=1))


def _statuses(report: Path) -> list[str]:
    return [json.loads(line)["tag_status"] for line in report.open()]


if __name__ == "__main__":
    main()
