"""`lyricgenre genres`: the whole vocabulary with families, whether the model predicts each, and support."""

import json

from lyricgenre.interfaces.cli import main
from lyricgenre.taxonomy import load_taxonomy


def test_json_lists_every_vocabulary_genre_with_families_and_support(exported_baseline, capsys):
    assert main(["genres", "--format", "json", "--model", str(exported_baseline)]) == 0
    entries = json.loads(capsys.readouterr().out)
    by_genre = {entry["genre"]: entry for entry in entries}
    assert set(by_genre) >= set(load_taxonomy().genre_families)  # the whole vocabulary
    assert all(entry["families"] for entry in entries)
    assert by_genre["pop rap"]["families"] == ["pop", "hip hop"] and by_genre["pop rap"]["predicted_by_model"]
    assert by_genre["rap"]["training_songs"] > 0 and by_genre["rap"]["training_artists"] > 0
    assert not by_genre["gothabilly"]["predicted_by_model"]  # not in the tiny training data


def test_table_has_a_row_per_genre(exported_baseline, capsys):
    assert main(["genres", "--model", str(exported_baseline)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["genre", "model", "songs", "artists", "families"]
    assert len(lines) == 1 + len(load_taxonomy().genre_families)
    assert any(line.startswith("country rock") and line.rstrip().endswith("country, rock") for line in lines)
