"""How many artists each family's figures rest on, and how far they could move with other artists.

    python benchmarks/family_support.py [--model DIR] [--json]

For every family of the model (the shipped one by default): the artists and songs of the TRAIN split that carry
it (what the model learnt it from) and of the TEST split, and its F1 on the test songs with the model's own family
rule — per song and pooled by artist — with a 95% interval from resampling the test artists
(`lyricgenre.metrics.per_label_intervals`). A family's truth is any of the song's genres being in it, as the
evaluation counts it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from lyricgenre.data.dataset import label_matrix
from lyricgenre.decision import artist_groups, group_sizes, pool_groups
from lyricgenre.defaults import DATASET
from lyricgenre.metrics import per_label_intervals
from lyricgenre.runtime import GenreClassifier


def family_truth(genres: pd.Series, classifier: GenreClassifier) -> np.ndarray:
    membership = classifier.families.membership().astype(np.int32)
    return (label_matrix(genres, classifier.genres).astype(np.int32) @ membership) > 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="an exported model (default: the shipped one)")
    parser.add_argument("--data", type=Path, default=DATASET)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    songs = pd.read_parquet(args.data, columns=["lyrics", "genres", "artist", "artist_key", "split"])
    classifier = GenreClassifier.load(args.model)
    train, test = (songs[songs["split"] == split].reset_index(drop=True) for split in ("train", "test"))
    train_truth, test_truth = family_truth(train["genres"], classifier), family_truth(test["genres"], classifier)
    groups = artist_groups(list(test["artist_key"]))
    probabilities = classifier.predict_proba(list(test["lyrics"]))
    families = classifier.families
    rows = []
    pooled = pool_groups(probabilities, groups), group_sizes(groups) > 1
    for protocol, (scores, pooled_songs) in (("per song", (probabilities, None)), ("pooled", pooled)):
        decided = families.decide(families.scores(scores), pooled_songs)
        f1, bounds = per_label_intervals(test_truth, decided, groups)
        for j, name in enumerate(families.names):
            rows.append(
                {
                    "family": name,
                    "protocol": protocol,
                    "train_artists": int(train.loc[train_truth[:, j], "artist_key"].nunique()),
                    "train_songs": int(train_truth[:, j].sum()),
                    "test_artists": int(test.loc[test_truth[:, j], "artist_key"].nunique()),
                    "test_songs": int(test_truth[:, j].sum()),
                    "f1": round(float(f1[j]), 3),
                    "ci95": [None if np.isnan(b) else round(float(b), 3) for b in bounds[j]],
                }
            )
    if args.json:
        print(json.dumps(rows))
        return
    print("| family | train artists / songs | test artists / songs | F1 per song (95% CI) | F1 pooled (95% CI) |")
    print("|---|---|---|---|---|")
    for song, pooled in zip(rows[: len(families.names)], rows[len(families.names) :]):
        print(
            f"| {song['family']} | {song['train_artists']} / {song['train_songs']} | {song['test_artists']} / "
            f"{song['test_songs']} | {_cell(song)} | {_cell(pooled)} |"
        )


def _cell(row: dict) -> str:
    low, high = row["ci95"]
    return f"{row['f1']:.3f} ({'–' if low is None else f'{low:.2f}–{high:.2f}'})"


if __name__ == "__main__":
    main()
