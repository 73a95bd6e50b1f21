"""Ray Data's side of Parquet datasets: batches typed alike, so the parts the workers write read as one dataset,
and a stopped run's folder gone on with (`predict --engine ray --resume`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lyricgenre.errors import UserError
from lyricgenre.interfaces.songs.datasets import dataset_keys, parts
from lyricgenre.interfaces.songs.parquet import pyarrow_modules


def typed_batch(columns: dict[str, list]):
    """The batch as an Arrow table whose prediction columns have one type in every batch (a batch of empty notes
    or of failed rows would otherwise be typed null, and the parts of a dataset would not read as one)."""
    pa, _ = pyarrow_modules()
    names = pa.list_(pa.string())
    types = {"families": names, "genres": names, "notes": names, "family_scores": pa.string(), "scores": pa.string()}
    types["error"] = pa.string()

    def typed(name: str, values: list):
        unknown = all(value is None for value in values)  # a kept column with no value in this batch: text
        return pa.array(values, type=types.get(name, pa.string() if unknown else None))

    return pa.table({name: typed(name, values) for name, values in columns.items()})


def not_done(source, folder: Path):
    """The input rows whose ids the output folder does not hold yet."""
    if "id" not in source.columns():
        raise UserError("--resume with --engine ray knows rows by their id: the input needs an 'id' column")
    done = {identifier for kind, identifier in dataset_keys(folder) if kind == "id"} if folder.is_dir() else set()
    if not done:
        return source

    def undone(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        keep = np.asarray([str(plain_value(identifier)) not in done for identifier in batch["id"]], dtype=bool)
        return {name: values[keep] for name, values in batch.items()}

    return source.map_batches(undone, batch_format="numpy")


def write_parts(predictions, folder: Path, resume: bool) -> int:
    """The workers write their parts into the folder; the rows that could not be classified, counted from them."""
    others = [p.name for p in folder.iterdir() if not p.name.startswith(".")] if folder.is_dir() else []
    if others and not resume:
        raise UserError(f"{folder}: holds files of an earlier run; --resume goes on with it, or give another folder")
    predictions.write_parquet(str(folder))
    _, pq = pyarrow_modules()
    return sum(
        bool(error) for part in parts(folder) for error in pq.read_table(part, columns=["error"])["error"].to_pylist()
    )


def plain_value(value):
    """A numpy scalar from a batch as the Python value the local engine would have read."""
    return value.item() if isinstance(value, np.generic) else value
