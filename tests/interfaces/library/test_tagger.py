"""`LibraryTagger.tag` on its own: a record in, a decision, the file rewritten, the report written."""

import io
import json

from lyricgenre.interfaces.audio import read_tag
from lyricgenre.interfaces.audio import tags as audio
from lyricgenre.interfaces.library.settings import TagSettings
from lyricgenre.interfaces.library.tagger import LibraryTagger
from lyricgenre.interfaces.songs import RecordWriter
from lyricgenre.interfaces.songs.rows import SongRow
from tests.interfaces.audio_files import make_audio

RECORD = {"row": 1, "id": "one.mp3", "families": ["rock"], "genres": ["hard rock", "album rock"]}


def tag_one(tmp_path, write: bool) -> tuple[LibraryTagger, list[dict]]:
    path = tmp_path / "one.mp3"
    if not path.exists():
        make_audio(path, lyrics="la la la", artist="X", genre="Pop")
    tagger = LibraryTagger(tmp_path, TagSettings(field="genre"), write)
    stream = io.StringIO()
    with RecordWriter(None, stream, tagger.columns, journal=write) as report:
        tagger.tag(SongRow(1, "la la la", {"id": "one.mp3"}, audio_path=path), dict(RECORD), report)
    return tagger, [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_dry_run_decides_and_leaves_the_file(tmp_path):
    tagger, (record,) = tag_one(tmp_path, write=False)
    assert record["tag_status"] == "would write" and record["tag_previous"] == ["Pop"]
    assert record["tag_values"] == ["Rock", "Hard Rock"]  # the genre field: title case, its surest fine genre
    assert read_tag(tmp_path / "one.mp3", "genre") == ["Pop"]
    assert tagger.counts == {"would write": 1}


def test_a_write_rewrites_the_file_then_a_second_run_finds_it_unchanged(tmp_path):
    _, (record,) = tag_one(tmp_path, write=True)
    assert record["tag_status"] == "written" and read_tag(tmp_path / "one.mp3", "genre") == record["tag_values"]
    _, (again,) = tag_one(tmp_path, write=True)
    assert again["tag_status"] == "unchanged"


def test_a_rename_that_fails_after_the_record_is_followed_by_a_failed_record(tmp_path, monkeypatch):
    def refused(self):
        raise audio.AudioTagError("one.mp3: could not be rewritten (Permission denied); file left unchanged")

    monkeypatch.setattr(audio.PreparedRewrite, "commit", refused)
    tagger, records = tag_one(tmp_path, write=True)
    assert [r["tag_status"] for r in records] == ["written", "failed"] and tagger.counts["written"] == 0
    assert read_tag(tmp_path / "one.mp3", "genre") == ["Pop"]
    assert [p.name for p in tmp_path.iterdir()] == ["one.mp3"]  # the checked copy is gone


def test_a_last_written_record_is_tagged_again_only_while_its_file_holds_what_it_held_before(tmp_path):
    """`tag --resume`: a run stopped between a file's record and its rename left the file as it was; a file
    whose genres something else changed since is left alone, and one that holds the new values is done."""
    from lyricgenre.interfaces.library.report import EarlierRun

    path = make_audio(tmp_path / "one.mp3", lyrics="la la la", artist="X", genre="Old")
    record = {"id": "one.mp3", "tag_status": "written", "tag_values": ["Rock"], "tag_previous": ["Old"]}
    tagger, earlier = LibraryTagger(tmp_path, TagSettings(field="genre"), True), EarlierRun(True, False, record)
    found = {}
    for holds in (["Old"], ["Rock"], ["Mine"]):
        audio.write_tags(path, {"genre": holds})
        found[holds[0]] = tagger.unfinished(earlier)
    assert found == {"Old": True, "Rock": False, "Mine": False}
    assert not tagger.unfinished(EarlierRun(True, False, None))
