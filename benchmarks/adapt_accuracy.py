"""What `lyricgenre adapt` gives a user, measured the way a user runs it, on artists the model never saw.

    python benchmarks/adapt_accuracy.py [--seeds 5] [--per-label N] [--json]

Each song of the TEST split gets one label in a user's own words (`WORD_SETS`, `--words`: the word whose keywords
most of its artist's Spotify genres contain; ties go to the earlier word). Per seed, the artists are halved: the
first half's songs go to `lyricgenre adapt --input tagged.csv --label-column genre` (timed), the other half's to
`lyricgenre predict --model M` (per song) and `predict --model M --pool-artist`, and the top label of each answer
is compared with the truth: accuracy and macro-F1. The baseline is the shipped model as it is, its top family
(of those `MAPPINGS` maps onto the words) taken as the answer. `--per-label N` first keeps at most N songs per
word (a user whose labels are evenly spread). Every figure is the mean over seeds (± the standard deviation).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from lyricgenre.defaults import DATASET

# Two users' words, each word with the keywords of the Spotify genres it covers; earlier words win ties. "coarse"
# follows the families closely; "finer" splits rock and soul as many collectors do, so fewer words match a family.
WORD_SETS = {
    "coarse": {
        "Hip-Hop": ("hip hop", "rap", "trap", "drill", "grime"),
        "Metal": ("metal",),
        "Punk": ("punk",),
        "Country": ("country", "americana", "bluegrass"),
        "Blues": ("blues",),
        "Jazz": ("jazz", "standards", "lounge", "swing"),
        "R&B": ("r&b", "soul", "funk", "quiet storm", "urban contemporary", "motown"),
        "Reggae": ("reggae", "dancehall", "ska"),
        "Latin": ("latin", "reggaeton"),
        "Electronic": ("edm", "house", "electro", "techno", "trance", "disco", "synth", "dance"),
        "Folk": ("folk", "singer-songwriter", "stomp and holler", "lilith"),
        "Rock": ("rock", "wave", "britpop", "grunge", "mellow gold", "beatlesque", "merseybeat", "british invasion"),
        "Pop": ("pop",),
    },
    "finer": {
        "Rap": ("hip hop", "rap", "trap", "drill", "grime"),
        "Heavy": ("metal", "punk", "hard rock", "grunge"),
        "Country": ("country", "americana", "bluegrass"),
        "Oldies": ("standards", "lounge", "jazz", "rock-and-roll", "rockabilly", "doo-wop", "british invasion"),
        "Soul": ("soul", "motown", "funk", "quiet storm"),
        "R&B": ("r&b", "urban contemporary"),
        "Dance": ("edm", "house", "electro", "disco", "dance", "synth"),
        "Singer/Songwriter": ("folk", "singer-songwriter", "stomp and holler", "lilith", "mellow gold"),
        "Alternative": ("alternative", "indie", "modern rock", "permanent wave", "post-punk", "britpop"),
        "Classic Rock": ("classic rock", "album rock", "soft rock", "art rock", "progressive", "psychedelic"),
        "Pop": ("pop",),
    },
}
# The shipped model's families hand-mapped onto each set's words (the baseline's answers).
FAMILY_WORDS = {
    "rock": "Rock",
    "metal": "Metal",
    "punk": "Punk",
    "pop": "Pop",
    "hip hop": "Hip-Hop",
    "r&b & soul": "R&B",
    "country": "Country",
    "folk & singer-songwriter": "Folk",
    "jazz & standards": "Jazz",
    "blues": "Blues",
    "dance & electronic": "Electronic",
    "latin": "Latin",
    "reggae": "Reggae",
}
FINER_FAMILY_WORDS = {
    "rock": "Classic Rock",
    "metal": "Heavy",
    "punk": "Heavy",
    "pop": "Pop",
    "hip hop": "Rap",
    "r&b & soul": "Soul",
    "country": "Country",
    "folk & singer-songwriter": "Singer/Songwriter",
    "jazz & standards": "Oldies",
    "dance & electronic": "Dance",
}
MAPPINGS = {"coarse": FAMILY_WORDS, "finer": FINER_FAMILY_WORDS}


def user_word(genres, words: dict[str, tuple[str, ...]]) -> str | None:
    counts = Counter(word for genre in genres for word, keys in words.items() if any(k in genre for k in keys))
    if not counts:
        return None
    most = max(counts.values())
    return next(word for word in words if counts[word] == most)


def macro_f1(truth: list[str], answers: list[str]) -> float:
    labels = sorted(set(truth) | set(answers))
    scores = []
    for label in labels:
        hits = sum(t == a == label for t, a in zip(truth, answers))
        scores.append(2 * hits / max(truth.count(label) + answers.count(label), 1))
    return float(np.mean(scores))


def scored(truth: list[str], answers: list[str]) -> dict:
    return {"accuracy": float(np.mean([t == a for t, a in zip(truth, answers)])), "macro_f1": macro_f1(truth, answers)}


def lyricgenre(*arguments: str) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "lyricgenre", *arguments], check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def top_label(record: dict) -> str | None:
    return record["genres"][0] if record.get("genres") else None


def baseline_answer(record: dict, mapping: dict[str, str]) -> str | None:
    scores: dict[str, float] = {}
    for family, score in (record.get("family_scores") or {}).items():
        if family in mapping:
            scores[mapping[family]] = max(score, scores.get(mapping[family], 0.0))
    return max(scores, key=scores.get) if scores else None


def one_seed(songs: pd.DataFrame, seed: int, per_label: int | None, mapping: dict[str, str], folder: Path) -> dict:
    rng = np.random.default_rng(seed)
    if per_label:
        songs = songs.sample(frac=1.0, random_state=seed).groupby("label").head(per_label)
    artists = np.array(sorted(songs["artist"].unique()))
    rng.shuffle(artists)
    tagged = songs["artist"].isin(artists[: len(artists) // 2])
    train, held = songs[tagged], songs[~tagged]
    train.rename(columns={"label": "genre"})[["artist", "title", "lyrics", "genre"]].to_csv(
        folder / "tagged.csv", index=False
    )
    held[["artist", "title", "lyrics"]].to_csv(folder / "other.csv", index=False)
    model = folder / f"M{seed}"
    seconds = lyricgenre("adapt", "--input", str(folder / "tagged.csv"), "--label-column", "genre", "--out", str(model))
    truth = held["label"].tolist()
    result = {"seed": seed, "tagged_songs": len(train), "held_songs": len(held), "adapt_seconds": round(seconds, 1)}
    for name, extra in (("per_song", []), ("pooled", ["--pool-artist"])):
        for who, model_options in (("adapted", ["--model", str(model)]), ("baseline", [])):
            out = folder / f"{who}-{name}.jsonl"
            lyricgenre("predict", "--input", str(folder / "other.csv"), "--output", str(out), *model_options, *extra)
            answers = [top_label(r) if who == "adapted" else baseline_answer(r, mapping) for r in records(out)]
            if who == "adapted":
                result[f"outside_labels_{name}"] = sum(a not in set(train["label"]) for a in answers)
            result[f"{who}_{name}"] = scored(truth, answers)
    return result


def summary(results: list[dict]) -> dict:
    out = {"seeds": len(results)}
    for key in ("adapted_per_song", "baseline_per_song", "adapted_pooled", "baseline_pooled"):
        for metric in ("accuracy", "macro_f1"):
            values = [r[key][metric] for r in results]
            out[f"{key}_{metric}"] = f"{statistics.mean(values):.3f} ± {statistics.pstdev(values):.3f}"
    out["adapt_seconds_max"] = max(r["adapt_seconds"] for r in results)
    out["tagged_songs_mean"] = round(statistics.mean(r["tagged_songs"] for r in results))
    out["answers_outside_the_labels"] = sum(r["outside_labels_per_song"] + r["outside_labels_pooled"] for r in results)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATASET)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--per-label", type=int, help="at most this many songs per word")
    parser.add_argument("--words", choices=sorted(WORD_SETS), default="coarse", help="the user's words")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    songs = pd.read_parquet(args.data, columns=["artist", "title", "lyrics", "genres", "split"])
    songs = songs[songs["split"] == "test"].copy()
    songs["label"] = [user_word(genres, WORD_SETS[args.words]) for genres in songs["genres"]]
    songs = songs[songs["label"].notna()]
    with tempfile.TemporaryDirectory() as folder:
        mapping = MAPPINGS[args.words]
        results = [one_seed(songs, seed, args.per_label, mapping, Path(folder)) for seed in range(args.seeds)]
    report = {"runs": results, "summary": summary(results)}
    print(json.dumps(report) if args.json else json.dumps(report["summary"], indent=1))


if __name__ == "__main__":
    main()
