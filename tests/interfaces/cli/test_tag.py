"""A music library of audio files: `lyricgenre predict` reads their lyrics, `lyricgenre tag` writes genres."""

import csv
import json
from pathlib import Path

import mutagen
import pytest

from lyricgenre.interfaces.audio import read_tag
from lyricgenre.interfaces.audio import tags as audio
from lyricgenre.interfaces.cli import main
from lyricgenre.interfaces.songs import read_songs
from tests.conftest import synthetic_lyrics
from tests.interfaces.audio_files import make_audio

AUDIO_IDS = ["Rap Crew/three.m4a", "Rockers/one.mp3", "Rockers/two.flac", "instrumental.ogg"]


@pytest.fixture
def library(tmp_path):
    """Embedded lyrics (MP3, M4A), lyrics in a sidecar .lrc (FLAC), and a track without lyrics (Ogg)."""
    root = tmp_path / "Music"
    make_audio(root / "Rockers" / "one.mp3", lyrics=synthetic_lyrics("rock", 1), artist="The Rockers", genre="Jazz")
    make_audio(root / "Rockers" / "two.flac", artist="The Rockers", title="Two")
    lrc = "[ar:Somebody Else]\n[00:01.00]" + synthetic_lyrics("rock", 2).replace("\n", "\n[00:02.00]")
    (root / "Rockers" / "two.lrc").write_text(lrc)
    make_audio(root / "Rap Crew" / "three.m4a", lyrics=synthetic_lyrics("rap", 3), artist="Rap Crew")
    make_audio(root / "instrumental.ogg", artist="Nobody")
    (root / "notes.txt").write_text(synthetic_lyrics("country", 4))
    return root


def run(capsys, *arguments) -> tuple[int, list[dict], str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, [json.loads(line) for line in captured.out.splitlines()], captured.err


def snapshot(root):
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_predict_reads_embedded_and_sidecar_lyrics(exported_baseline, library, capsys):
    code, records, err = run(capsys, "predict", "--input", str(library), "--model", str(exported_baseline))
    assert [r["id"] for r in records] == [
        *AUDIO_IDS,
        "notes.txt",
    ]  # the sidecar two.lrc is two.flac's lyrics, not a song of its own
    assert records[0]["artist"] == "Rap Crew" and "hip hop" in records[0]["families"] and records[0]["genres"]
    assert records[2]["artist"] == "The Rockers" and records[2]["title"] == "Two" and records[2]["genres"]
    assert records[3]["skipped"] == "no lyrics: no lyrics tag and no .lrc or .txt file beside it"
    assert records[3]["genres"] is None and "error" not in records[3]
    assert code == 0  # a song without lyrics is left out, not a failure


def test_sidecar_lyrics_are_found_whatever_the_case_of_their_suffix(tmp_path):
    make_audio(tmp_path / "[Live] song.opus")  # glob characters in the name, too
    (tmp_path / "[Live] song.LRC").write_text("[00:01.00]" + synthetic_lyrics("pop", 1))
    (row,) = read_songs(tmp_path)
    assert row.fields["id"] == "[Live] song.opus" and row.lyrics == synthetic_lyrics("pop", 1).strip()


def test_tag_is_a_dry_run_until_asked_to_write(exported_baseline, library, capsys):
    before = snapshot(library)
    code, records, err = run(capsys, "tag", str(library), "--model", str(exported_baseline), "--top-k", "2")
    assert [r["id"] for r in records] == AUDIO_IDS
    assert [r["tag_status"] for r in records] == ["would write"] * 3 + ["skipped: no lyrics"]
    assert snapshot(library) == before  # nothing written
    assert code == 0 and "4 audio files: 3 would write, 1 skipped: no lyrics" in err

    code, records, err = run(capsys, "tag", str(library), "--model", str(exported_baseline), "--top-k", "2", "--write")
    assert [r["tag_status"] for r in records] == ["written"] * 3 + ["skipped: no lyrics"]
    for record in records[:3]:
        path = library / record["id"]
        assert read_tag(path, "lyricgenre") == record["tag_values"] and len(record["genres"]) == 2
        # Families first, then the fine genres, a name written once
        assert record["tag_values"] == list(dict.fromkeys(record["families"] + record["genres"]))
    assert read_tag(library / "Rockers" / "one.mp3", "genre") == ["Jazz"]  # the genre tag is left alone
    assert snapshot(library)["instrumental.ogg"] == before["instrumental.ogg"]

    code, records, err = run(capsys, "tag", str(library), "--model", str(exported_baseline), "--top-k", "2", "--write")
    assert [r["tag_status"] for r in records[:3]] == ["unchanged"] * 3


def test_tag_the_genre_field_keeps_the_previous_values_in_a_csv_report(exported_baseline, library, capsys, tmp_path):
    song = library / "Rockers" / "one.mp3"
    report = tmp_path / "report.csv"
    arguments = ["tag", str(song), "--model", str(exported_baseline), "--field", "genre", "--write"]
    code, _, err = run(capsys, *arguments, "--output", str(report))
    (row,) = csv.DictReader(report.open())
    assert code == 0 and "1 audio file: 1 written" in err
    assert row["tag_status"] == "written" and row["tag_previous"] == "Jazz" and row["id"] == "one.mp3"
    assert read_tag(song, "genre") == row["tag_values"].split("|")
    # Into the standard genre tag, in title case: the 2 surest families, then the surest fine genre
    names = row["families"].split("|")[:2] + row["genres"].split("|")[:1]
    expected = dict.fromkeys(" ".join(word.capitalize() for word in name.split()) for name in names)
    assert row["tag_values"].split("|") == list(expected)


def test_tag_pools_by_artist_tags(exported_baseline, library, capsys):
    code, records, _ = run(capsys, "tag", str(library), "--model", str(exported_baseline), "--pool-artist")
    by_id = {r["id"]: r for r in records}
    assert by_id["Rockers/one.mp3"]["artist_songs"] == 2 and by_id["Rap Crew/three.m4a"]["artist_songs"] == 1
    assert by_id["Rockers/one.mp3"]["scores"] == by_id["Rockers/two.flac"]["scores"]


def test_a_file_that_cannot_be_tagged_is_reported_and_left_as_it_was(exported_baseline, library, capsys, monkeypatch):
    prepare = audio.prepare_rewrite
    broken = library / "Rockers" / "one.mp3"
    before = broken.read_bytes()

    def failing_write(path, updates, root=None):
        if path == broken:
            raise audio.AudioTagError("one.mp3: tags could not be written (disk full); file left unchanged")
        return prepare(path, updates, root)

    monkeypatch.setattr("lyricgenre.interfaces.library.tagger.prepare_rewrite", failing_write)
    code, records, err = run(capsys, "tag", str(library), "--model", str(exported_baseline), "--write")
    statuses = {r["id"]: r["tag_status"] for r in records}
    assert statuses["Rockers/one.mp3"] == "failed" and statuses["Rap Crew/three.m4a"] == "written"
    assert "disk full" in records[1]["tag_error"] and broken.read_bytes() == before
    assert code == 2 and "1 file(s) could not be classified or tagged" in err


@pytest.mark.parametrize(
    ("name", "message"), [("missing", "file not found"), ("songs.csv", "unsupported input type .csv")]
)
def test_tag_bad_input(exported_baseline, tmp_path, capsys, name, message):
    (tmp_path / "songs.csv").write_text("lyrics\nla la\n")
    code, _, err = run(capsys, "tag", str(tmp_path / name), "--model", str(exported_baseline))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "tag", str(empty), "--model", str(exported_baseline))
    assert code == 2 and "no audio files in this folder" in err


FORMATS = (".mp3", ".flac", ".ogg", ".opus", ".m4a")


@pytest.mark.parametrize("suffix", FORMATS)
def test_genre_tag_levels_separator_and_keep_existing_in_every_format(exported_baseline, tmp_path, capsys, suffix):
    song = make_audio(tmp_path / f"song{suffix}", lyrics=synthetic_lyrics("rap", 5), artist="MC", genre=["Jazz"])
    base = ["tag", str(song), "--model", str(exported_baseline), "--field", "genre", "--write", "--case", "lower"]
    code, (record,), _ = run(capsys, *base, "--level", "family", "--max-families", "9")
    assert code == 0 and read_tag(song, "genre") == record["families"] and "hip hop" in record["families"]
    code, (record,), _ = run(capsys, *base, "--level", "genre", "--max-genres", "1")
    assert read_tag(song, "genre") == record["genres"][:1]  # a multi-value tag, one value here
    code, (record,), _ = run(capsys, *base, "--level", "both", "--keep-existing")
    assert read_tag(song, "genre")[0] == record["genres"][0] and len(read_tag(song, "genre")) > 1
    code, (record,), _ = run(capsys, *base, "--level", "family", "--separator", "; ")
    assert read_tag(song, "genre") == ["; ".join(record["families"][:2])]  # the genre field's 2 surest families
    code, (record,), _ = run(capsys, *base, "--level", "family", "--separator", "; ")
    assert record["tag_status"] == "unchanged"


def test_multiple_families_and_genres_are_real_multi_value_tags(exported_baseline, tmp_path, capsys):
    for suffix in FORMATS:
        make_audio(tmp_path / f"song{suffix}", lyrics=synthetic_lyrics("rap", 6), artist="MC")
    code, records, _ = run(capsys, "tag", str(tmp_path), "--model", str(exported_baseline), "--write")
    assert code == 0
    for record in records:
        assert read_tag(tmp_path / record["id"], "lyricgenre") == record["tag_values"]
        assert len(record["tag_values"]) >= 2


def test_nothing_to_write_never_wipes_a_files_genres(exported_baseline, tmp_path, capsys):
    song = make_audio(tmp_path / "song.flac", lyrics=synthetic_lyrics("rock", 7), artist="X", genre="Rock")
    before = song.read_bytes()
    arguments = ["tag", str(song), "--model", str(exported_baseline), "--field", "genre", "--write"]
    config = tmp_path / "config.toml"
    config.write_text('allow = ["polka"]\n')  # everything predicted is filtered out
    code, (record,), err = run(capsys, *arguments, "--config", str(config))
    assert code == 0 and record["tag_status"] == "no genres" and song.read_bytes() == before
    assert read_tag(song, "genre") == ["Rock"]


def test_tag_pools_by_artist_by_default_by_album_or_not_at_all(exported_baseline, tmp_path, capsys):
    make_audio(tmp_path / "a1.mp3", lyrics=synthetic_lyrics("rock", 1), artist="Band", album="First")
    make_audio(tmp_path / "a2.ogg", lyrics=synthetic_lyrics("country", 2), artist="Band", album="First")
    make_audio(tmp_path / "a3.m4a", lyrics=synthetic_lyrics("rap", 3), artist="Band", album="Second")
    model = ["--model", str(exported_baseline)]
    _, records, _ = run(capsys, "tag", str(tmp_path), *model)
    assert [r["artist_songs"] for r in records] == [3, 3, 3] and records[0]["scores"] == records[2]["scores"]
    _, records, _ = run(capsys, "tag", str(tmp_path), *model, "--pool", "album")
    assert [r["album_songs"] for r in records] == [2, 2, 1] and records[0]["album"] == "First"
    assert records[0]["scores"] == records[1]["scores"] != records[2]["scores"]
    _, records, _ = run(capsys, "tag", str(tmp_path), *model, "--pool", "none")
    assert "artist_songs" not in records[0] and records[0]["scores"] != records[1]["scores"]


def test_by_album_songs_pool_by_album_artist_and_a_compilations_per_artist(exported_baseline, tmp_path, capsys):
    songs = [("rock", "Band", "Various Artists", 1), ("rap", "Crew", "Various Artists", 2)]
    songs += [
        ("rock", "Band", "Various Artists", 3),
        ("pop", "Band feat. Guest", "Band", 4),
        ("pop", "Band", "Band", 5),
    ]
    for k, (style, artist, album_artist, seed) in enumerate(songs):
        tags = {"artist": artist, "album": "Hits 1999" if k < 3 else "Own", "album_artist": album_artist}
        make_audio(tmp_path / f"{k}.flac", lyrics=synthetic_lyrics(style, seed), **tags)
    _, records, _ = run(capsys, "tag", str(tmp_path), "--model", str(exported_baseline), "--pool", "album")
    assert [r["album_songs"] for r in records] == [2, 1, 2, 2, 2]  # the compilation per artist; "Own" together
    assert records[0]["scores"] == records[2]["scores"] != records[1]["scores"]
    assert records[3]["scores"] == records[4]["scores"] and records[3]["album_artist"] == "Band"


def test_a_bad_config_file_is_one_line_naming_the_key(exported_baseline, library, tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text("max_genre = 3\n")
    code, records, err = run(capsys, "tag", str(library), "--model", str(exported_baseline), "--config", str(config))
    assert code == 2 and records == [] and "unknown tag setting key(s) 'max_genre'" in err
    assert len(err.strip().splitlines()) == 1


def test_tag_write_removes_leftovers_of_a_killed_run_and_refuses_outside_links(exported_baseline, tmp_path, capsys):
    library = tmp_path / "Music"
    song = make_audio(library / "song.mp3", lyrics=synthetic_lyrics("rock", 1), artist="A")
    song.with_name(".song.mp3.k1ll3d_x.tmp").write_bytes(song.read_bytes())
    outside = make_audio(tmp_path / "outside.flac", lyrics=synthetic_lyrics("rap", 2), artist="B")
    (library / "link.flac").symlink_to(outside)
    code, records, err = run(capsys, "tag", str(library), "--model", str(exported_baseline), "--write")
    assert "removed 1 temporary copies an interrupted run had left" in err
    by_id = {r["id"]: r for r in records}
    assert by_id["song.mp3"]["tag_status"] == "written"
    assert by_id["link.flac"]["tag_status"] == "failed" and "outside the library" in by_id["link.flac"]["tag_error"]
    assert read_tag(outside, "lyricgenre") == [] and code == 2
    assert sorted(p.name for p in library.iterdir()) == ["link.flac", "song.mp3"]
    code, records, _ = run(
        capsys, "tag", str(library), "--model", str(exported_baseline), "--write", "--follow-symlinks"
    )
    assert {r["id"]: r["tag_status"] for r in records}["link.flac"] == "written" and read_tag(outside, "lyricgenre")


def test_sigterm_and_sighup_become_a_clean_interruption():
    import signal

    from lyricgenre.interfaces.cli.options import stop_cleanly_on

    previous = signal.getsignal(signal.SIGTERM)
    try:
        stop_cleanly_on(signal.SIGTERM)
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_tag_report_as_lines_for_people(exported_baseline, library, capsys):
    code, _, _ = run(capsys, "tag", str(library), "--model", str(exported_baseline), "--format", "jsonl")
    captured = main(["tag", str(library), "--model", str(exported_baseline), "--format", "table"])
    lines = capsys.readouterr().out.splitlines()
    assert captured == 0 and len(lines) == 4
    assert lines[0].startswith("Rap Crew/three.m4a (Rap Crew): ") and lines[0].endswith("[would write]")
    assert lines[3].startswith("instrumental.ogg (Nobody): skipped (no lyrics: ")
    genre_field = ["tag", str(library), "--model", str(exported_baseline), "--field", "genre"]
    _, records, _ = run(capsys, *genre_field, "--format", "jsonl")
    assert main([*genre_field, "--format", "table"]) == 0
    rock = capsys.readouterr().out.splitlines()[1]  # what goes into the file, and what it held
    values = ", ".join(records[1]["tag_values"])
    assert rock == f"Rockers/one.mp3 (The Rockers): {values}  [would write; was: Jazz]"


def test_an_unreadable_subfolder_is_reported_not_skipped(exported_baseline, library, capsys, monkeypatch):
    import os

    scandir = os.scandir
    locked = library / "Rockers"

    def denied(path="."):
        if os.fspath(path) == os.fspath(locked):  # as root nothing is unreadable: the refusal is simulated
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    code, records, err = run(capsys, "tag", str(library), "--model", str(exported_baseline))
    assert [r["id"] for r in records] == ["Rap Crew/three.m4a", "instrumental.ogg", "Rockers"]
    assert records[-1]["error"] == "folder cannot be read (Permission denied); its files were not tagged"
    assert code == 2 and records[-1]["tag_status"] == "not classified"


def test_a_write_report_is_written_under_its_name_as_the_run_goes(exported_baseline, library, capsys, monkeypatch):
    """Stopped after the second file, the report already holds both files' previous values, under its name."""
    import lyricgenre.interfaces.library.tagger as tagging

    report = library.parent / "report.jsonl"
    prepare, calls = tagging.prepare_rewrite, []

    def stop_on_the_third(path, updates, root=None):
        calls.append(path)
        if len(calls) == 3:
            assert len(report.read_text().splitlines()) == 2  # flushed record by record, under its real name
            raise KeyboardInterrupt
        return prepare(path, updates, root)

    monkeypatch.setattr(tagging, "prepare_rewrite", stop_on_the_third)
    arguments = ["tag", str(library), "--model", str(exported_baseline), "--field", "genre", "--write"]
    code, _, err = run(capsys, *arguments, "--output", str(report))
    records = [json.loads(line) for line in report.read_text().splitlines()]
    assert code == 130 and err.strip().endswith("interrupted")
    assert [r["tag_status"] for r in records] == ["written", "written"]
    assert records[1]["id"] == "Rockers/one.mp3" and records[1]["tag_previous"] == ["Jazz"]
    assert not [p for p in library.parent.iterdir() if p.name.startswith(".report")]


def test_python_api_tags_a_library_and_classifies_a_file(exported_baseline, library, tmp_path, capsys):
    from lyricgenre import GenreClassifier
    from lyricgenre.interfaces.batch import FileOptions, predict_file
    from lyricgenre.interfaces.library.settings import TagSettings
    from lyricgenre.interfaces.library.tagger import tag_library

    classifier = GenreClassifier.load(exported_baseline, threads=1)
    report = tmp_path / "report.csv"
    tagger = tag_library(library, classifier, TagSettings(level="family"), write=True, output=report)
    assert tagger.counts == {"written": 3, "skipped: no lyrics": 1}
    rows = list(csv.DictReader(report.open()))
    assert read_tag(library / rows[0]["id"], "lyricgenre") == rows[0]["families"].split("|")
    out = tmp_path / "songs.jsonl"
    failed = predict_file(library, out, classifier, FileOptions(pool="artist"))
    assert failed == 0 and all("artist_songs" in json.loads(line) or "skipped" in line for line in out.open())


@pytest.mark.parametrize("point", ["copied", "tags-written", "recorded", "renamed"])
def test_a_tag_write_killed_at_any_point_loses_nothing_and_the_next_run_cleans_up(exported_baseline, tmp_path, point):
    """A real SIGKILL while the second file is rewritten: every file decodes with its audio intact and holds
    either its old or its new genres, the report records every change made, and the run going on with that report
    (`--resume`) removes the copy, tags the files not done (the second one again where it was never renamed) and
    leaves a report that undoes the whole run."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from lyricgenre.interfaces.audio import audio_fingerprint

    library = tmp_path / "Music"
    styles = {".flac": "rock", ".m4a": "rap", ".mp3": "country", ".ogg": "rock"}
    songs = [
        make_audio(library / f"{n}{suffix}", lyrics=synthetic_lyrics(style, n), artist=f"A{n}", genre="Old")
        for n, (suffix, style) in enumerate(styles.items())
    ]
    digests = {song: audio_fingerprint(song) for song in songs}
    report, marker = tmp_path / "report.jsonl", tmp_path / "paused"
    arguments = ["tag", str(library), "--model", str(exported_baseline), "--field", "genre", "--pool", "none"]
    helper = [sys.executable, "-m", "tests.interfaces.cli.killable_tag", point, "2", str(marker), "--"]
    process = subprocess.Popen([*helper, *arguments, "--write", "--output", str(report)], cwd=Path(__file__).parents[3])
    deadline = time.monotonic() + 120
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), f"the run never reached {point} (exit {process.poll()})"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    records = [json.loads(line) for line in report.read_text().splitlines()]  # every line whole
    recorded = {r["id"]: r for r in records}
    for song in songs:
        assert mutagen.File(song) is not None and audio_fingerprint(song) == digests[song]
        genres = read_tag(song, "genre")
        if genres != ["Old"]:  # changed: the report says so, with what it held
            assert recorded[song.name]["tag_status"] == "written" and recorded[song.name]["tag_previous"] == ["Old"]
            assert recorded[song.name]["tag_values"] == genres
    assert len(records) == (1 if point in ("copied", "tags-written") else 2)
    leftovers = [p.name for p in library.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == (0 if point == "renamed" else 1)

    going_on = [*arguments, "--write", "--resume", "--output", str(report)]
    rerun = subprocess.run([sys.executable, "-m", "lyricgenre", *going_on], capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert ("removed 1 temporary copies" in rerun.stderr) == bool(leftovers)
    done_before = 2 if point == "renamed" else 1  # recorded, not renamed: the second file is tagged again
    assert f"{4 - done_before} written; {done_before} done by the earlier run" in rerun.stderr
    assert sorted(p.name for p in library.iterdir()) == sorted(song.name for song in songs)
    for song in songs:
        assert audio_fingerprint(song) == digests[song] and read_tag(song, "genre") != ["Old"]
    statuses = [(r["id"], r["tag_status"]) for r in map(json.loads, report.read_text().splitlines())]
    assert statuses[len(records) :] == [(song.name, "written") for song in songs[done_before:]]
    assert main(["restore", str(report), "--write"]) == 0
    assert all(read_tag(song, "genre") == ["Old"] for song in songs)


def test_a_pooled_tag_stopped_while_scoring_goes_on_from_the_songs_it_scored(
    exported_baseline, tmp_path, capsys, monkeypatch
):
    from lyricgenre.interfaces import classify
    from lyricgenre.runtime import GenreClassifier

    library, report, full = tmp_path / "Music", tmp_path / "report.jsonl", tmp_path / "full.jsonl"
    for n in range(7):
        make_audio(library / f"{n}.mp3", lyrics=synthetic_lyrics(("rock", "rap")[n % 2], n), artist=f"A{n % 3}")
    arguments = ["tag", str(library), "--model", str(exported_baseline), "--field", "genre"]
    assert main([*arguments, "--output", str(full)]) == 0  # a dry run: what the files get
    monkeypatch.setattr(classify, "BATCH", 2)
    score, scored = GenreClassifier.predict_proba, []

    def stopped_in_the_third_batch(self, texts, *args, **kwargs):
        if len(scored) >= 4:
            raise KeyboardInterrupt
        scored.extend(texts)
        return score(self, texts, *args, **kwargs)

    monkeypatch.setattr(GenreClassifier, "predict_proba", stopped_in_the_third_batch)
    assert main([*arguments, "--write", "--output", str(report), "--resume"]) == 130
    assert report.read_text() == "" and (tmp_path / ".report.jsonl.scores").exists()
    assert all(read_tag(song, "genre") == [] for song in library.iterdir())  # nothing written before the end
    scored.clear()
    monkeypatch.setattr(
        GenreClassifier, "predict_proba", lambda self, texts: scored.extend(texts) or score(self, texts)
    )
    assert main([*arguments, "--write", "--output", str(report), "--resume"]) == 0
    assert len(scored) == 3  # the songs the stopped run had not scored
    expected = {r["id"]: r["tag_values"] for r in map(json.loads, full.read_text().splitlines())}
    assert {r["id"]: r["tag_values"] for r in map(json.loads, report.read_text().splitlines())} == expected
    assert all(read_tag(library / name, "genre") == values for name, values in expected.items())
    assert not (tmp_path / ".report.jsonl.scores").exists()
    scored.clear()
    assert main([*arguments, "--write", "--output", str(report), "--resume"]) == 0  # complete: nothing to do
    assert scored == [] and "nothing left to tag: 7 done by the earlier run" in capsys.readouterr().err


def test_missing_classifies_only_the_artists_with_a_file_to_tag(exported_baseline, tmp_path, capsys, monkeypatch):
    """`--missing` on a mostly tagged library: only the pools of files without genres are scored, and those files
    get what a run over the whole library gives them."""
    from lyricgenre.runtime import GenreClassifier

    music = tmp_path / "Music"
    make_audio(music / "a.mp3", lyrics=synthetic_lyrics("rock", 1), artist="Rockers")
    make_audio(music / "b.flac", lyrics=synthetic_lyrics("rock", 2), artist="Rockers", genre="Jazz")
    make_audio(music / "c.m4a", lyrics=synthetic_lyrics("rap", 3), artist="The Rockers feat. MC", genre="Jazz")
    make_audio(music / "d.mp3", lyrics=synthetic_lyrics("country", 4), artist="Dusty", genre="Country")
    make_audio(music / "e.ogg", lyrics=synthetic_lyrics("country", 5), artist="Dusty", genre="Country")
    arguments = ["tag", str(music), "--model", str(exported_baseline), "--field", "genre", "--format", "jsonl"]
    _, whole, _ = run(capsys, *arguments)  # every file classified: what a.mp3 would get
    score, scored = GenreClassifier.predict_proba, []
    monkeypatch.setattr(
        GenreClassifier, "predict_proba", lambda self, texts: scored.extend(texts) or score(self, texts)
    )
    code, records, err = run(capsys, *arguments, "--missing", "--write")
    by_id = {r["id"]: r for r in records}
    assert code == 0 and len(scored) == 3  # the Rockers' songs, pooled as in the whole run; not Dusty's
    assert by_id["a.mp3"]["tag_status"] == "written" and by_id["a.mp3"]["genres"] == whole[0]["genres"]
    assert read_tag(music / "a.mp3", "genre") == whole[0]["tag_values"]
    assert [by_id[name]["tag_status"] for name in ("b.flac", "c.m4a", "d.mp3", "e.ogg")] == ["kept"] * 4
    assert by_id["b.flac"]["genres"]  # classified for the pool of a.mp3
    assert by_id["d.mp3"]["genres"] is None and by_id["d.mp3"]["skipped"] == (
        "not needed: its genre field holds genres, as its artist's other files do"
    )
    assert read_tag(music / "d.mp3", "genre") == ["Country"] and "1 written, 4 kept" in err


def test_tag_resume_goes_on_only_with_a_report_of_its_own_kind(exported_baseline, library, tmp_path, capsys):
    report = tmp_path / "report.jsonl"
    base = ["tag", str(library), "--model", str(exported_baseline)]
    assert main([*base, "--resume"]) == 2
    assert "--resume goes on with the report of a stopped run: give its --output" in capsys.readouterr().err
    assert main([*base, "--output", str(report)]) == 0  # a dry run's report
    before = snapshot(library)
    assert main([*base, "--output", str(report), "--resume", "--write"]) == 2
    assert "the report of a dry run; --resume --write goes on with a --write run's" in capsys.readouterr().err
    assert snapshot(library) == before
    written = tmp_path / "written.jsonl"
    assert main([*base, "--output", str(written), "--write"]) == 0
    assert main([*base, "--output", str(written), "--resume"]) == 2
    assert "the report of a --write run; go on with it with --resume --write" in capsys.readouterr().err
    predicted, before = tmp_path / "predicted.jsonl", snapshot(library)  # the files' ids; no file tagged
    assert (
        main(["predict", "--input", str(library), "--model", str(exported_baseline), "--output", str(predicted)]) == 0
    )
    assert main([*base, "--output", str(predicted), "--resume", "--write"]) == 2
    assert "not a report of `lyricgenre tag` (a record without tag_status)" in capsys.readouterr().err
    assert snapshot(library) == before


def test_a_rename_failing_after_its_record_is_followed_by_a_failed_record(
    exported_baseline, library, capsys, monkeypatch
):
    """The `written` record precedes the rename; if the rename fails, a `failed` record supersedes it."""
    import os

    replace_file = os.replace
    broken = library / "Rockers" / "one.mp3"

    def refuse_one(source, target):
        if Path(target) == broken:
            raise OSError(5, "Input/output error")
        replace_file(source, target)

    monkeypatch.setattr(audio.os, "replace", refuse_one)
    report = library.parent / "report.jsonl"
    arguments = ["tag", str(library), "--model", str(exported_baseline), "--write", "--output", str(report)]
    code, _, err = run(capsys, *arguments)
    statuses = [(r["id"], r["tag_status"]) for r in map(json.loads, report.read_text().splitlines())]
    assert statuses[1:3] == [("Rockers/one.mp3", "written"), ("Rockers/one.mp3", "failed")]
    assert read_tag(broken, "lyricgenre") == [] and code == 2
    assert "2 written, 1 skipped: no lyrics, 1 failed" in err  # counted once, as failed


def test_file_names_that_are_not_utf8_are_shown_escaped_and_still_tagged(exported_baseline, tmp_path, capsys):
    """An old library's Latin-1 names ("caf\\xe9.mp3"): reported with escapes, read and rewritten by their real name."""
    import os

    root = tmp_path / "Music"
    root.mkdir()
    raw = os.fsencode(root) + b"/caf\xe9 song.mp3"
    try:
        open(raw, "wb").close()
    except OSError:
        pytest.skip("this file system takes UTF-8 names only")
    os.remove(raw)
    song = make_audio(root / "made.mp3", lyrics=synthetic_lyrics("rock", 1), artist="Someone")
    os.rename(song, raw)
    (root / os.fsdecode(b"\xff lyrics.txt")).write_text(synthetic_lyrics("rap", 2))
    report = tmp_path / "report.csv"
    base = ["--model", str(exported_baseline)]
    code, records, _ = run(capsys, "predict", "--input", str(root), *base)
    assert code == 0 and [r["id"] for r in records] == ["caf\\xe9 song.mp3", "\\xff lyrics.txt"]
    assert all(r["genres"] for r in records) and records[0]["path"].endswith("caf\\xe9 song.mp3")
    assert main(["tag", str(root), "--write", "--output", str(report), *base]) == 0
    (row,) = csv.DictReader(report.open(encoding="utf-8"))
    assert row["id"] == "caf\\xe9 song.mp3" and row["tag_status"] == "written"
    assert read_tag(Path(os.fsdecode(raw)), "lyricgenre") == row["tag_values"].split("|")


@pytest.mark.parametrize("name", ["report.jsonl", "report.csv"])
def test_a_write_report_is_never_replaced_but_a_dry_runs_is(exported_baseline, library, tmp_path, capsys, name):
    report = tmp_path / name
    base = ["tag", str(library), "--model", str(exported_baseline), "--output", str(report)]
    assert main(base) == 0  # a dry run's report ...
    assert main([*base, "--write"]) == 0  # ... is replaced by the run that writes
    written, before = report.read_text(), snapshot(library)
    assert "written" in written
    capsys.readouterr()
    for again in ([*base, "--write"], base):  # that report records the values the files held: no run replaces it
        assert main(again) == 2
        assert capsys.readouterr().err.startswith(f"lyricgenre: error: {report}: holds an earlier --write run's")
        assert report.read_text() == written and snapshot(library) == before


def test_a_track_without_lyrics_gets_its_artists_genres_unless_no_fill(exported_baseline, library, capsys):
    make_audio(library / "Rockers" / "intro.mp3", artist="The Rockers", title="Intro")
    arguments = ["tag", str(library), "--model", str(exported_baseline), "--field", "genre", "--format", "jsonl"]
    code, records, err = run(capsys, *arguments)
    by_id = {r["id"]: r for r in records}
    intro, song = by_id["Rockers/intro.mp3"], by_id["Rockers/one.mp3"]
    assert code == 0 and intro["filled_from"] == "artist" and intro["tag_status"] == "would write"
    assert intro["tag_values"] == song["tag_values"] and intro["scores"] == song["scores"]
    assert intro["notes"] == ["no lyrics of its own: the pooled genres of its artist's songs"]
    assert by_id["instrumental.ogg"]["tag_status"] == "skipped: no lyrics"  # its artist has no other song
    code, records, _ = run(capsys, *arguments, "--no-fill")
    assert {r["id"]: r for r in records}["Rockers/intro.mp3"]["tag_status"] == "skipped: no lyrics"


def test_settings_that_write_nothing_are_one_line_errors(exported_baseline, library, tmp_path, capsys):
    code, records, err = run(
        capsys, "tag", str(library), "--model", str(exported_baseline), "--level", "genre", "--max-genres", "0"
    )
    assert code == 2 and records == [] and len(err.strip().splitlines()) == 1
    assert "these settings would never write a genre: level 'genre' (--level) with max_genres 0" in err
    config = tmp_path / "config.toml"
    config.write_text('allow = ["rock"]\ndeny = ["Rock"]\n')
    code, _, err = run(capsys, "tag", str(library), "--model", str(exported_baseline), "--config", str(config))
    assert code == 2 and f"{config}: these settings would never write a genre: every name of allow" in err


def test_the_first_write_into_the_own_field_says_how_to_write_the_genre_tag(
    exported_baseline, library, capsys, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    arguments = ["tag", str(library), "--model", str(exported_baseline), "--format", "jsonl"]
    _, _, err = run(capsys, *arguments)
    assert "--field genre writes the standard genre tag" not in err  # a dry run changes nothing
    _, _, err = run(capsys, *arguments, "--write")
    assert (
        err.strip()
        .splitlines()[-1]
        .endswith("--field genre writes the standard genre tag (lyricgenre restore REPORT undoes a run)")
    )
    make_audio(library / "Rockers" / "more.mp3", lyrics=synthetic_lyrics("rock", 9), artist="The Rockers")
    _, _, err = run(capsys, *arguments, "--write")
    assert "written" in err and "--field genre" not in err  # once


def test_a_full_disk_while_writing_the_report_is_one_line_and_changes_no_file(
    exported_baseline, library, tmp_path, capsys, monkeypatch
):
    import errno

    from lyricgenre.interfaces.songs.writers import JsonlRecords

    def full_disk(self, record):
        raise OSError(errno.ENOSPC, "No space left on device")

    before = snapshot(library)
    monkeypatch.setattr(JsonlRecords, "write", full_disk)
    report = tmp_path / "report.jsonl"
    code, _, err = run(
        capsys, "tag", str(library), "--model", str(exported_baseline), "--write", "--output", str(report)
    )
    assert (
        code == 2
        and err.strip().splitlines()[-1] == f"lyricgenre: error: {report}: writing failed (No space left on device)"
    )
    assert snapshot(library) == before  # a file is renamed only once its record is on disk
