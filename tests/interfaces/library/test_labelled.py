"""Labelled songs read from a table or a music folder, as `lyricgenre adapt` reads them."""

import csv
import json

import pytest

from lyricgenre.errors import UserError
from lyricgenre.interfaces.library.labelled import LabelOptions, label_spellings, read_labelled, split_labels
from tests.conftest import synthetic_lyrics
from tests.interfaces.audio_files import make_audio


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["artist", "lyrics", "genre"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_tables_labels_are_split_grouped_by_spelling_and_aliased(tmp_path):
    rows = [
        {"artist": "A", "lyrics": synthetic_lyrics("rap", 1), "genre": "Hip-Hop; Rap"},
        {"artist": "B", "lyrics": synthetic_lyrics("rap", 2), "genre": "hip hop"},
        {"artist": "C", "lyrics": synthetic_lyrics("rap", 3), "genre": "Hip-Hop"},
        {"artist": "D", "lyrics": synthetic_lyrics("rock", 4), "genre": "Singer/Songwriter"},
        {"artist": "E", "lyrics": synthetic_lyrics("rock", 5), "genre": ""},
        {"artist": "F", "lyrics": "", "genre": "Rock"},
    ]
    options = LabelOptions(separator=";", aliases={"rap": "Hip-Hop"})
    labelled = read_labelled(write_csv(tmp_path / "songs.csv", rows), options)
    assert [song.labels for song in labelled.songs] == [
        ("Hip-Hop",),
        ("Hip-Hop",),
        ("Hip-Hop",),
        ("Singer/Songwriter",),
    ]
    assert [song.artist for song in labelled.songs] == ["A", "B", "C", "D"]
    assert labelled.passed_over == {"without a label": 1, "without lyrics": 1}
    assert labelled.summary() == "4 labelled songs (1 without a label, 1 without lyrics passed over)"


def test_without_a_separator_a_joined_value_is_one_label():
    assert split_labels(["Hip-Hop/Rap", "  Rock ", ""], None) == ["Hip-Hop/Rap", "Rock"]
    assert split_labels(["Rock; Pop"], "; ") == ["Rock", "Pop"]
    assert label_spellings(["hip hop", "Hip-Hop", "Hip-Hop"], {}) == {"hip hop": "Hip-Hop"}


def test_a_music_folders_labels_come_from_each_formats_genre_tag(tmp_path):
    music = tmp_path / "Music"
    make_audio(music / "a.mp3", lyrics=synthetic_lyrics("rap", 1), artist="A", genre=["Hip-Hop", "Trap"])
    make_audio(music / "b.flac", lyrics=synthetic_lyrics("country", 2), artist="B", genre="Country")
    make_audio(music / "c.ogg", lyrics=synthetic_lyrics("pop", 3), artist="C", genre="Pop")
    make_audio(music / "d.opus", lyrics=synthetic_lyrics("rock", 4), artist="D", genre="rock")
    make_audio(music / "e.m4a", artist="E", genre="Rock")
    (music / "e.lrc").write_text("[00:01.00]" + synthetic_lyrics("rock", 5))  # lyrics from a sidecar
    make_audio(music / "f.mp3", lyrics=synthetic_lyrics("rock", 6), artist="F")  # no genre
    make_audio(music / "g.mp3", artist="G", genre="Rock")  # no lyrics anywhere
    labelled = read_labelled(music, LabelOptions())
    assert [song.labels for song in labelled.songs] == [
        ("Hip-Hop", "Trap"),
        ("Country",),
        ("Pop",),
        ("rock",),  # "rock" and "Rock" once each: the spelling read first
        ("rock",),
    ]
    assert labelled.passed_over == {"without a label": 1, "without lyrics": 1}


def test_no_labelled_song_is_one_clear_error(tmp_path):
    path = write_csv(tmp_path / "songs.csv", [{"artist": "A", "lyrics": "la la la", "genre": ""}])
    with pytest.raises(UserError, match="no song with both lyrics and a label in column 'genre'"):
        read_labelled(path, LabelOptions())
    with pytest.raises(UserError, match="unsupported input type .txt"):
        read_labelled((tmp_path / "x.txt").touch() or tmp_path / "x.txt", LabelOptions())


def test_a_json_array_of_labels_gives_each_and_other_values_give_none(tmp_path):
    lines = [
        {"artist": "A", "lyrics": synthetic_lyrics("rap", 1), "genre": ["Hip-Hop", "Trap"]},
        {"artist": "B", "lyrics": synthetic_lyrics("rap", 2), "genre": 1990},
        {"artist": "C", "lyrics": synthetic_lyrics("rap", 3), "genre": {"name": "Rap"}},
        {"artist": "D", "lyrics": synthetic_lyrics("rap", 4), "genre": True},
    ]
    path = tmp_path / "songs.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    labelled = read_labelled(path, LabelOptions())
    assert [song.labels for song in labelled.songs] == [("Hip-Hop", "Trap"), ("1990",)]
    assert labelled.passed_over == {"without a label": 2}
