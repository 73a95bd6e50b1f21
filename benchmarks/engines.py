"""Local engine against Ray Data on the same Parquet file: whole-command wall time, songs/s, start-up.

    python benchmarks/engines.py [--songs 600] [--rounds 3] [--json]

Writes an N-song Parquet file (`id`, `artist`, `lyrics`) from the validation and test splits (then the training
split, beyond their 2,648 songs), then runs
`lyricgenre predict --input F --output O` with the local engine and with `--engine ray --workers 1|2` (and 2 into a
dataset folder its workers write themselves),
alternating, `--rounds` times each; reports each engine's median wall time (start-up included), songs/s,
its ratio to the local engine, and Ray's start-up overhead (the same commands on a 10-song file). Every
run's genres are checked identical to the local engine's.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from lyricgenre.defaults import DATASET

ENGINES = {"local": [], "ray-1": ["--engine", "ray", "--workers", "1"], "ray-2": ["--engine", "ray", "--workers", "2"]}
ENGINES["ray-2-parts"] = ENGINES["ray-2"]  # into a dataset folder its workers write their parts into themselves


def songs_file(data: Path, count: int, path: Path) -> Path:
    songs = pd.read_parquet(data, columns=["lyrics", "artist", "split"])
    # Validation and test songs first, then training songs when more are asked for (speed alone is measured).
    chosen = pd.concat([songs[songs["split"] != "train"], songs[songs["split"] == "train"]]).head(count)
    pd.DataFrame(
        {
            "id": [f"s{k}" for k in range(len(chosen))],
            "artist": chosen["artist"].values,
            "lyrics": chosen["lyrics"].values,
        }
    ).to_parquet(path)
    return path


def timed(source: Path, out: Path, extra: list[str], model: Path | None) -> float:
    command = ["lyricgenre", "predict", "--input", str(source), "--output", str(out), *extra]
    command += ["--model", str(model)] if model else []
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    return time.monotonic() - started


def genres(path: Path) -> list:
    """(id, genres) of every record, by id (a dataset folder's parts come in no set order)."""
    return sorted((row["id"], list(row["genres"])) for row in pq.read_table(path, columns=["id", "genres"]).to_pylist())


def output_suffixes(name: str) -> tuple[str, str]:
    """The big and the small run's outputs: Parquet files, or dataset folders for the "-parts" engines."""
    return ("", "-small") if name.endswith("-parts") else (".parquet", "-small.parquet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATASET)
    parser.add_argument("--model", type=Path, help="exported model folder (default: the shipped model)")
    parser.add_argument("--songs", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        big = songs_file(args.data, args.songs, folder / "songs.parquet")
        small = songs_file(args.data, 10, folder / "small.parquet")
        walls = {name: [] for name in ENGINES}
        starts = {name: [] for name in ENGINES}
        for _ in range(args.rounds):
            for name, extra in ENGINES.items():
                out, small_out = (folder / f"{name}{suffix}" for suffix in output_suffixes(name))
                for earlier in (out, small_out):  # a folder of an earlier round's parts is not resumed
                    shutil.rmtree(earlier, ignore_errors=True)
                walls[name].append(timed(big, out, extra, args.model))
                starts[name].append(timed(small, small_out, extra, args.model))
                if genres(out) != genres(folder / "local.parquet"):
                    sys.exit(f"{name}: genres differ from the local engine's")
    local = statistics.median(walls["local"])
    result = {"songs": args.songs, "rounds": args.rounds}
    for name in ENGINES:
        wall = statistics.median(walls[name])
        result[name] = {
            "wall_s": round(wall, 2),
            "songs_per_s": round(args.songs / wall, 1),
            "vs_local": round(wall / local, 2),
            "start_s": round(statistics.median(starts[name]), 2),
        }
    print(json.dumps(result) if args.json else json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
