"""`lyricgenre adapt` end to end: labelled songs in, a model folder out that every interface loads."""

import csv
import json

import pytest
from fastapi.testclient import TestClient

from lyricgenre.interfaces.audio import read_tag
from lyricgenre.interfaces.cli import main
from lyricgenre.interfaces.web.app import create_app
from lyricgenre.runtime import GenreClassifier
from tests.conftest import synthetic_lyrics
from tests.interfaces.audio_files import make_audio

LABELS = {"rap": "Hip-Hop", "country": "Country", "pop": "Pop", "rock": "Rock"}
FORMATS = [".mp3", ".flac", ".ogg", ".opus", ".m4a"]


@pytest.fixture(scope="module")
def adapted_model(tmp_path_factory):
    """An adapted model learnt from a CSV: four labels by five artists each, and a label of one artist."""
    folder = tmp_path_factory.mktemp("adapt")
    table = folder / "tagged.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["artist", "title", "lyrics", "genre"])
        for style, label in LABELS.items():
            for k in range(5):
                for s in range(3):
                    writer.writerow([f"{label} {k}", f"song {s}", synthetic_lyrics(style, k * 10 + s), label])
        for s in range(9):
            writer.writerow(["Polka Band", f"polka {s}", synthetic_lyrics("rock", 90 + s), "Polka"])
    assert main(["adapt", "--input", str(table), "--label-column", "genre", "--out", str(folder / "M")]) == 0
    return folder / "M"


def test_adapt_writes_a_model_folder_with_its_report(adapted_model, capsys):
    manifest = json.loads((adapted_model / "manifest.json").read_text())
    assert manifest["kind"] == "adapted" and set(manifest["genres"]) == set(LABELS.values())
    card = (adapted_model / "MODEL_CARD.md").read_text()
    assert "grouped by artist" in card and "Polka (9 songs, 1 artist)" in card and "| Country |" in card
    assert "Hip-Hop → hip hop" in card  # the families its records carry
    assert (adapted_model / "base" / "manifest.json").is_file() and (adapted_model / "head.npz").is_file()


def test_predict_answers_only_in_the_users_labels(adapted_model, capsys):
    assert main(["predict", "--model", str(adapted_model), "--format", "jsonl", synthetic_lyrics("rap", 77)]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert record["genres"] == ["Hip-Hop"] and set(record["scores"]) <= set(LABELS.values())


def test_labels_named_like_our_families_bring_the_families_and_tag_still_writes_only_the_users_words(
    adapted_model, tmp_path, capsys
):
    assert main(["predict", "--model", str(adapted_model), "--format", "jsonl", synthetic_lyrics("rap", 78)]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert record["genres"] == ["Hip-Hop"] and record["families"] == ["hip hop"]
    assert set(record["family_scores"]) == {"rock", "pop", "hip hop", "country"}
    assert main(["genres", "--model", str(adapted_model), "--format", "json"]) == 0
    listed = {entry["genre"]: entry for entry in json.loads(capsys.readouterr().out)}
    assert listed.keys() == set(LABELS.values())  # its labels, not our vocabulary
    assert listed["Hip-Hop"]["families"] == ["hip hop"] and listed["Hip-Hop"]["predicted_by_model"]
    music = tmp_path / "Music"
    make_audio(music / "a.mp3", lyrics=synthetic_lyrics("rap", 79), artist="New")
    make_audio(music / "b.mp3", lyrics=synthetic_lyrics("rap", 80), artist="Other")
    tag = ["tag", str(music), "--model", str(adapted_model), "--field", "genre", "--write"]
    assert main(tag) == 0
    assert read_tag(music / "a.mp3", "genre") == ["Hip-Hop"]  # not our "Hip Hop" family beside it
    assert main([*tag, "--level", "both"]) == 0  # asked for: our family first, its name standing for the label
    assert read_tag(music / "a.mp3", "genre") == ["Hip Hop"]
    capsys.readouterr()


def test_a_label_of_the_users_own_words_leaves_the_model_without_families(tmp_path, capsys):
    table = tmp_path / "tagged.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["artist", "lyrics", "genre"])
        for style, label in (("rap", "Hip-Hop"), ("country", "Campfire Songs")):
            for k in range(4):
                for s in range(3):
                    writer.writerow([f"{label} {k}", synthetic_lyrics(style, k * 10 + s), label])
    assert main(["adapt", str(table), "--label-column", "genre", "--out", str(tmp_path / "M")]) == 0
    capsys.readouterr()
    assert json.loads((tmp_path / "M" / "manifest.json").read_text())["label_families"] is None
    assert "Its records carry no families" in (tmp_path / "M" / "MODEL_CARD.md").read_text()
    assert main(["predict", "--model", str(tmp_path / "M"), "--format", "jsonl", synthetic_lyrics("country", 5)]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert record["genres"] == ["Campfire Songs"] and record["families"] == []


def test_the_python_api_and_the_web_api_load_an_adapted_folder(adapted_model):
    classifier = GenreClassifier.load(adapted_model)
    texts = [synthetic_lyrics("country", 71), synthetic_lyrics("pop", 72)]
    alone = [classifier.classify([text])[0] for text in texts]
    together = classifier.classify(texts)
    assert [p.genres for p in together] == [["Country"], ["Pop"]] and alone == together  # batch-independent
    assert GenreClassifier.load(adapted_model, fast=True).classify(texts)[0].genres == ["Country"]
    with TestClient(create_app(adapted_model, threads=1)) as client:
        answer = client.post("/api/v1/classify", json={"lyrics": texts[0]}).json()
        assert [genre["genre"] for genre in answer["genres"] if genre["predicted"]] == ["Country"]
        assert client.get("/api/v1/genres").status_code == 200


def test_tag_missing_fills_only_empty_fields_with_the_users_labels(adapted_model, tmp_path, capsys):
    music = tmp_path / "Music"
    for k, (style, label) in enumerate(LABELS.items()):
        tagged = {"genre": label} if k % 2 else {}
        make_audio(music / f"{k}{FORMATS[k]}", lyrics=synthetic_lyrics(style, 60 + k), artist=f"New {k}", **tagged)
    make_audio(music / "4.m4a", lyrics=synthetic_lyrics("rock", 65), artist="New 4", genre="My Own Words")
    code = main(["tag", str(music), "--model", str(adapted_model), "--field", "genre", "--missing", "--write"])
    records = {r["id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert code == 0
    assert read_tag(music / "0.mp3", "genre") == ["Hip-Hop"] and read_tag(music / "2.ogg", "genre") == ["Pop"]
    assert read_tag(music / "4.m4a", "genre") == ["My Own Words"] and records["4.m4a"]["tag_status"] == "kept"
    assert read_tag(music / "1.flac", "genre") == ["Country"] and records["1.flac"]["tag_status"] == "kept"


def test_adapt_from_a_tagged_music_folder_in_every_format(tmp_path, capsys):
    music = tmp_path / "Music"
    for style, label in LABELS.items():
        for k in range(3):
            for s in range(2):
                path = music / label / f"{k}-{s}{FORMATS[(k + s) % len(FORMATS)]}"
                make_audio(path, lyrics=synthetic_lyrics(style, k * 10 + s), artist=f"{label} {k}", genre=label)
    code = main(["adapt", str(music), "--out", str(tmp_path / "M"), "--min-songs", "4", "--folds", "3"])
    captured = capsys.readouterr()
    assert code == 0 and "read 24 labelled songs" in captured.err and "3 folds grouped by artist" in captured.out
    assert "choosing the head by 3-fold cross-validation over artists" in captured.err
    assert set(GenreClassifier.load(tmp_path / "M").genres) == set(LABELS.values())


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "give the labelled songs"),
        (["--input", "missing.csv"], "missing.csv: file or folder not found"),
        (["--min-songs", "0", "x.csv"], "--min-songs must be at least 1"),
    ],
)
def test_bad_adapt_commands_get_one_line(arguments, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["adapt", "--out", "M", *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_adapt_never_replaces_a_model_that_is_not_an_adapted_one(adapted_model, tmp_path, capsys):
    exported = tmp_path / "exported"
    exported.mkdir()
    (exported / "manifest.json").write_text(
        json.dumps({**json.loads((adapted_model / "manifest.json").read_text()), "kind": "ensemble"})
    )
    table = tmp_path / "t.csv"
    table.write_text("lyrics,genre\n" + "".join(f"{synthetic_lyrics('rap', k)!r},Rap\n" for k in range(3)))
    assert main(["adapt", str(adapted_model.parent / "tagged.csv"), "--out", str(exported)]) == 2
    assert "not an adapted one" in capsys.readouterr().err


def test_explain_shows_the_lines_under_an_adapted_models_labels(adapted_model, capsys):
    lyrics = "guitar road highway thunder\nmoney street hustle flow block crew rhyme mic cash\nla la la"
    assert main(["predict", "--model", str(adapted_model), "--explain", "--format", "table", lyrics]) == 0
    out = capsys.readouterr().out
    families, labels = out.split("\ngenre")  # the families first, the lines under the user's labels
    assert families.startswith("family") and "hip hop" in families and "line" not in families
    assert 'line   2: "money street hustle flow block crew rhyme mic cash"' in labels


def test_adapting_again_into_the_same_folder_replaces_the_earlier_model_whole(adapted_model, tmp_path, capsys):
    again = tmp_path / "M"
    table = adapted_model.parent / "tagged.csv"
    assert main(["adapt", str(table), "--out", str(again), "--min-songs", "10"]) == 0
    assert main(["adapt", str(table), "--out", str(again)]) == 0
    assert "Polka" not in json.loads((again / "manifest.json").read_text())["genres"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["M"]  # no staging or earlier copy left beside it


def test_adapt_fetches_lyrics_for_tagged_files_that_have_none(tmp_path, capsys, monkeypatch):
    from tests.interfaces.lrclib_server import StandIn, track

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    music, tracks = tmp_path / "Music", []
    for style, label in LABELS.items():
        for k in range(3):
            for s in range(2):
                artist, title = f"{label} {k}", f"{style} {s}"
                make_audio(music / f"{artist} - {title}.mp3", artist=artist, title=title, album="A", genre=label)
                tracks.append(track(artist, title, plain=synthetic_lyrics(style, k * 10 + s), album="A"))
    make_audio(music / "unknown.mp3", artist="Nobody", title="Nothing", album="A", genre="Rock")
    with StandIn(tracks) as server:
        arguments = ["adapt", str(music), "--out", str(tmp_path / "M"), "--min-songs", "4", "--folds", "3"]
        code = main([*arguments, "--fetch-lyrics", "--lyrics-url", server.url])
    err = capsys.readouterr().err
    assert code == 0 and "read 24 labelled songs (1 without lyrics passed over)" in err
    assert set(GenreClassifier.load(tmp_path / "M").genres) == set(LABELS.values())
    (tmp_path / "songs.csv").write_text("lyrics,genre\nla la la,Rock\n")
    assert main(["adapt", str(tmp_path / "songs.csv"), "--out", str(tmp_path / "N"), "--fetch-lyrics"]) == 2
    assert "--fetch-lyrics goes with a music folder" in capsys.readouterr().err
