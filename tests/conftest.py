"""Shared fixtures: a synthetic raw-data folder shaped like `shared/data/raw` (no real lyrics)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from lyricgenre.data.build import BuildOptions, build_dataset
from lyricgenre.export import export_model
from lyricgenre.training import train_model

# Made-up lyric vocabularies per style, so a fixture model has something to learn.
STYLE_WORDS = {
    "rock": "guitar road highway thunder wild fire night engine loud",
    "pop": "baby dance love heart tonight party shine kiss forever",
    "rap": "money street hustle flow block crew rhyme mic cash",
    "country": "truck whiskey porch river dirt boots cowboy farm home",
}
GENRES = {
    "rock": ["rock", "album rock", "classic rock"],
    "pop": ["pop", "dance pop"],
    "rap": ["rap", "hip hop", "pop rap"],
    "country": ["country", "contemporary country"],
}
SEED_VOCABULARY = [
    "rock",
    "album rock",
    "classic rock",
    "pop",
    "dance pop",
    "rap",
    "hip hop",
    "pop rap",
    "country",
    "contemporary country",
    "gothabilly",
]


def synthetic_lyrics(style: str, index: int, words: int = 60) -> str:
    vocabulary = STYLE_WORDS[style].split() + ["i", "you", "the", "and", "we", "my"]
    chosen = [vocabulary[(index * 7 + k * 3) % len(vocabulary)] for k in range(words)]
    lines = [" ".join(chosen[i : i + 6]) for i in range(0, words, 6)]
    return "\n".join(lines)


def _write_csv_gz(path: Path, frame: pd.DataFrame, **options) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        frame.to_csv(handle, index=False, **options)


def make_raw_folder(root: Path, artists_per_style: int = 6, songs_per_artist: int = 4) -> Path:
    """Write a miniature of every raw source; each style has its own artists and genres."""
    raw = root / "raw"
    artists = [(f"{style.title()} Band {k}", style) for style in STYLE_WORDS for k in range(artists_per_style)]
    rows = [
        {"artist": name, "title": f"Song {s} of {name}", "lyrics": synthetic_lyrics(style, k * 10 + s), "style": style}
        for k, (name, style) in enumerate(artists)
        for s in range(songs_per_artist)
    ]
    thirds = [rows[i::6] for i in range(6)]
    _write_csv_gz(
        raw / "billboard-musicbrainz-tags" / "billboard_1950-2015_lyrics_tags.csv.gz",
        pd.DataFrame(
            [
                {
                    "artist": r["artist"],
                    "title": r["title"],
                    "year": 1999,
                    "pos": 1,
                    "tags": "[]",
                    "lyrics": "[Chorus]\n" + r["lyrics"],
                }
                for r in thirds[0]
            ]
        ),
    )
    _write_csv_gz(
        raw / "billboard-1964-2015" / "billboard_lyrics_1964-2015.csv.gz",
        pd.DataFrame(
            [
                {
                    "Rank": 1,
                    "Song": r["title"].lower(),
                    "Artist": r["artist"].lower(),
                    "Year": 1990,
                    "Lyrics": r["lyrics"].replace("\n", " "),
                    "Source": 1,
                }
                for r in thirds[1]
            ]
            + [
                {
                    "Rank": 2,
                    "Song": "quiet",
                    "Artist": "rock band 0",
                    "Year": 1990,
                    "Lyrics": "instrumental",
                    "Source": 1,
                },
                {  # the same song as the first billboard-musicbrainz-tags row, pre-cleaned
                    "Rank": 3,
                    "Song": thirds[0][0]["title"].lower(),
                    "Artist": thirds[0][0]["artist"].lower() + " featuring pop band 1",
                    "Year": 1990,
                    "Lyrics": thirds[0][0]["lyrics"].replace("\n", " ").lower(),
                    "Source": 1,
                },
            ]
        ),
    )
    _write_csv_gz(
        raw / "spotify-millsongdata-partial" / "spotify_millsongdata_partial.csv.gz",
        pd.DataFrame(
            [{"artist": r["artist"], "song": r["title"], "link": "/x", "text": r["lyrics"]} for r in thirds[2]]
        ),
    )
    _write_csv_gz(
        raw / "kaggle-song-lyrics-21-artists" / "song_lyrics_21_artists.csv.gz",
        pd.DataFrame(
            [
                {
                    "Artist": r["artist"],
                    "Title": r["title"],
                    "Album": "A",
                    "Year": 2010.0,
                    "Date": "",
                    "Lyric": r["lyrics"].replace("\n", " ").lower(),
                }
                for r in thirds[3]
            ]
        ),
    )
    (raw / "poplyrics-1k").mkdir(parents=True)
    pd.DataFrame(
        [
            {
                "track_name": r["title"],
                "album": "A",
                "release_date": "2020-01-01",
                "song_length": "3:00",
                "popularity": 1.0,
                "songwriters": [r["artist"]],
                "artist": r["artist"],
                "lyrics": "[Verse 1]\n" + r["lyrics"],
                "genre": GENRES[r["style"]],
                "featured_artist": None,
            }
            for r in thirds[4]
        ]
    ).to_parquet(raw / "poplyrics-1k" / "poplyric-1k.parquet")
    musicoset = thirds[5]
    _write_csv_gz(
        raw / "musicoset" / "songs.csv.gz",
        pd.DataFrame(
            [
                {
                    "song_id": f"id{i}",
                    "song_name": r["title"],
                    "billboard": "",
                    "artists": repr({f"a{i}": r["artist"]}),
                    "popularity": 1,
                    "explicit": False,
                    "song_type": "Solo",
                }
                for i, r in enumerate(musicoset)
            ]
        ),
        sep="\t",
    )
    _write_csv_gz(
        raw / "musicoset" / "lyrics_truncated.csv.gz",
        pd.DataFrame([{"song_id": f"id{i}", "lyrics": repr([r["lyrics"]])} for i, r in enumerate(musicoset)]),
        sep="\t",
    )
    _write_csv_gz(
        raw / "musicoset" / "artists.csv.gz",
        pd.DataFrame(
            [
                {
                    "artist_id": "x",
                    "name": "Nobody",
                    "followers": 1,
                    "popularity": 1,
                    "artist_type": "singer",
                    "main_genre": "pop",
                    "genres": "['pop']",
                    "image_url": "",
                }
            ]
        ),
        sep="\t",
    )
    table = pd.DataFrame({"artists": [a for a, _ in artists], "genres": [repr(GENRES[s]) for _, s in artists]})
    _write_csv_gz(raw / "spotify-artist-genres" / "data_w_genres.csv.gz", table)
    _write_csv_gz(raw / "spotify-artist-genres-32k" / "data_w_genres.csv.gz", table.iloc[:2])
    (raw / "seed-genres").mkdir(parents=True)
    (raw / "seed-genres" / "genre_types_encoded.json").write_text(
        json.dumps({g: i for i, g in enumerate(SEED_VOCABULARY)})
    )
    _write_csv_gz(
        raw / "genius-song-tags" / "genius_metadata.csv.gz",
        pd.DataFrame(
            [{"Artist": rows[0]["artist"], "SongTitle": rows[0]["title"], "Year": 2000, "Genius_Tags": "Rock, USA"}]
        ),
    )
    _write_csv_gz(
        raw / "joined-candidate.csv.gz",
        pd.DataFrame(
            [
                {
                    "source": "billboard-musicbrainz-tags",
                    "artist": r["artist"],
                    "title": r["title"],
                    "seed137_genres": json.dumps(GENRES[r["style"]]),
                }
                for r in thirds[0]
            ]
        ),
    )
    return raw


@pytest.fixture
def raw_folder(tmp_path: Path) -> Path:
    return make_raw_folder(tmp_path)


TINY_TRANSFORMER = {
    "epochs": 1,
    "batch_size": 8,
    "max_length": 48,
    "max_windows": 2,
    "predict_length": 64,  # predicts differently from training: the runtime must follow the config
    "predict_windows": 1,
    "lr_head": 0.01,
}


@pytest.fixture(scope="session")
def dataset(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tiny")
    build_dataset(BuildOptions(raw=make_raw_folder(root, artists_per_style=8, songs_per_artist=5), out=root / "d"))
    return root / "d" / "songs.parquet"


@pytest.fixture(scope="session")
def wide_dataset(tmp_path_factory) -> Path:
    """More artists, fewer songs each: enough validation artists (7) for the cross-validated rule choice."""
    root = tmp_path_factory.mktemp("wide")
    build_dataset(BuildOptions(raw=make_raw_folder(root, artists_per_style=16, songs_per_artist=3), out=root / "d"))
    return root / "d" / "songs.parquet"


@pytest.fixture(scope="session")
def trained(dataset, tmp_path_factory) -> dict[str, Path]:
    models = tmp_path_factory.mktemp("models")
    train_model(dataset, "tfidf", models / "tfidf", {"min_df": 1, "n_jobs": 1})
    train_model(dataset, "transformer", models / "transformer", TINY_TRANSFORMER)
    members = [str(models / "tfidf"), str(models / "transformer")]
    train_model(dataset, "ensemble", models / "ensemble", {"members": members})
    return {kind: models / kind for kind in ("tfidf", "transformer", "ensemble")}


@pytest.fixture(scope="session")
def exported_baseline(trained, tmp_path_factory):
    out = tmp_path_factory.mktemp("serve") / "tfidf"
    export_model(trained["tfidf"], out)
    return out


@pytest.fixture(scope="session")
def exported(trained, tmp_path_factory) -> Path:
    """The tiny ensemble exported: ONNX encoder (fp32 + int8) and TF-IDF arrays."""
    out = tmp_path_factory.mktemp("artifact") / "ensemble"
    export_model(trained["ensemble"], out)
    return out


@pytest.fixture(autouse=True)
def own_state_folder(tmp_path_factory, monkeypatch):
    """One-time hints remembered in a folder of the test session's, never in the machine's home."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.getbasetemp() / "state"))
