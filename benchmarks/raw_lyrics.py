"""How a model scores lyrics as their sources give them (section markers, site boilerplate) and as cleaned.

    python benchmarks/raw_lyrics.py --model models/export/NAME [--raw ../shared/data/raw] [--json]

The dataset builder cleans lyrics (`lyricgenre.data.cleaning.clean_lyrics`: "[Chorus]", "(Verse 2)", URLs,
"Embed" and other site lines removed) before training; the runtime reads what it is given. This finds each
VALIDATION song's text in its raw source again and scores the model, with its tuned rule, on three versions:
the dataset's cleaned text, the source text as it is (what a user pasting lyrics from a lyrics site sends),
and the source text cleaned by `clean_lyrics`. Use a model trained without the validation split.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from windows_tradeoff import print_rows, read_validation

from lyricgenre.data import sources
from lyricgenre.data.build import add_song_keys
from lyricgenre.data.cleaning import clean_lyrics
from lyricgenre.data.dataset import label_matrix
from lyricgenre.defaults import DATASET, RAW_DATA
from lyricgenre.metrics import f1_macro, f1_micro
from lyricgenre.runtime import GenreClassifier

KEY = ["artist_key", "title_key", "source"]


def with_source_texts(songs: pd.DataFrame, raw: Path) -> pd.DataFrame:
    """`songs` with `source_text`, each song's text in its own source before cleaning (songs not found dropped)."""
    parsed = pd.concat([read(raw) for read in sources.LYRICS_SOURCES.values()], ignore_index=True)
    parsed = parsed[parsed["lyrics"].fillna("").str.strip() != ""]
    known_artists = frozenset(sources.read_artist_genres(raw)[0])
    parsed = add_song_keys(parsed, known_artists).drop_duplicates(KEY)[[*KEY, "lyrics"]]
    songs = add_song_keys(songs, known_artists)
    return songs.merge(parsed.rename(columns={"lyrics": "source_text"}), on=KEY, how="inner")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="an exported model trained on train only")
    parser.add_argument("--data", type=Path, default=DATASET)
    parser.add_argument("--raw", type=Path, default=RAW_DATA)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()

    songs = with_source_texts(read_validation(args.data, ("artist", "title", "source")), args.raw)
    classifier = GenreClassifier.load(args.model, threads=args.threads)
    truth = label_matrix(songs["genres"], classifier.genres)
    differs = songs["source_text"].str.strip() != songs["lyrics"]
    versions = {
        "dataset (cleaned)": songs["lyrics"],
        "source text as is": songs["source_text"],
        "source text, clean_lyrics": songs["source_text"].map(clean_lyrics),
    }
    rows = []
    for name, texts in versions.items():
        predicted = classifier.decide(classifier.predict_proba(list(texts)))
        rows.append(
            {
                "text": name,
                "songs": len(songs),
                "differing_from_dataset": int(differs.sum()),
                "f1_micro": round(f1_micro(truth, predicted), 4),
                "f1_macro": round(f1_macro(truth, predicted), 4),
            }
        )
    print_rows(rows, args.json)


if __name__ == "__main__":
    main()
