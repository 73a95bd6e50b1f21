"""`lyricgenre train`: fit a model on the train split, tune its thresholds on validation, save it.

`lyricgenre tune` redoes only the second half (the decision rules) for an already trained model;
`lyricgenre refit` trains a tuned model again on train + validation, keeping what was tuned.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lyricgenre.data.dataset import label_matrix, load_dataset
from lyricgenre.defaults import DATASET, SEED
from lyricgenre.errors import UserError, check_output_folder
from lyricgenre.metrics import summary
from lyricgenre.models import GenreModel, load_description, load_model, model_class
from lyricgenre.models.base import MODEL_FILE
from lyricgenre.settings import Settings, setting
from lyricgenre.taxonomy import load_taxonomy
from lyricgenre.training.families import fit_families
from lyricgenre.training.thresholds import tune_thresholds

# What an ensemble refit stopped after some members leaves in its --out (the refit resumes there).
REFIT_LEFTOVERS = frozenset({"members"})


@dataclass
class TrainingOptions(Settings):
    """Settings of the training run rather than of the model; given in the same config file."""

    max_songs_per_artist: int | None = setting(
        None, "train on at most this many songs of each artist (the same ones in `refit`); null: all"
    )


def split_config(kind: type[GenreModel], config: dict) -> tuple[TrainingOptions, Settings]:
    """A `--config` object as training options + the kind's settings; UserError naming every valid key."""
    unknown = sorted(set(config) - set(TrainingOptions.names()) - set(kind.Settings.names()))
    if unknown:
        valid = ", ".join([*TrainingOptions.names(), *kind.Settings.names()])
        raise UserError(f"unknown {kind.kind} setting(s) {', '.join(map(repr, unknown))}; valid: {valid}")
    options = {key: value for key, value in config.items() if key in TrainingOptions.names()}
    settings = {key: value for key, value in config.items() if key not in options}
    return (
        TrainingOptions.from_dict(options, what="training option"),
        kind.Settings.from_dict(settings, what=f"{kind.kind} setting"),
    )


def cap_songs_per_artist(songs: pd.DataFrame, cap: int | None, seed: int) -> pd.DataFrame:
    """Keep at most `cap` songs per artist, so a few prolific artists do not dominate training."""
    if not cap:
        return songs
    # Each artist's songs sampled on their own, artists in key order; iterating keeps every column (pandas 3's
    # groupby-apply would drop `artist_key`).
    kept = [group.sample(n=min(cap, len(group)), random_state=seed) for _, group in songs.groupby("artist_key")]
    return pd.concat(kept) if kept else songs


def genre_support(train: pd.DataFrame, genres: list[str]) -> dict[str, dict[str, int]]:
    """How many training songs and artists carry each genre: what `lyricgenre genres` shows as support."""
    exploded = train[["artist_key", "genres"]].explode("genres")
    songs = exploded["genres"].value_counts()
    artists = exploded.groupby("genres")["artist_key"].nunique()
    return {g: {"songs": int(songs.get(g, 0)), "artists": int(artists.get(g, 0))} for g in genres}


def train_model(
    data: Path,
    kind: str,
    out: Path,
    config: dict | None = None,
    train_split: str = "train",
    validation_split: str = "validation",
) -> dict:
    """Train `kind` on `train_split`, tune thresholds on `validation_split`; returns the saved description."""
    check_output_folder(out, MODEL_FILE, "model", REFIT_LEFTOVERS)  # before the long fit
    kind_class = model_class(kind)
    options, settings = split_config(kind_class, dict(config or {}))
    songs, vocabulary = load_dataset(data)
    train = songs[songs["split"] == train_split]
    validation = songs[songs["split"] == validation_split]
    if train.empty or validation.empty:
        raise UserError(f"{data}: the {train_split!r} or {validation_split!r} split is empty")
    train = cap_songs_per_artist(train, options.max_songs_per_artist, seed=SEED)
    genres = [g for g in vocabulary if any(g in song_genres for song_genres in train["genres"])]
    support = genre_support(train, genres)  # before the long fit: anything that can fail fails first
    model = kind_class(genres, settings)
    started = time.monotonic()
    validation_labels = label_matrix(validation["genres"], genres)
    model.fit(
        list(train["lyrics"]),
        label_matrix(train["genres"], genres),
        validation=(list(validation["lyrics"]), validation_labels),
    )
    training_seconds = time.monotonic() - started
    probabilities = model.validation_probabilities(list(validation["lyrics"]))
    model.metadata = {
        "training_options": options.to_dict(),
        "genre_support": support,
        "training": {
            "data": str(data),
            "train_songs": len(train),
            "validation_songs": len(validation),
            "train_split": train_split,
            "validation_split": validation_split,
            "seconds": round(training_seconds, 1),
        },
    }
    _tune(model, validation, validation_labels, probabilities)
    model.save(out)
    return {
        "kind": model.kind,
        "out": str(out),
        "config": model.settings.to_dict(),
        **model.metadata,
        "thresholds": model.thresholds.to_dict(),
    }


def _tune(model, validation: pd.DataFrame, labels: np.ndarray, probabilities: np.ndarray) -> None:
    """Decision rules from the validation songs (the default one chosen across validation artists).

    Also the family scores and the precise fine-genre default (`lyricgenre.training.families`) when the
    packaged taxonomy places every genre of the model.
    """
    groups = validation["artist_key"].to_numpy()
    model.thresholds = tune_thresholds(labels, probabilities, groups=groups)
    model.metadata["validation_metrics"] = summary(labels, model.thresholds.apply(probabilities))
    taxonomy = load_taxonomy()
    if all(genre in taxonomy.genre_families for genre in model.genres):
        families = fit_families(labels, probabilities, model.genres, taxonomy, groups)
        model.metadata["families"] = families.to_dict()
        model.metadata["validation_metrics"]["precise"] = summary(labels, families.default_genres(probabilities))
    else:
        model.metadata.pop("families", None)


def tune_model(folder: Path, data: Path | None = None) -> dict:
    """Re-tune a trained model's decision rules on its validation split; only `model.json` is rewritten."""
    model = load_model(Path(folder))
    training = model.metadata.get("training", {})
    if training.get("refit_from"):
        raise UserError(f"{folder}: refitted on its validation songs, which therefore cannot tune it")
    songs, _ = load_dataset(Path(data or training.get("data", DATASET)))
    validation = songs[songs["split"] == training.get("validation_split", "validation")]
    if validation.empty:
        raise UserError(f"{folder}: its validation split is empty in the dataset")
    labels = label_matrix(validation["genres"], model.genres)
    _tune(model, validation, labels, model.predict_proba(list(validation["lyrics"])))
    model.save_description(folder)
    return {"out": str(folder), **model.metadata, "thresholds": model.thresholds.to_dict()}


def refit_model(folder: Path, out: Path, data: Path | None = None) -> dict:
    """Train a tuned model again on train + validation, with its settings, genres and decision rules.

    Labels are artists' genres, so what generalises to unseen artists is the number of artists seen,
    which the validation split adds to. Nothing is re-tuned (no held-out songs are left): the rules,
    and an ensemble's weights, stay those tuned on validation; an ensemble refits each member into
    `out/members/`. Evaluate the result on the test split only.
    """
    check_output_folder(out, MODEL_FILE, "model", REFIT_LEFTOVERS)
    tuned = load_description(Path(folder))  # what was tuned; its weights are not needed
    data = Path(data or tuned.metadata.get("training", {}).get("data", DATASET))
    songs, _ = load_dataset(data)
    return _refit(tuned, Path(folder), Path(out), songs, data)


def _refit_member(member: Path, target: Path, songs: pd.DataFrame, data: Path) -> Path:
    """An ensemble member refitted into `target`, or the refit already there (from the same member folder and
    data: a refit stopped after some members, or a member refitted on its own, is not trained again)."""
    if (target / MODEL_FILE).is_file():
        training = load_description(target).metadata.get("training", {})
        if training.get("refit_from") == str(member) and training.get("data") == str(data):
            print(f"{target}: refitted from {member} already; kept", flush=True)
            return target
    return Path(_refit(load_description(member), member, target, songs, data)["out"])


def _refit(tuned: GenreModel, folder: Path, out: Path, songs: pd.DataFrame, data: Path) -> dict:
    """`refit_model` once the dataset is loaded: an ensemble's members are refitted from the same songs."""
    started = time.monotonic()
    training = dict(tuned.metadata.get("training", {}))
    if training.get("refit_from"):
        raise UserError(f"{folder}: already refitted on train + validation")
    splits = [training.get("train_split", "train"), training.get("validation_split", "validation")]
    train = songs[songs["split"].isin(splits)]
    if tuned.member_folders():
        support = genre_support(train, tuned.genres)
        members = [
            _refit_member(member, out / "members" / member.name, songs, data) for member in tuned.member_folders()
        ]
        model = tuned.with_members(members)
    else:
        options = TrainingOptions.from_dict(tuned.metadata.get("training_options"), what="training option")
        train = cap_songs_per_artist(train, options.max_songs_per_artist, seed=SEED)
        support = genre_support(train, tuned.genres)  # before the long fit: anything that can fail fails first
        model = type(tuned)(tuned.genres, tuned.settings)
        model.fit(list(train["lyrics"]), label_matrix(train["genres"], tuned.genres))
    model.thresholds = tuned.thresholds
    model.metadata = {
        **tuned.metadata,  # validation_metrics stay the tuned model's, measured before the refit
        "genre_support": support,
        "training": {
            **training,
            "data": str(data),
            "train_split": "+".join(splits),
            "train_songs": len(train),
            "seconds": round(time.monotonic() - started, 1),
            "refit_from": str(folder),
        },
    }
    model.save(out)
    return {"kind": model.kind, "out": str(out), **model.metadata, "thresholds": model.thresholds.to_dict()}
