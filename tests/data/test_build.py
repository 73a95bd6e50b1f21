import json
from pathlib import Path

import pandas as pd
import pytest

from lyricgenre.data.build import OUTPUT_COLUMNS, BuildOptions, build_dataset, lookup_artist_genres
from lyricgenre.data.sources import DataError
from lyricgenre.interfaces.cli import main


def _build(raw: Path, out: Path, **options) -> tuple[pd.DataFrame, dict]:
    card = build_dataset(BuildOptions(raw=raw, out=out, **options))
    return pd.read_parquet(out / "songs.parquet"), card


def test_build_writes_dataset_vocabulary_and_datacard(raw_folder: Path, tmp_path: Path):
    songs, card = _build(raw_folder, tmp_path / "out")
    assert list(songs.columns) == OUTPUT_COLUMNS
    vocabulary = json.loads((tmp_path / "out" / "vocabulary.json").read_text())
    assert vocabulary[0] == "rock" and "gothabilly" in vocabulary
    assert all(len(genres) > 0 and set(genres) <= set(vocabulary) for genres in songs["genres"])
    assert (songs.groupby("artist_key")["split"].nunique() == 1).all()
    assert "[Chorus]" not in " ".join(songs["lyrics"])
    assert card["genres_absent"] == ["gothabilly"]
    assert json.loads((tmp_path / "out" / "datacard.json").read_text())["songs"] == len(songs)
    markdown = (tmp_path / "out" / "DATACARD.md").read_text()
    for heading in ("Why rows were dropped", "Splits", "Lyrics length", "Comparison with the reference join"):
        assert heading in markdown


def test_duplicates_keep_the_raw_text_source(raw_folder: Path, tmp_path: Path):
    songs, card = _build(raw_folder, tmp_path / "out")
    assert songs[["artist_key", "title"]].apply(lambda r: (r.iloc[0], r.iloc[1].lower()), axis=1).is_unique
    duplicate_step = next(step for step in card["drop_steps"] if step["step"] == "duplicate song")
    assert duplicate_step["dropped_per_source"] == {"billboard-1964-2015": 1}
    placeholder_step = next(step for step in card["drop_steps"] if step["step"].startswith("placeholder"))
    assert placeholder_step["dropped"] == 1


def test_collaboration_genres_are_the_union_of_the_parts():
    table = {"a": {"pop"}, "b": {"rap"}, "a and b": {"duo"}}
    assert lookup_artist_genres("A & B", table) == (["duo"], "full")
    assert lookup_artist_genres("A featuring B", table) == (["pop", "rap"], "parts")
    assert lookup_artist_genres("C", table) == ([], "")


def test_excluding_a_source_and_frequency_vocabulary(raw_folder: Path, tmp_path: Path):
    songs, card = _build(
        raw_folder, tmp_path / "out", exclude_sources=("kaggle-song-lyrics-21-artists",), min_genre_songs=5
    )
    assert "kaggle-song-lyrics-21-artists" not in set(songs["source"])
    assert "gothabilly" not in json.loads((tmp_path / "out" / "vocabulary.json").read_text())
    assert card["genres_absent"] == []


def test_build_is_deterministic(raw_folder: Path, tmp_path: Path):
    first, _ = _build(raw_folder, tmp_path / "a")
    second, _ = _build(raw_folder, tmp_path / "b")
    pd.testing.assert_frame_equal(first, second)


def test_bad_input_leaves_no_half_written_output(raw_folder: Path, tmp_path: Path):
    out = tmp_path / "out"
    _build(raw_folder, out)
    before = (out / "songs.parquet").read_bytes()
    (raw_folder / "musicoset" / "songs.csv.gz").unlink()
    with pytest.raises(DataError, match="songs.csv.gz: file not found"):
        _build(raw_folder, out)
    assert (out / "songs.parquet").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "raw"]


def test_cli_reports_bad_input_in_one_line(raw_folder: Path, tmp_path: Path, capsys):
    assert main(["data", "build", "--raw", str(raw_folder), "--out", str(tmp_path / "o"), "--exclude-source", "x"]) == 2
    assert "unknown source(s) x" in capsys.readouterr().err
    assert main(["data", "build", "--raw", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 2
    assert "raw data folder not found" in capsys.readouterr().err
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "notes.txt").write_text("keep me")
    assert main(["data", "build", "--raw", str(raw_folder), "--out", str(tmp_path / "precious")]) == 2
    assert (tmp_path / "precious" / "notes.txt").read_text() == "keep me"


def test_cli_build_succeeds(raw_folder: Path, tmp_path: Path, capsys):
    assert main(["data", "build", "--raw", str(raw_folder), "--out", str(tmp_path / "o"), "--genius-tags"]) == 0
    assert "songs" in capsys.readouterr().out
    assert "genius_tags" in pd.read_parquet(tmp_path / "o" / "songs.parquet").columns
