"""`lyricgenre predict` for every input format and every bad input."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lyricgenre.interfaces.cli import main
from lyricgenre.interfaces.progress import ProgressBar
from lyricgenre.interfaces.songs import count_songs, read_songs
from lyricgenre.interfaces.songs.lrc import parse_lrc
from tests.conftest import synthetic_lyrics


@pytest.fixture(scope="session")
def model(exported_baseline) -> str:
    return str(exported_baseline)  # numpy-only: fast


def run(capsys, *arguments) -> tuple[int, str, str]:
    code = main(["predict", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_single_song_table_and_json(model, capsys):
    code, out, _ = run(capsys, synthetic_lyrics("rap", 1), "--model", model)
    assert code == 0 and out.startswith("family") and "\ngenre " in out and "predicted" in out
    assert out.index("hip hop") < out.index("\ngenre ")  # families first
    code, out, _ = run(capsys, synthetic_lyrics("rap", 1), "--model", model, "--format", "json", "--top-k", "2")
    record = json.loads(out)
    assert code == 0 and len(record["genres"]) <= 2 and "rap" in record["scores"]
    assert "hip hop" in record["families"] and set(record["family_scores"]) >= {"hip hop", "rock", "pop"}
    assert record["notes"][0].startswith("only 60 words")
    assert "note:" not in run(capsys, synthetic_lyrics("rap", 1, words=100), "--model", model)[1]


def test_single_song_notes_short_lyrics(model, capsys):
    code, out, _ = run(capsys, synthetic_lyrics("rap", 1, words=10), "--model", model)
    assert code == 0 and "note: only 10 words: tags from a short excerpt are less reliable" in out
    code, out, _ = run(capsys, synthetic_lyrics("rap", 1, words=10), "--model", model, "--format", "json")
    assert json.loads(out)["notes"][0].startswith("only 10 words")


def test_stdin(model, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(synthetic_lyrics("rock", 2)))
    code, out, _ = run(capsys, "-", "--model", model, "--format", "json")
    assert code == 0 and json.loads(out)["genres"]


def test_csv_to_jsonl_keeps_order_and_ids(model, tmp_path, capsys):
    source = tmp_path / "songs.csv"
    with source.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "artist", "title", "text"])
        for i, style in enumerate(["rock", "pop", "rap", "country"]):
            writer.writerow([f"s{i}", "Someone", f"T{i}", synthetic_lyrics(style, i, words=20 if i == 3 else 90)])
        writer.writerow(["s4", "Someone", "Empty", "   "])
    output = tmp_path / "out.jsonl"
    code, _, err = run(
        capsys, "--input", str(source), "--text-column", "text", "--output", str(output), "--model", model
    )
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert code == 2 and "1 row(s) could not be classified" in err
    assert [r["id"] for r in records] == ["s0", "s1", "s2", "s3", "s4"]
    assert records[4]["error"] == "empty lyrics" and records[4]["genres"] is None
    assert records[0]["title"] == "T0" and isinstance(records[0]["scores"], dict)
    assert records[0]["notes"] == [] and records[3]["notes"][0].startswith("only 20 words")


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_separated_by_semicolons_or_tabs_is_read_by_its_header(model, tmp_path, capsys, delimiter):
    source = tmp_path / "songs.csv"
    with source.open("w", newline="") as handle:  # as a spreadsheet saves CSV where the comma is the decimal mark
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["id", "title", "lyrics"])
        writer.writerow(["s0", "One, two", synthetic_lyrics("rap", 0)])
        writer.writerow(["s1", "Three", synthetic_lyrics("rock", 1).replace(" ", f" {delimiter} ", 1)])
    output = tmp_path / "out.jsonl"
    code, _, _ = run(capsys, "--input", str(source), "--output", str(output), "--model", model)
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert code == 0 and [(r["id"], r["title"]) for r in records] == [("s0", "One, two"), ("s1", "Three")]
    assert all(r["genres"] for r in records)
    (tmp_path / "other.csv").write_text(f"id{delimiter}text\ns0{delimiter}la la\n")
    code, _, err = run(capsys, "--input", str(tmp_path / "other.csv"), "--model", model)
    assert code == 2 and "no column 'lyrics' (columns: id, text)" in err


def test_columns_and_fields_named_in_another_case_are_read(model, tmp_path, capsys):
    """Kaggle-style "Artist,Title,Lyrics" headers and JSON keys: read as lyrics, artist and title."""
    songs = [("Band", "One", synthetic_lyrics("rock", 1)), ("band", "Two", synthetic_lyrics("rock", 2))]
    table = tmp_path / "songs.csv"
    with table.open("w", newline="") as handle:
        csv.writer(handle).writerows([["Artist", "Title", "Lyrics"], *songs])
    lines = tmp_path / "songs.jsonl"
    lines.write_text("".join(json.dumps({"Artist": a, "Title": t, " LYRICS ": text}) + "\n" for a, t, text in songs))
    for source in (table, lines):
        code, out, _ = run(capsys, "--input", str(source), "--model", model, "--pool-artist", "--format", "jsonl")
        records = [json.loads(line) for line in out.splitlines()]
        assert code == 0 and [(r["artist"], r["title"]) for r in records] == [("Band", "One"), ("band", "Two")]
        assert records[0]["genres"] == records[1]["genres"] and records[0]["artist_songs"] == 2


def test_a_byte_order_mark_is_not_data_and_an_lrc_file_is_an_input(model, tmp_path, capsys):
    bom = "\ufeff"  # as spreadsheet programs and some editors start UTF-8 files
    one_line = synthetic_lyrics("pop", 1).replace("\n", " ")
    (tmp_path / "songs.csv").write_text(f"{bom}id,lyrics\ns1,{one_line}\n", encoding="utf-8")
    (tmp_path / "songs.jsonl").write_text(bom + json.dumps({"id": "s1", "lyrics": synthetic_lyrics("pop", 1)}) + "\n")
    (tmp_path / "song.lrc").write_text(f"{bom}[ar:Someone]\n[00:01.00]{synthetic_lyrics('pop', 1)}\n", encoding="utf-8")
    for name, expected in (("songs.csv", "s1"), ("songs.jsonl", "s1"), ("song.lrc", "song.lrc")):
        code, out, _ = run(capsys, "--input", str(tmp_path / name), "--model", model, "--format", "jsonl")
        (record,) = [json.loads(line) for line in out.splitlines()]
        assert code == 0 and record["id"] == expected and record["genres"], name
    assert record["artist"] == "Someone" and count_songs(tmp_path / "song.lrc") == 1


def test_jsonl_to_csv_reports_malformed_lines(model, tmp_path, capsys):
    source = tmp_path / "songs.jsonl"
    source.write_text(
        json.dumps({"lyrics": synthetic_lyrics("pop", 3)})
        + "\n{not json\n"
        + json.dumps({"lyrics": synthetic_lyrics("rock", 4), "title": "R"})
        + "\n"
    )
    output = tmp_path / "out.csv"
    code, _, _ = run(capsys, "--input", str(source), "--output", str(output), "--model", model)
    rows = list(csv.DictReader(output.open()))
    assert code == 2 and [r["row"] for r in rows] == ["1", "2", "3"]
    assert rows[1]["error"].startswith("malformed JSON") and rows[2]["title"] == "R" and rows[0]["genres"]
    assert rows[0]["notes"].startswith("only 60 words") and rows[1]["notes"] == ""


def test_txt_file_and_folder_of_txt_and_lrc(model, tmp_path, capsys):
    folder = tmp_path / "library"
    (folder / "album").mkdir(parents=True)
    (folder / "a.txt").write_text(synthetic_lyrics("country", 5))
    (folder / "album" / "b.lrc").write_text(
        "[ar:Some Band]\n[ti:Some Song]\n[00:01.00]" + synthetic_lyrics("rock", 6).replace("\n", "\n[00:02.00]")
    )
    (folder / "cover.jpg").write_bytes(b"\xff\xd8")
    code, out, _ = run(capsys, "--input", str(folder), "--model", model)
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["id"] for r in records] == ["a.txt", "album/b.lrc"]
    assert records[1]["artist"] == "Some Band" and records[1]["genres"]
    code, out, _ = run(capsys, "--input", str(folder / "a.txt"), "--model", model)
    assert code == 0 and json.loads(out)["id"] == "a.txt"


def test_pool_artist_tags_each_artists_songs_together(model, tmp_path, capsys):
    source = tmp_path / "library.csv"
    with source.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["artist", "lyrics"])
        rows = [("The Rockers", "rock", 1), ("Rap Crew", "rap", 2), ("the  rockers", "country", 3), ("", "pop", 4)]
        for artist, style, seed in rows:
            writer.writerow([artist, synthetic_lyrics(style, seed)])
        writer.writerow(["The Rockers", ""])
    code, out, err = run(capsys, "--input", str(source), "--model", model)
    alone = [json.loads(line) for line in out.splitlines()]
    output = tmp_path / "pooled.csv"
    code, _, err = run(capsys, "--input", str(source), "--model", model, "--pool-artist", "--output", str(output))
    pooled = list(csv.DictReader(output.open()))
    assert code == 2 and "1 row(s) could not be classified" in err and pooled[4]["error"] == "empty lyrics"
    assert [r["artist_songs"] for r in pooled] == ["2", "1", "2", "1", ""]
    scores = [json.loads(r["scores"]) for r in pooled[:4]]
    assert scores[0] == scores[2] and pooled[0]["genres"] == pooled[2]["genres"]
    for genre in ("rock", "country"):  # the mean of the two songs' own scores (rounded to 4 places)
        assert scores[0][genre] == pytest.approx((alone[0]["scores"][genre] + alone[2]["scores"][genre]) / 2, abs=2e-4)
    assert scores[1] == alone[1]["scores"] and scores[3] == alone[3]["scores"]  # alone: pooled with nobody


def test_pool_artist_needs_artists_and_an_input_file(model, tmp_path, capsys):
    source = tmp_path / "songs.csv"
    source.write_text("lyrics\n" + json.dumps(synthetic_lyrics("rock", 1)) + "\n")
    output = tmp_path / "out.jsonl"
    output.write_text("previous results\n")
    code, _, err = run(capsys, "--input", str(source), "--model", model, "--pool-artist", "--output", str(output))
    assert code == 2 and "--pool-artist needs artists" in err and output.read_text() == "previous results\n"
    code, _, err = run(capsys, "la la la", "--model", model, "--pool-artist")
    assert code == 2 and "give --input" in err


def test_count_songs_matches_the_rows_read(tmp_path):
    table = tmp_path / "songs.csv"
    table.write_text('lyrics,artist\n"line one\nline two",A\n\n"x",B\n" ",C\n')  # a quoted newline, a blank row
    lines = tmp_path / "songs.jsonl"
    lines.write_text('{"lyrics": "a"}\n\n{not json\n')
    folder = tmp_path / "library"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.txt", "sub/b.lrc", "cover.jpg", "sub/c.mp3", "sub/c.lrc", ".hidden.txt"):
        (folder / name).write_text("la la")  # c.lrc holds the lyrics of c.mp3 (here not even audio)
    for path in (table, lines, folder, folder / "a.txt"):
        assert count_songs(path) == len(list(read_songs(path))), path
    assert count_songs(folder) == 3 and count_songs(folder, audio_only=True) == 1
    assert len(list(read_songs(folder, audio_only=True))) == 1
    assert count_songs(tmp_path / "missing.csv") is None


def test_a_bar_is_shown_unless_the_records_go_to_the_terminal_as_they_come(monkeypatch, tmp_path):
    import io

    from lyricgenre.interfaces.progress import shown_beside

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdout", Terminal())
    assert not shown_beside(None) and shown_beside(tmp_path / "out.jsonl")
    monkeypatch.setattr("sys.stdout", io.StringIO())  # a pipe or a file
    assert shown_beside(None)


def test_progress_line_shows_the_share_the_rate_and_the_time_left():
    progress = ProgressBar(200)
    progress.done = 100
    assert progress.line(2.0) == f"[{'█' * 15}{'·' * 15}] 100/200 songs  50% · 50 songs/s · 2 s left"
    unknown = ProgressBar(None)
    unknown.done = 30
    assert unknown.line(3.0) == "classified 30 songs (10 songs/s)"
    resumed = ProgressBar(200, enabled=False)
    resumed.done_before(80)  # an earlier run's songs: on the bar, not in the rate
    resumed.update(20)
    assert resumed.line(2.0) == f"[{'█' * 15}{'·' * 15}] 100/200 songs  50% · 10 songs/s · 10 s left"
    resumed.update(-20)
    assert resumed.line(2.0).endswith("80/200 songs  40% · 0 songs/s")  # no time left told before any rate


def test_a_bar_is_redrawn_at_most_every_tenth_of_a_second_and_ends_on_the_last_count(monkeypatch):
    drawn = []
    monkeypatch.setattr(ProgressBar, "_draw", lambda self, now: drawn.append(self.done) or setattr(self, "drawn", now))
    progress = ProgressBar(5000, enabled=True)
    for _ in range(4000):
        progress.done_before(1)  # a resumed run's earlier rows, counted one by one
    progress.finish()
    assert 1 <= len(drawn) < 100 and drawn[0] == 1 and drawn[-1] == 4000


def test_lrc_parsing():
    text, tags = parse_lrc("[ti:Song]\n[00:12.34]Hello there\n[01:02]again")
    assert text == "Hello there\nagain" and tags == {"title": "Song"}
    compressed = "[00:01.00][00:30.50]the chorus\n\n[00:05.123]a verse\n[00:06]<00:06.00>word <00:07.10>by word"
    assert parse_lrc(compressed)[0] == "the chorus\n\na verse\nword by word\nthe chorus"  # as sung, timestamps gone
    assert parse_lrc("plain\nlyrics\n\nhere")[0] == "plain\nlyrics\n\nhere"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "file not found"),
        ("songs.xml", b"<songs/>", "unsupported input type"),
        ("songs.csv", b"a,b\n1,2\n", "no column 'lyrics'"),
        ("songs.csv", b"lyrics\n\xff\xfe bad\n", "not UTF-8"),
        ("songs.csv", b"artist,lyrics\n", "no songs"),
        ("songs.jsonl", b"", "no songs"),
    ],
)
def test_bad_input_files_fail_in_one_line(model, tmp_path, capsys, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    output = tmp_path / "out.jsonl"
    output.write_text("previous results\n")
    code, _, err = run(capsys, "--input", str(path), "--output", str(output), "--model", model)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert output.read_text() == "previous results\n"  # an earlier output is never corrupted
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


class _Terminal:
    """Standard input that is a terminal: nothing is piped in."""

    def isatty(self) -> bool:
        return True


def test_bad_single_song_and_options(model, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", _Terminal())
    code, _, err = run(capsys, "   ", "--model", model)
    assert code == 2 and "lyrics are empty" in err
    code, _, err = run(capsys, "la la", "--model", model, "--top-k", "0")
    assert code == 2 and "--top-k" in err
    code, _, err = run(capsys, "--model", model)
    assert code == 2 and "give the lyrics, - to read them from standard input, or --input FILE" in err
    code, _, err = run(capsys, "la la", "--model", str(Path(model).parent))
    assert code == 2 and "not an exported lyricgenre model" in err


def test_a_standard_output_that_is_not_utf8_gets_valid_json_and_a_plain_table(model, tmp_path):
    """A redirected Windows console (cp1252) or a Latin-1 locale: no traceback, nothing lost from the JSON."""
    import os

    source = tmp_path / "songs.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["artist", "lyrics"], ["\u6771\u4eac \U0001f3b8", synthetic_lyrics("pop", 1)]])
    base = [sys.executable, "-m", "lyricgenre", "predict", "--model", model]
    for encoding in ("cp1252", "ascii"):
        env = {**os.environ, "PYTHONIOENCODING": encoding}
        done = subprocess.run([*base, "--input", str(source)], capture_output=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout.decode(encoding))["artist"] == "\u6771\u4eac \U0001f3b8"
        table = subprocess.run(
            [*base, synthetic_lyrics("pop", 1), "--format", "table"], capture_output=True, env=env, timeout=120
        )
        assert table.returncode == 0 and b"#" in table.stdout and b"Traceback" not in table.stderr


def test_output_reader_going_away_stops_quietly(model):
    """`lyricgenre predict … | head`: no traceback when the pipe closes, and an exit code that says so."""
    command = [
        sys.executable,
        "-m",
        "lyricgenre",
        "predict",
        synthetic_lyrics("pop", 3),
        "--model",
        model,
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # the reader is gone long before the model has loaded and the table is printed
    _, err = process.communicate(timeout=120)
    assert process.returncode == 141 and err == ""


def test_stdin_that_is_not_utf8_is_one_line(model):
    command = [sys.executable, "-m", "lyricgenre", "predict", "-", "--model", model]
    done = subprocess.run(command, input=b"caf\xe9 la la", capture_output=True, timeout=120)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert (
        done.stderr.decode().strip()
        == "lyricgenre: error: standard input is not UTF-8 text (invalid continuation byte at byte 3)"
    )


def test_bad_jsonl_rows_are_per_row_errors_and_the_good_rows_are_classified(model, tmp_path, capsys):
    good = json.dumps({"id": "good", "lyrics": synthetic_lyrics("rap", 1)})
    lines = [
        good,
        '{"lyrics": ' + "[" * 100_000 + "]" * 100_000 + "}",  # nested 100,000 deep
        '{"id": 1' + "0" * 5000 + ', "lyrics": "la la"}',  # a 5,000-digit integer
        '{"id": "s", "lyrics": "la \\ud800 la"}',  # a lone surrogate in the lyrics
        '{"id": "bad \\udc00", "lyrics": "la la la"}',  # ... in the id
        '{"id": [1, 2], "lyrics": "la la la"}',  # a list as id
        '{"lyrics": "\\u200b\\u0000"}',  # nothing but invisible characters
        '{"id": NaN, "lyrics": "la la la"}',  # Python's JSON reader takes NaN; JSON output cannot hold it
        good.replace("good", "good too"),
    ]
    path = tmp_path / "songs.jsonl"
    path.write_text("\n".join(lines) + "\n")
    for output in ("out.jsonl", "out.csv"):
        code, _, err = run(capsys, "--input", str(path), "--output", str(tmp_path / output), "--model", model)
        assert code == 2 and "7 row(s) could not be classified" in err and "Traceback" not in err
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["row"] for r in records] == list(range(1, 10))
    assert records[0]["genres"] and records[-1]["genres"] and records[-1]["id"] == "good too"
    errors = [r.get("error") for r in records[1:-1]]
    assert "malformed JSON" in errors[0] and "malformed JSON" in errors[1] and "lone surrogate" in errors[2]
    assert "field 'id' is not text" in errors[3] and "field 'id' is not text" in errors[4]
    assert "contain no words" in errors[5] and "field 'id' is not text" in errors[6]
    rows = list(csv.DictReader((tmp_path / "out.csv").open()))
    assert len(rows) == 9 and rows[0]["genres"] and rows[-1]["genres"]


def test_csv_with_a_huge_field_and_an_unclosed_quote(model, tmp_path, capsys):
    path = tmp_path / "songs.csv"
    long_song = synthetic_lyrics("rock", 1) + " la" * 70_000  # over the csv module's 131,072-character default
    path.write_text(
        f'id,lyrics\nlong,"{long_song}"\nok,"{synthetic_lyrics("pop", 2)}"\nbroken,"never closed\nlast,"la la"\n'
    )
    code, out, err = run(capsys, "--input", str(path), "--model", model)
    records = [json.loads(line) for line in out.splitlines()]
    assert records[0]["id"] == "long" and records[0]["genres"] and records[1]["genres"]
    assert records[2]["error"].startswith("malformed CSV at line ") and len(records) == 3
    assert code == 2 and "1 row(s) could not be classified" in err


def test_output_problems_are_one_line_and_leave_nothing_behind(model, tmp_path, capsys, monkeypatch):
    import errno

    song = tmp_path / "song.txt"
    song.write_text(synthetic_lyrics("rock", 1))
    (tmp_path / "a_file").write_text("x")
    (tmp_path / "a_folder.jsonl").mkdir()
    for output, message in (("a_file/out.jsonl", "cannot be written"), ("a_folder.jsonl", "is a folder")):
        target = tmp_path / output
        code, _, err = run(capsys, "--input", str(song), "--output", str(target), "--model", model)
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert sorted(p.name for p in tmp_path.rglob(".*")) == []  # no hidden temporary file

    def full_disk(self, record):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("lyricgenre.interfaces.songs.writers.JsonlRecords.write", full_disk)
    out = tmp_path / "out.jsonl"
    out.write_text("earlier\n")
    code, _, err = run(capsys, "--input", str(song), "--output", str(out), "--model", model)
    assert code == 2 and "writing failed (No space left on device)" in err and out.read_text() == "earlier\n"
    assert sorted(p.name for p in tmp_path.rglob(".*")) == []


def test_outputs_get_the_permissions_of_a_plain_write_or_of_the_file_they_replace(model, tmp_path, capsys):
    import os
    import stat

    song = tmp_path / "song.txt"
    song.write_text(synthetic_lyrics("rock", 1))
    previous = os.umask(0o027)
    try:
        for name in ("new.jsonl", "new.csv", "new.parquet"):
            code, _, _ = run(capsys, "--input", str(song), "--output", str(tmp_path / name), "--model", model)
            assert code == 0 and stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o640, name
        kept = tmp_path / "kept.jsonl"
        kept.write_text("earlier\n")
        kept.chmod(0o604)
        code, _, _ = run(capsys, "--input", str(song), "--output", str(kept), "--model", model)
        assert code == 0 and kept.read_text() != "earlier\n" and stat.S_IMODE(kept.stat().st_mode) == 0o604
    finally:
        os.umask(previous)


def test_broken_models_fifos_and_absurd_threads_are_refused(model, tmp_path, capsys):
    import os

    broken = tmp_path / "model"
    broken.mkdir()
    for manifest in ("{not json", '{"genres": []}', "[]"):
        (broken / "manifest.json").write_text(manifest)
        code, _, err = run(capsys, "la la la", "--model", str(broken))
        assert code == 2 and "not a valid lyricgenre manifest" in err and len(err.strip().splitlines()) == 1
    fifo = tmp_path / "song.txt"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "--input", str(fifo), "--model", model)
    assert code == 2 and "not a regular file" in err
    code, _, err = run(capsys, "la la la", "--model", model, "--threads", "100000")
    assert code == 2 and "--threads must be between 1 and 256" in err


def test_a_ctrl_c_that_a_late_import_turns_into_an_import_error_is_an_interrupt(model, capsys, monkeypatch):
    from lyricgenre import errors

    def interrupted_import(*args, **kwargs):  # as numpy's or onnxruntime's initialisation reports a Ctrl-C
        monkeypatch.setattr(errors, "_ctrl_c_received", True)
        raise ImportError("initialization failed")

    monkeypatch.setattr("lyricgenre.interfaces.batch.GenreClassifier.load", interrupted_import)
    assert run(capsys, "la la la", "--model", model)[::2] == (130, "lyricgenre: interrupted\n")


def test_an_unforeseen_error_is_one_line_with_exit_code_70_unless_debugging(model, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("something nobody foresaw\nsecond line")

    monkeypatch.setattr("lyricgenre.interfaces.batch.GenreClassifier.load", broken)
    code, _, err = run(capsys, "la la la", "--model", model)
    assert code == 70 and err.splitlines() == [
        "lyricgenre: internal error (RuntimeError: something nobody foresaw); please report it with the command "
        "that caused it (LYRICGENRE_DEBUG=1 shows the traceback)"
    ]
    monkeypatch.setenv("LYRICGENRE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="nobody foresaw"):
        main(["predict", "la la la", "--model", model])


@pytest.mark.parametrize(
    ("module", "message"),
    [
        ("pandas", "`predict` needs the training extras (pandas is not installed): pip install 'lyricgenre[train]'"),
        ("onnxruntime", "onnxruntime is not installed; reinstall: pip install --force-reinstall lyricgenre"),
    ],
)
def test_a_missing_module_names_what_to_install(model, capsys, monkeypatch, module, message):
    def missing(*args, **kwargs):
        raise ModuleNotFoundError(f"No module named {module!r}", name=module)

    monkeypatch.setattr("lyricgenre.interfaces.batch.GenreClassifier.load", missing)
    code, _, err = run(capsys, "la la la", "--model", model)
    assert code == 2 and err.splitlines() == [f"lyricgenre: error: {message}"]


def test_ctrl_c_is_one_line_with_exit_code_130(model, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("lyricgenre.interfaces.batch.GenreClassifier.load", interrupted)
    code, _, err = run(capsys, "la la la", "--model", model)
    assert code == 130 and err.strip() == "lyricgenre: interrupted"


def test_one_song_to_an_output_file_and_format_only_for_one_song(model, tmp_path, capsys):
    out = tmp_path / "one.jsonl"
    code, printed, _ = run(capsys, synthetic_lyrics("rap", 1), "--model", model, "--output", str(out))
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert code == 0 and printed == "" and record["row"] == 1 and record["genres"] and record["families"]
    code, _, _ = run(capsys, synthetic_lyrics("rap", 1), "--model", model, "--output", str(tmp_path / "one.csv"))
    assert code == 0 and next(csv.DictReader((tmp_path / "one.csv").open()))["genres"]
    song = tmp_path / "song.txt"
    song.write_text(synthetic_lyrics("rock", 1))
    code, _, err = run(capsys, "--input", str(song), "--model", model, "--format", "json")
    assert code == 2 and "--format json is for one song" in err


def test_a_line_a_song_for_people_and_jsonl_for_programs(model, tmp_path, capsys):
    path = tmp_path / "songs.csv"
    path.write_text(f'id,artist,title,lyrics\n7,The Band,First,"{synthetic_lyrics("rap", 1)}"\n8,,,\n')
    code, out, _ = run(capsys, "--input", str(path), "--model", model, "--format", "table")
    first, second = out.splitlines()
    assert first.startswith("7 (The Band – First): ") and "hip hop" in first and " · " in first
    assert second == "8: error: empty lyrics" and code == 2
    code, out, _ = run(capsys, "--input", str(path), "--model", model)  # not a terminal: JSONL
    assert json.loads(out.splitlines()[0])["id"] == "7"


def test_piped_standard_input_is_read_without_a_dash(model):
    command = [sys.executable, "-m", "lyricgenre", "predict", "--model", model, "--format", "json"]
    done = subprocess.run(command, input=synthetic_lyrics("rock", 3).encode(), capture_output=True, timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout)["genres"]


def test_a_huge_text_file_or_stream_is_read_only_as_far_as_the_model_reads(model, tmp_path, capsys):
    from lyricgenre.text import MAX_LYRICS_CHARS

    song = synthetic_lyrics("rock", 1) + "\n"
    huge = tmp_path / "huge.txt"
    with huge.open("w", encoding="utf-8") as handle:  # 20 MB: read whole, it would cost gigabytes
        handle.write(song * (20_000_000 // len(song)))
    code, out, _ = run(capsys, "--input", str(huge), "--model", model, "--format", "jsonl")
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and record["genres"]
    assert (
        f"longer than {MAX_LYRICS_CHARS:,} characters: only the first {MAX_LYRICS_CHARS:,} were read" in record["notes"]
    )
    command = [sys.executable, "-m", "lyricgenre", "predict", "-", "--model", model, "--format", "json"]
    with huge.open("rb") as stdin:
        result = subprocess.run(command, stdin=stdin, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "were read" in json.loads(result.stdout)["notes"][0]


def test_a_record_over_the_limit_is_a_row_error_and_the_rest_is_read(model, tmp_path, capsys):
    """A JSONL line or CSV record over MAX_RECORD_CHARS is read past, never held whole; every other row counts."""
    from lyricgenre.interfaces.songs.textfiles import MAX_RECORD_CHARS

    huge = "la " * (MAX_RECORD_CHARS // 3 + 10)
    good, other = synthetic_lyrics("rock", 1), synthetic_lyrics("pop", 2)
    jsonl = tmp_path / "songs.jsonl"
    jsonl.write_text("\n".join(json.dumps({"id": i, "lyrics": text}) for i, text in enumerate([good, huge, other])))
    table = tmp_path / "songs.csv"
    table.write_text(f'id,lyrics\na,"{good}"\nb,"{huge}"\nc,"x"y"z"\n\nd,"{other}"\n')
    for path, rows in ((jsonl, 3), (table, 4)):
        code, out, err = run(capsys, "--input", str(path), "--model", model)
        records = [json.loads(line) for line in out.splitlines()]
        assert len(records) == rows and records[0]["genres"] and records[-1]["genres"], path
        assert records[1]["error"].endswith(
            f"a record over {MAX_RECORD_CHARS:,} characters (or an unclosed quote); not read"
        )
        assert code == 2 and "Traceback" not in err
    assert records[2]["error"].startswith("malformed CSV at line ") and records[3]["id"] == "d"


def test_help_and_messages_say_what_is_true(capsys, monkeypatch, tmp_path, model):
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    assert main(["predict"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: lyricgenre predict") and err.strip().endswith("or --input FILE")
    for command, words in (
        (["serve", "--help"], ("--host HOST", "(default: 127.0.0.1", "(default: 8000)")),
        (["genres", "--help"], ("JSON for a program",)),
        (["predict", "--help"], ("for one song a table (the default) or json",)),
    ):
        with pytest.raises(SystemExit):
            main(command)
        shown = " ".join(capsys.readouterr().out.split())
        assert all(word in shown for word in words), (command, shown)
    songs = tmp_path / "songs.csv"
    songs.write_text("lyrics\nla la la\n,\n")
    assert main(["predict", "--input", str(songs), "--model", model, "--format", "jsonl"]) == 2
    assert "1 row(s) could not be classified; their records above say why" in capsys.readouterr().err
    out = tmp_path / "out.csv"
    assert main(["predict", "--input", str(songs), "--model", model, "--output", str(out)]) == 2
    assert f"their 'error' field in {out} says why" in capsys.readouterr().err


def many_songs(path: Path, count: int = 400) -> Path:
    lines = (json.dumps({"id": k, "lyrics": synthetic_lyrics("rock", k)}) for k in range(count))
    path.write_text("\n".join(lines) + "\n")
    return path


def lyricgenre(*arguments, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lyricgenre", *arguments], text=True, **options)


def test_a_reader_that_stops_early_ends_the_command_quietly(model, tmp_path):
    songs = many_songs(tmp_path / "songs.jsonl")
    run = lyricgenre("predict", "--input", str(songs), "--model", model, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = run.stdout.readline()
    run.stdout.close()  # as `| head -1` does
    err = run.stderr.read()
    assert json.loads(first)["row"] == 1 and run.wait(timeout=60) in (0, 141)
    assert "Broken pipe" not in err and "Traceback" not in err and "error" not in err


def test_ctrl_c_while_starting_is_one_line_and_exit_130(model):
    import signal
    import time

    # The lyrics come from standard input, left open: the command cannot finish (and exit, where a late Ctrl-C
    # ends any program silently) before the Ctrl-C, however late this loop sees it start.
    options = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    run = lyricgenre("predict", "-", "--model", model, **options)
    # Ctrl-C once numpy's core is mapped: the command line is importing numpy, onnxruntime… A fixed sleep could
    # land before Python had set its own Ctrl-C handler on a loaded machine, where no program can answer it.
    maps = Path(f"/proc/{run.pid}/maps")
    deadline = time.monotonic() + 30
    while "_multiarray_umath" not in maps.read_text() and time.monotonic() < deadline:
        time.sleep(0.005)
    run.send_signal(signal.SIGINT)
    run.wait(timeout=60)
    err = run.stderr.read()
    run.stdin.close()
    # Exit 130 or by the signal itself: CPython ends by SIGINT when a Ctrl-C passed through code an extension ran
    # with PyRun_String during its import (pybind11's, onnxruntime's), even once caught; a shell reports 130 for both.
    assert run.returncode in (130, -signal.SIGINT)
    assert "Traceback" not in err and err.strip() == "lyricgenre: interrupted"


def test_sigterm_while_writing_an_output_leaves_no_temporary(model, tmp_path):
    import signal
    import time

    songs = many_songs(tmp_path / "songs.jsonl", 3000)
    out = tmp_path / "out" / "tags.jsonl"
    out.parent.mkdir()
    run = lyricgenre("predict", "--input", str(songs), "--output", str(out), "--model", model, stderr=subprocess.PIPE)
    while not any(out.parent.iterdir()):  # its temporary appeared: the run is writing
        time.sleep(0.02)
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130 and "Traceback" not in err and list(out.parent.iterdir()) == []


def test_another_users_file_in_a_folder_anyone_can_write_is_not_replaced(model, tmp_path, capsys):
    import os

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # as /tmp
    theirs = shared / "tags.jsonl"
    theirs.write_text("theirs\n")
    os.chown(theirs, os.geteuid() + 1, -1)  # the tests run as root, as CI does
    link = shared / "link.jsonl"
    link.symlink_to(tmp_path / "elsewhere.jsonl")
    for target, why in ((theirs, "another user's file"), (link, "a symbolic link")):
        code, _, err = run(capsys, "la la la", "--model", model, "--output", str(target))
        assert code == 2 and f"{why} in a folder anyone can write to; not replaced" in err
    assert theirs.read_text() == "theirs\n" and not (tmp_path / "elsewhere.jsonl").exists()
    code, _, _ = run(capsys, "la la la", "--model", model, "--output", str(shared / "mine.jsonl"))
    assert code == 0 and (shared / "mine.jsonl").is_file()


def test_ids_beyond_64_bits_go_to_parquet_as_text(model, tmp_path, capsys):
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    songs = tmp_path / "songs.jsonl"
    rows = [{"id": 7, "lyrics": synthetic_lyrics("rock", 1)}, {"id": 2**64 - 1, "lyrics": synthetic_lyrics("rap", 2)}]
    songs.write_text("\n".join(map(json.dumps, rows)) + "\n")
    out = tmp_path / "out.parquet"
    code, _, err = run(capsys, "--input", str(songs), "--output", str(out), "--model", model)
    assert code == 0, err
    assert pq.read_table(out).column("id").to_pylist() == ["7", str(2**64 - 1)]


def test_explain_adds_the_lines_behind_each_label_in_every_form(model, tmp_path, capsys):
    songs = tmp_path / "songs.jsonl"
    rows = [
        {"id": "a", "artist": "X", "lyrics": synthetic_lyrics("rap", 1)},
        {"id": "b", "artist": "X", "lyrics": synthetic_lyrics("rock", 2)},
        {"id": "c", "lyrics": ""},
    ]
    songs.write_text("\n".join(map(json.dumps, rows)) + "\n")
    code, out, _ = run(capsys, "--input", str(songs), "--model", model, "--explain", "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 2 and set(records[0]["explanations"]["families"]) == set(records[0]["families"])
    assert "explanations" not in records[2] and records[2]["error"] == "empty lyrics"
    effect = next(e for effects in records[0]["explanations"]["genres"].values() for e in effects)
    assert set(effect) == {"line", "text", "effect"} and effect["effect"] > 0
    # Pooled by artist, a song's explanations are still its own lines
    code, out, _ = run(
        capsys, "--input", str(songs), "--model", model, "--explain", "--pool-artist", "--format", "jsonl"
    )
    pooled = [json.loads(line) for line in out.splitlines()]
    lines_of = {r["id"]: {e["text"] for v in r["explanations"]["genres"].values() for e in v} for r in pooled[:2]}
    assert lines_of["a"] <= set(synthetic_lyrics("rap", 1).splitlines())
    assert lines_of["b"] <= set(synthetic_lyrics("rock", 2).splitlines())
    # One song: the record, and the table's lines under each predicted family
    code, out, _ = run(capsys, synthetic_lyrics("rap", 1), "--model", model, "--explain", "--format", "json")
    assert json.loads(out)["explanations"] == records[0]["explanations"]
    code, out, _ = run(capsys, synthetic_lyrics("rap", 1), "--model", model, "--explain", "--format", "table")
    assert code == 0 and "    line " in out and "without it)" in out
    out_csv = tmp_path / "out.csv"
    assert run(capsys, "--input", str(songs), "--model", model, "--explain", "--output", str(out_csv))[0] == 2
    assert json.loads(next(csv.DictReader(out_csv.open()))["explanations"]) == records[0]["explanations"]


def test_the_table_says_when_no_one_line_explains_a_family(model, capsys, monkeypatch):
    from lyricgenre.runtime import explain as explaining

    monkeypatch.setattr(explaining, "MIN_EFFECT", 10.0)  # no line lowers any score that much
    code, out, _ = run(capsys, synthetic_lyrics("rap", 1), "--model", model, "--explain", "--format", "table")
    families = out.split("\n\n")[0]
    predicted = families.count("predicted")
    said = families.count("no one line lowers it: it comes from the song as a whole")
    assert code == 0 and predicted and said == predicted
    assert "without it)" not in out
