"""`lyricgenre restore`: a `tag --write` run undone from its report."""

import pytest

from lyricgenre.interfaces.audio import read_tag, write_tags
from lyricgenre.interfaces.cli import main
from tests.conftest import synthetic_lyrics
from tests.interfaces.audio_files import make_audio


@pytest.fixture
def tagged(tmp_path, exported_baseline, capsys, monkeypatch):
    """Three files tagged with --write into the standard genre field; their report."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "Music"
    make_audio(root / "one.mp3", lyrics=synthetic_lyrics("rock", 1), artist="A", genre="Jazz")
    make_audio(root / "two.flac", lyrics=synthetic_lyrics("rap", 2), artist="B")
    make_audio(root / "three.m4a", lyrics=synthetic_lyrics("country", 3), artist="C", genre=["Country", "Folk"])
    report = tmp_path / "report.jsonl"
    arguments = ["tag", "Music", "--write", "--field", "genre", "--model", str(exported_baseline)]
    assert main([*arguments, "--output", str(report)]) == 0
    capsys.readouterr()
    assert read_tag(root / "one.mp3", "genre") != ["Jazz"]
    return root, report


def restore(capsys, *arguments) -> tuple[int, str, str]:
    code = main(["restore", *map(str, arguments)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_dry_run_lists_and_changes_nothing_then_write_puts_every_value_back(tagged, capsys):
    root, report = tagged
    written = {name: read_tag(root / name, "genre") for name in ("one.mp3", "two.flac", "three.m4a")}
    code, out, err = restore(capsys, report)
    assert code == 0 and out.count("[would restore]") == 3 and "3 files: 3 would restore" in err
    assert {name: read_tag(root / name, "genre") for name in written} == written
    code, out, err = restore(capsys, report, "--write")
    assert code == 0 and "3 files: 3 restored" in err
    assert read_tag(root / "one.mp3", "genre") == ["Jazz"] and read_tag(root / "three.m4a", "genre") == [
        "Country",
        "Folk",
    ]
    assert read_tag(root / "two.flac", "genre") == []  # it had none: the field is removed again
    code, _, err = restore(capsys, report, "--write")
    assert code == 0 and "2 already restored" in err and "1 changed since" in err  # an empty field: not ours


def test_a_file_changed_since_is_left_alone_and_listed(tagged, capsys):
    root, report = tagged
    write_tags(root / "one.mp3", {"genre": ["Blues"]})  # another tagger, after the run
    code, out, err = restore(capsys, report, "--write")
    assert code == 0 and "one.mp3: its genres were changed since the run; left as they are  [changed since]" in out
    assert read_tag(root / "one.mp3", "genre") == ["Blues"] and read_tag(root / "three.m4a", "genre") == [
        "Country",
        "Folk",
    ]


def test_a_csv_report_restores_too_and_a_missing_file_is_an_error(tagged, tmp_path, exported_baseline, capsys):
    root, first_report = tagged
    make_audio(root / "four.mp3", lyrics=synthetic_lyrics("rock", 4), artist="D", genre="Blues")
    report = tmp_path / "second.csv"
    arguments = ["tag", "Music", "--write", "--field", "genre", "--model", str(exported_baseline)]
    assert main([*arguments, "--output", str(report)]) == 0
    code, out, _ = restore(capsys, report, "--write")  # the second run changed four.mp3 alone
    assert (
        code == 0
        and "four.mp3: genre back to Blues  [restored]" in out
        and read_tag(root / "four.mp3", "genre") == ["Blues"]
    )
    (root / "two.flac").unlink()
    code, out, err = restore(capsys, first_report, "--write")
    assert code == 2 and "two.flac: no such file any more  [missing]" in out and "could not be restored" in err
    assert read_tag(root / "one.mp3", "genre") == ["Jazz"]  # the others are still restored


def test_what_is_not_a_report_is_one_line(tmp_path, capsys):
    (tmp_path / "songs.jsonl").write_text('{"lyrics": "la"}\n')
    code, _, err = restore(capsys, tmp_path / "songs.jsonl")
    assert code == 2 and "not a report of `lyricgenre tag`" in err and len(err.strip().splitlines()) == 1
    code, _, err = restore(capsys, tmp_path / "none.jsonl")
    assert code == 2 and "file not found" in err
