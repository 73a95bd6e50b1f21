"""`predict_file`, the Python API of `lyricgenre predict --input`, called directly."""

import json

from lyricgenre.interfaces import FileOptions, predict_file
from lyricgenre.runtime import GenreClassifier
from tests.conftest import synthetic_lyrics


def test_predict_file_writes_a_record_per_row_and_counts_the_failures(exported_baseline, tmp_path):
    songs = tmp_path / "songs.jsonl"
    lines = [{"id": 1, "artist": "X", "lyrics": synthetic_lyrics("rock", 1)}, {"id": 2, "lyrics": ""}, "not json"]
    songs.write_text("\n".join(json.dumps(line) if isinstance(line, dict) else line for line in lines) + "\n")
    out = tmp_path / "out.jsonl"
    failed = predict_file(songs, out, GenreClassifier.load(exported_baseline), FileOptions(pool="artist"))
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert failed == 2 and [r["row"] for r in records] == [1, 2, 3]
    assert records[0]["artist_songs"] == 1 and records[1]["error"] == "empty lyrics"
    assert records[2]["error"].startswith("malformed JSON")
