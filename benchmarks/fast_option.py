"""What `--fast` gives up and gains, measured on the TEST split with the model's own decision rule.

    python benchmarks/fast_option.py [--model DIR] [--rounds 3] [--json]

The model as it ships and `GenreClassifier.fast()` (its encoder reading the first 128 tokens) score every test
song: songs/s (batched, the rounds alternating between the two, the median), and F1 micro/macro of the fine
genres and of the families with the model's default rules, per song and artist-pooled (as `tag` and
`--pool-artist` run). The model was tuned on validation; this only reports what the option costs there.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import pandas as pd

from lyricgenre.data.dataset import label_matrix
from lyricgenre.defaults import DATASET
from lyricgenre.metrics import f1_macro, f1_micro
from lyricgenre.runtime import GenreClassifier, pool_artists


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="an exported model (default: the shipped one)")
    parser.add_argument("--data", type=Path, default=DATASET)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    songs = pd.read_parquet(args.data, columns=["lyrics", "genres", "artist", "split"])
    test = songs[songs["split"] == "test"].reset_index(drop=True)
    shipped = GenreClassifier.load(args.model, threads=args.threads)
    models = {"default": shipped, "fast": shipped.fast()}
    rows = [measure(name, model, test, args.rounds) for name, model in models.items()]
    print(json.dumps(rows) if args.json else "\n".join("  ".join(f"{k} {v}" for k, v in row.items()) for row in rows))


def measure(name: str, classifier: GenreClassifier, test: pd.DataFrame, rounds: int) -> dict:
    texts, artists = list(test["lyrics"]), list(test["artist"])
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        probabilities = classifier.predict_proba(texts)
        rates.append(len(texts) / (time.perf_counter() - started))
    row = {"reading": name, "songs_per_s": round(statistics.median(rates), 1)}
    pooled_scores, sizes = pool_artists(probabilities, artists)
    for pooled, scores, rows in (("", probabilities, None), ("pooled_", pooled_scores, sizes > 1)):
        genres = label_matrix(test["genres"], classifier.genres)
        decided = classifier.decide(scores, pooled=rows)
        families = classifier.families.decide(classifier.family_proba(scores), rows)
        family_truth = (genres.astype(int) @ classifier.families.membership().astype(int)) > 0
        row |= {
            f"{pooled}f1_micro": round(f1_micro(genres, decided), 4),
            f"{pooled}f1_macro": round(f1_macro(genres, decided), 4),
            f"{pooled}family_micro": round(f1_micro(family_truth, families), 4),
            f"{pooled}family_macro": round(f1_macro(family_truth, families), 4),
        }
    return row


if __name__ == "__main__":
    main()
