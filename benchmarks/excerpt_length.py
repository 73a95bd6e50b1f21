"""How much F1 a model keeps when it reads only the start of each song, measured on the VALIDATION split.

    python benchmarks/excerpt_length.py --model models/export/NAME [--words 10,20,40,80,160] [--json]

Each validation song is cut to its first N words (whitespace-separated) and tagged with the model's own
tuned rule, as `lyricgenre predict` would tag a pasted excerpt; the whole songs are scored alongside.
This is what `lyricgenre.text.SHORT_LYRICS_WORDS` (the "short excerpt" note) rests on. Use a model
trained without the validation split (not a refit): the test split is never used.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from windows_tradeoff import print_rows, read_validation

from lyricgenre.data.dataset import label_matrix
from lyricgenre.defaults import DATASET
from lyricgenre.metrics import f1_macro, f1_micro
from lyricgenre.runtime import GenreClassifier


def first_words(text: str, count: int) -> str:
    return " ".join(text.split()[:count])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="an exported model trained on train only")
    parser.add_argument("--data", type=Path, default=DATASET)
    parser.add_argument("--words", default="10,20,40,80,160", help="comma-separated excerpt lengths")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()

    validation = read_validation(args.data)
    classifier = GenreClassifier.load(args.model, threads=args.threads)
    truth = label_matrix(validation["genres"], classifier.genres)
    lengths = [int(n) for n in args.words.split(",")]
    results = []
    for words in [*lengths, None]:
        texts = [text if words is None else first_words(text, words) for text in validation["lyrics"]]
        predicted = classifier.decide(classifier.predict_proba(texts))
        results.append(
            {
                "words": words or "whole song",
                "f1_micro": round(f1_micro(truth, predicted), 4),
                "f1_macro": round(f1_macro(truth, predicted), 4),
                "genres_per_song": round(float(predicted.sum(axis=1).mean()), 2),
            }
        )
    print_rows(results, args.json)


if __name__ == "__main__":
    main()
