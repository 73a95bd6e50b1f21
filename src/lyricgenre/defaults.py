"""Defaults shared by the stages and their commands, written once."""

from __future__ import annotations

from pathlib import Path

DATA_FOLDER = Path("data/build")  # where `lyricgenre data build` writes and the later stages read
DATASET = DATA_FOLDER / "songs.parquet"
RAW_DATA = Path("../shared/data/raw")
SEED = 13  # the split, the songs kept per artist and the transformer's initialisation
