"""Are `--explain`'s lines the ones that drive the answer, and what do they cost? Measured on VALIDATION songs.

    python benchmarks/explain_faithfulness.py [--model models/export/NAME] [--songs 80] [--json]

For songs of at least 12 distinct lines (a line of a song given without line breaks counts by its parts; drawn with
a fixed seed), each song's first predicted family is re-scored with the 3 lines its explanation names first deleted
(every occurrence), and with 3 random distinct lines deleted (the mean of `--draws` draws). Faithful explanations
lower the family's score far more than random lines do: `drop_ratio` (mean drop of the named lines over that of
random ones) and `share_above_random` (the songs where the named lines drop it more). Cost: the same songs
classified plainly and with explanations, in this process (`cost_ratio`: explained over plain time). Needs the
dataset (`lyricgenre data build`).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np
import pandas as pd

from lyricgenre.defaults import DATASET
from lyricgenre.runtime import GenreClassifier
from lyricgenre.runtime.explain import Passage, passages, without

MIN_LINES = 12
DELETED = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="an exported model (default: the shipped one)")
    parser.add_argument("--data", type=Path, default=DATASET)
    parser.add_argument("--songs", type=int, default=80)
    parser.add_argument("--draws", type=int, default=5, help="random deletions per song")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--min-lines", type=int, default=MIN_LINES, help="distinct lines a song needs to be drawn")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    result = measure(GenreClassifier.load(args.model, threads=args.threads), validation_songs(args), args)
    print(json.dumps(result) if args.json else "\n".join(f"{key}: {value}" for key, value in result.items()))


def validation_songs(args) -> list[str]:
    songs = pd.read_parquet(args.data, columns=["lyrics", "split"])
    validation = songs.loc[songs["split"] == "validation", "lyrics"]
    texts = [text for text in validation if len(passages(text)) >= args.min_lines]
    return random.Random(args.seed).sample(texts, min(args.songs, len(texts)))


def measure(classifier: GenreClassifier, texts: list[str], args) -> dict:
    started = time.perf_counter()
    predictions = classifier.classify(texts)
    plain = time.perf_counter() - started
    started = time.perf_counter()
    explanations = [prediction.explanation for prediction in classifier.classify(texts, explain=True)]
    explained = time.perf_counter() - started
    draws = random.Random(args.seed + 1)
    named_drops, random_drops = [], []
    for text, prediction, explanation in zip(texts, predictions, explanations):
        if not prediction.families or not explanation.families[prediction.families[0]]:
            continue
        family = prediction.families[0]
        lines = passages(text)
        by_text = {line.text: line for line in lines}
        named = [by_text[effect.text] for effect in explanation.families[family][:DELETED]]
        picks = [draws.sample(lines, DELETED) for _ in range(args.draws)]
        scores = family_scores(classifier, family, [text, deleted(text, named), *(deleted(text, p) for p in picks)])
        named_drops.append(scores[0] - scores[1])
        random_drops.append(float(np.mean(scores[0] - scores[2:])))
    named_mean, random_mean = float(np.mean(named_drops)), float(np.mean(random_drops))
    return {
        "songs": len(named_drops),
        "named_drop": round(named_mean, 4),
        "random_drop": round(random_mean, 4),
        "drop_ratio": round(named_mean / random_mean, 2) if random_mean > 0 else None,
        "share_above_random": round(float(np.mean(np.asarray(named_drops) > np.asarray(random_drops))), 3),
        "plain_s": round(plain, 3),
        "explained_s": round(explained, 3),
        "cost_ratio": round(explained / plain, 2),
    }


def deleted(text: str, lines: list[Passage]) -> str:
    for line in lines:
        text = without(text, line)
    return text


def family_scores(classifier: GenreClassifier, family: str, texts: list[str]) -> np.ndarray:
    column = classifier.family_names.index(family)
    return classifier.family_proba(classifier.predict_proba(texts))[:, column]


if __name__ == "__main__":
    main()
