import gzip
import math
from pathlib import Path

import pytest

from lyricgenre.data import sources
from lyricgenre.data.sources import LYRICS_COLUMNS, DataError


@pytest.mark.parametrize("name", list(sources.LYRICS_SOURCES))
def test_every_lyrics_parser_returns_the_common_columns(raw_folder: Path, name: str):
    frame = sources.LYRICS_SOURCES[name](raw_folder)
    assert list(frame.columns) == LYRICS_COLUMNS
    assert len(frame) > 0
    assert set(frame["source"]) == {name}
    assert frame["lyrics"].str.len().min() > 0
    assert list(frame["source_row"]) == list(range(1, len(frame) + 1))


def test_specific_source_quirks(raw_folder: Path):
    musicoset = sources.read_musicoset(raw_folder)
    assert "\n" in musicoset["lyrics"].iloc[0]  # list literal joined back into lines
    assert math.isnan(musicoset["year"].iloc[0])
    poplyrics = sources.read_poplyrics(raw_folder)
    assert poplyrics["year"].iloc[0] == 2020.0
    assert isinstance(poplyrics["source_genres"].iloc[0], list)


def test_artist_genre_tables_are_unioned_on_normalised_names(raw_folder: Path):
    table, sizes = sources.read_artist_genres(raw_folder)
    assert table["rock band 0"] == {"rock", "album rock", "classic rock"}
    assert set(sizes) == set(sources.GENRE_TABLES)
    assert table["nobody"] == {"pop"}


def test_seed_vocabulary_keeps_its_index_order(raw_folder: Path):
    assert sources.read_seed_vocabulary(raw_folder)[:3] == ["rock", "album rock", "classic rock"]


def test_genius_tags_keyed_by_normalised_artist_and_title(raw_folder: Path):
    tags = sources.read_genius_tags(raw_folder)
    assert list(tags.values()) == ["Rock, USA"]


def test_missing_file_names_the_file(raw_folder: Path):
    (raw_folder / "poplyrics-1k" / "poplyric-1k.parquet").unlink()
    with pytest.raises(DataError, match=r"poplyric-1k\.parquet: file not found"):
        sources.read_poplyrics(raw_folder)


def test_malformed_genre_row_names_file_and_row(raw_folder: Path):
    path = raw_folder / "spotify-artist-genres" / "data_w_genres.csv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("artists,genres\nGood,['pop']\nBad,\"['pop', \"\n")
    with pytest.raises(DataError, match=r"data_w_genres\.csv\.gz, row 2: malformed value"):
        sources.read_artist_genres(raw_folder)


def test_missing_column_and_unreadable_file(raw_folder: Path):
    path = raw_folder / "billboard-1964-2015" / "billboard_lyrics_1964-2015.csv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("Rank,Song\n1,x\n")
    with pytest.raises(DataError, match="missing column"):
        sources.read_plain_csv(raw_folder, "billboard-1964-2015")
    path.write_bytes(b"this is not gzip")
    with pytest.raises(DataError, match="cannot be read"):
        sources.read_plain_csv(raw_folder, "billboard-1964-2015")
