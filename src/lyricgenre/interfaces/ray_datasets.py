"""Ray Data's side of Parquet datasets: batches typed alike, so the parts the workers write read as one dataset,
and a stopped run's folder gone on with (`predict --engine ray --resume`)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from lyricgenre.errors import UserError
from lyricgenre.interfaces.progress import ProgressBar
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


PART_POLL_SECONDS = 0.5


def finished_ids(source, folder: Path) -> set[str]:
    """The ids (as text) an output folder holds already: the rows a resumed run leaves out."""
    if "id" not in source.columns():
        raise UserError("--resume with --engine ray knows rows by their id: the input needs an 'id' column")
    return {identifier for kind, identifier in dataset_keys(folder) if kind == "id"} if folder.is_dir() else set()


def not_done(source, done: set[str]):
    """The input rows whose ids are not in `done`."""
    if not done:
        return source

    def undone(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        keep = np.asarray([str(plain_value(identifier)) not in done for identifier in batch["id"]], dtype=bool)
        return {name: values[keep] for name, values in batch.items()}

    return source.map_batches(undone, batch_format="numpy")


def write_parts(predictions, folder: Path, resume: bool, progress: ProgressBar) -> int:
    """The workers write their parts into the folder; the rows that could not be classified, counted from them.
    The progress bar counts the rows of each part once it is complete (nothing comes back through this process)."""
    others = [p.name for p in folder.iterdir() if not p.name.startswith(".")] if folder.is_dir() else []
    if others and not resume:
        raise UserError(f"{folder}: holds files of an earlier run; --resume goes on with it, or give another folder")
    with _CompletedParts(folder, progress):
        predictions.write_parquet(str(folder))
    _, pq = pyarrow_modules()
    return sum(
        bool(error) for part in parts(folder) for error in pq.read_table(part, columns=["error"])["error"].to_pylist()
    )


def plain_value(value):
    """A numpy scalar from a batch as the Python value the local engine would have read."""
    return value.item() if isinstance(value, np.generic) else value


class _CompletedParts:
    """While the workers write, counts the rows of each new part of `folder` on the progress bar once the part
    is complete (its footer readable: Parquet writes it last), polling from a thread."""

    def __init__(self, folder: Path, progress: ProgressBar):
        self.folder, self.progress = folder, progress
        self.counted = {part.name for part in parts(folder)} if folder.is_dir() else set()
        self.stopped = threading.Event()
        self.poller = threading.Thread(target=self._poll, name="completed-parts", daemon=True)

    def __enter__(self) -> _CompletedParts:
        if self.progress.enabled:
            self.poller.start()
        return self

    def __exit__(self, *exception) -> None:
        self.stopped.set()
        if self.poller.is_alive():
            self.poller.join()
            self.count_new()

    def _poll(self) -> None:
        while not self.stopped.wait(PART_POLL_SECONDS):
            self.count_new()

    def count_new(self) -> None:
        pa, pq = pyarrow_modules()
        for part in parts(self.folder) if self.folder.is_dir() else []:
            if part.name in self.counted:
                continue
            try:
                rows = pq.ParquetFile(part).metadata.num_rows
            except (OSError, pa.ArrowException):  # still being written
                continue
            self.counted.add(part.name)
            self.progress.update(rows)
