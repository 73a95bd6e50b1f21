"""Batch inference on Ray Data: the model loaded once per actor, batches streamed through a pool of actors.

For catalogues of millions of songs, over one machine's cores or a cluster (`pip install 'lyricgenre[ray]'`):

    import ray
    from lyricgenre.interfaces.ray_engine import predict_dataset

    songs = ray.data.read_parquet("s3://bucket/lyrics/")             # a column `lyrics`, and any others
    predict_dataset(songs, workers=32).write_parquet("s3://bucket/genres/")

Each output row keeps the input's columns but the lyrics, and adds `families`, `genres`, `notes` (lists),
`scores` and `family_scores` (JSON objects as text) and `error` (why a row could not be classified, else
empty), exactly as `lyricgenre predict` computes them. Each actor runs onnxruntime on one thread (a core
each) with the tokenizer's own threads off.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from lyricgenre.errors import UserError
from lyricgenre.interfaces.progress import ProgressBar, shown_beside
from lyricgenre.interfaces.ray_datasets import finished_ids, not_done, plain_value, typed_batch, write_parts
from lyricgenre.interfaces.songs.datasets import is_dataset, is_dataset_output
from lyricgenre.interfaces.songs.fields import KEPT_FIELDS, as_text, kept_fields, matching_fields
from lyricgenre.interfaces.songs.rows import EMPTY
from lyricgenre.interfaces.songs.writers import RecordWriter
from lyricgenre.runtime import GenreClassifier, Prediction

EXTRA = "pip install 'lyricgenre[ray]'"
DEFAULT_BATCH = 64
ACTOR_CPUS = 0.5
BATCHES_PER_BLOCK = 1
# How the input is read. Ray Data's newer Parquet reader (`use_datasource_v2`, on by default since Ray 2.5x)
# first starts a pool of actors to read the files' footers, each a process of its own: on a machine of a few
# cores their start-up takes CPU from the model's actors (docs/results.md, "Engines"). The file-based reader
# samples the files first and would draw its own progress bar there, beside this command's.
READ_SETTINGS = {"use_datasource_v2": False, "enable_progress_bars": False}


def _ray():
    try:
        import ray
        import ray.data
    except ModuleNotFoundError:
        raise UserError(f"--engine ray needs Ray Data: {EXTRA}") from None
    return ray


class GenrePredictor:
    """A Ray Data callable class: batch of lyrics (a dict of columns) -> the same batch with predictions."""

    def __init__(
        self, model: str | None = None, text_column: str = "lyrics", threshold=None, top_k=None, fast: bool = False
    ):
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
        self.classifier = GenreClassifier.load(model, threads=1, fast=fast)
        self.text_column, self.threshold, self.top_k = text_column, threshold, top_k

    def __call__(self, batch: dict[str, np.ndarray]):
        texts = [as_text(text) for text in batch[self.text_column]]
        found = iter(self.classifier.classify([text for text in texts if text is not None], self.threshold, self.top_k))
        # A null cell is "empty lyrics", as the local engine reads a Parquet row without lyrics.
        records = [(Prediction.failed(EMPTY) if text is None else next(found)).to_record() for text in texts]
        out = {name: list(values) for name, values in batch.items() if name != self.text_column}
        for name in ("families", "genres", "notes"):
            out[name] = [record.get(name) for record in records]
        for name in ("family_scores", "scores"):  # a Ray column holds one type: score tables as JSON text
            out[name] = [None if record.get(name) is None else json.dumps(record[name]) for record in records]
        out["error"] = [record.get("error") or "" for record in records]
        return typed_batch(out)


def predict_dataset(
    dataset,
    model: str | None = None,
    *,
    text_column: str = "lyrics",
    workers: int = 2,
    batch_size: int = DEFAULT_BATCH,
    threshold: float | None = None,
    top_k: int | None = None,
    fast: bool = False,
):
    """A Ray Dataset of lyrics -> a Ray Dataset of predictions (lazy; rows in input order); `fast`: the encoder
    reads the first 128 tokens (`GenreClassifier.fast`)."""
    ray = _ray()
    if text_column not in dataset.columns():
        raise UserError(f"no column {text_column!r} (columns: {', '.join(dataset.columns())})")
    # The dataset runs under the context it was created with: ask that one to keep the input order.
    dataset.context.execution_options.preserve_order = True
    # Blocks of a few batches, streamed: a file's row group would otherwise be one block for one actor.
    dataset = dataset.repartition(target_num_rows_per_block=BATCHES_PER_BLOCK * batch_size)
    return dataset.map_batches(
        GenrePredictor,
        fn_constructor_kwargs={
            "model": model,
            "text_column": text_column,
            "threshold": threshold,
            "top_k": top_k,
            "fast": fast,
        },
        batch_size=batch_size,
        compute=ray.data.ActorPoolStrategy(size=workers),
        # One onnxruntime thread each; half a logical CPU reserved, so that with an actor on every core
        # Ray can still schedule the tasks that list and read the input (a whole CPU each would starve them).
        num_cpus=ACTOR_CPUS,
        batch_format="numpy",
    )


def predict_parquet(
    input,
    output,
    model: str | None = None,
    *,
    text_column: str = "lyrics",
    workers: int = 2,
    batch_size: int = DEFAULT_BATCH,
    address: str | None = None,
    threshold: float | None = None,
    top_k: int | None = None,
    lines: Callable[[dict], str] | None = None,
    resume: bool = False,
    fast: bool = False,
) -> int:
    """`lyricgenre predict --engine ray`: a Parquet file or dataset folder through Ray Data into `output`.

    A file output (any format) gets the same records as the local engine, in input order, through this process;
    a folder output (no suffix) is a dataset the workers write their parts into themselves, in no set order
    (scores as JSON text, as `predict_dataset` gives them). With `resume`, the ids such a folder holds already
    are left out of the run (the input needs an `id` column). A progress bar on a terminal counts the songs done,
    an earlier run's included; Ray Data's own bars and log lines are kept off it. Returns how many rows could not
    be classified (for a folder output: counted from its parts).
    """
    ray = _ray()
    input, output = Path(input), Path(output) if output else None
    if not (input.suffix.lower() == ".parquet" and input.is_file() or is_dataset(input)):
        raise UserError(f"{input}: --engine ray reads a Parquet file (.parquet) or a folder of Parquet parts")
    folder = output is not None and is_dataset_output(output)
    if resume and not folder:
        raise UserError("--resume with --engine ray goes on with a dataset folder: give --output FOLDER")
    progress = ProgressBar.for_input(input, shown=shown_beside(output))
    with _cluster(ray, address), _quiet_ray_data(), progress:
        _check_room(ray, workers)
        source = _read_parquet(ray, input)
        renamed = matching_fields(source.columns(), (text_column, *KEPT_FIELDS))  # "Lyrics", "Artist", as locally
        source = source.rename_columns(renamed) if renamed else source
        kept = [name for name in KEPT_FIELDS if name in source.columns()]
        if resume:
            done = finished_ids(source, output)
            progress.done_before(len(done))
            source = not_done(source, done)
        predictions = predict_dataset(
            source.select_columns([text_column, *kept]) if text_column in source.columns() else source,
            model,
            text_column=text_column,
            workers=workers,
            batch_size=batch_size,
            threshold=threshold,
            top_k=top_k,
            fast=fast,
        )
        if folder:
            return write_parts(predictions, output, resume, progress)
        return _write(predictions, kept, input, output, lines, progress)


def _read_parquet(ray, path: Path):
    """A Ray Dataset of the Parquet file or folder at `path`, read with `READ_SETTINGS`.

    Ray Data reads these settings when the dataset is made, so they are set for this call only and the caller's
    context is left as it was.
    """
    context = ray.data.DataContext.get_current()
    before = {name: getattr(context, name, None) for name in READ_SETTINGS}
    for name, value in READ_SETTINGS.items():
        setattr(context, name, value)
    try:
        return ray.data.read_parquet(str(path))
    finally:
        for name, value in before.items():
            setattr(context, name, value)


@contextmanager
def _quiet_ray_data():
    """Ray Data's log lines and warnings kept off the terminal for the run (its errors still show): the user
    sees this command's progress bar and messages, as with the local engine."""
    logger = logging.getLogger("ray.data")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"ray\.")
            yield
    finally:
        logger.setLevel(level)


@contextmanager
def _cluster(ray, address: str | None):
    """The running Ray connection, or a cluster started here and shut down as soon as the run ends (at exit,
    Ray would first wait half a second for its logs)."""
    if ray.is_initialized():
        yield
        return
    ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        yield
    finally:
        if address is None:
            _stop_autoscaler_monitor(ray)
        ray.shutdown()


def _stop_autoscaler_monitor(ray) -> None:
    """Stop the autoscaler monitor of a cluster this process started, before `ray.shutdown`.

    Ray's shutdown stops its head processes in a fixed order, the monitor after the GCS; told to stop then, the
    monitor tries to report to the GCS that is gone and is killed only after a one-second grace period. A
    one-machine cluster started for one run has nothing for the monitor to scale, so it is killed first. Ray has
    no public call for this: where its node object lacks the method, shutdown simply takes the usual time.
    """
    node = getattr(ray._private.worker, "_global_node", None)
    if node is not None and hasattr(node, "kill_monitor"):
        node.kill_monitor(check_alive=False)


def _write(predictions, kept: list[str], input: Path, output, lines, progress: ProgressBar) -> int:
    """Stream the predictions into `output` in input order; the number of rows that could not be classified."""
    failed, row = 0, 0
    with RecordWriter(Path(output) if output else None, sys.stdout, lines=lines) as writer:
        for batch in predictions.iter_batches(batch_size=None, batch_format="numpy"):  # blocks as they come
            progress.update(len(batch["error"]))
            for k in range(len(batch["error"])):
                row += 1
                fields, problem = kept_fields({name: plain_value(batch[name][k]) for name in kept})
                error = problem or batch["error"][k]  # what the local engine reports for the same row
                writer.write({"row": row, **fields, **_record(batch, k, error)})
                failed += bool(error)
        writer.check_not_empty(input)
    return failed


def _check_room(ray, workers: int) -> None:
    """Refuse more actors than the cluster can place beside one CPU for reading: Ray would wait for ever."""
    cpus = ray.cluster_resources().get("CPU", 0)
    most = int((cpus - 1) / ACTOR_CPUS)
    if workers > most:
        raise UserError(
            f"--workers {workers} needs {1 + workers * ACTOR_CPUS:g} of Ray's CPUs and this cluster has {cpus:g}: "
            f"use --workers {max(most, 1)} or fewer"
        )


def _record(batch: dict, k: int, error: str) -> dict:
    if error:
        return {"families": None, "genres": None, "scores": None, "error": error}
    return {
        "families": list(batch["families"][k]),
        "genres": list(batch["genres"][k]),
        "family_scores": json.loads(batch["family_scores"][k]),
        "scores": json.loads(batch["scores"][k]),
        "notes": list(batch["notes"][k]),
    }
