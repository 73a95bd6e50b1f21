"""The examples of docs/extending.md are these modules: each is imported and run here, and the page quotes them
as they are (`tests/integration/test_docs.py`)."""

import json

from lyricgenre.interfaces.cli import main
from lyricgenre.interfaces.songs.readers import INPUT_FORMATS
from lyricgenre.interfaces.songs.writers import OUTPUT_FORMATS
from tests.conftest import synthetic_lyrics
from tests.extending.ogg_flac import OGG_FLAC
from tests.extending.tsv_input import read_tsv
from tests.extending.tsv_output import TsvRecords


def test_a_tsv_input_and_output_added_by_one_table_line_each(exported_baseline, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(INPUT_FORMATS, ".tsv", read_tsv)
    monkeypatch.setitem(OUTPUT_FORMATS, ".tsv", TsvRecords)
    songs = tmp_path / "songs.tsv"
    lyrics = " ".join(synthetic_lyrics("rock", 1).split())  # a TSV cell holds no line break
    songs.write_text(f"id\tlyrics\nsong-1\t{lyrics}\nsong-2\t\n")
    out = tmp_path / "tags.tsv"
    code = main(["predict", "--input", str(songs), "--output", str(out), "--model", str(exported_baseline)])
    first, second = (line.split("\t") for line in out.read_text().splitlines())
    assert code == 2 and first[0] == "song-1" and first[2].strip() and second == ["song-2", "", ""]
    assert "1 row(s) could not be classified" in capsys.readouterr().err
    code = main(["predict", "--input", str(songs), "--format", "jsonl", "--model", str(exported_baseline)])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in records] == ["song-1", "song-2"] and records[1]["error"] == "empty lyrics"


def test_an_ogg_flac_format_reads_vorbis_comments():
    assert OGG_FLAC.suffixes == (".oga",) and OGG_FLAC.fields().get({"GENRE": ["Rock"]}, "genre") == ["Rock"]
