"""Reading lyrics from audio tags and writing genres back without ever damaging the file."""

import os
import struct

import pytest

from lyricgenre.interfaces.audio import AUDIO_SUFFIXES, AudioSong, AudioTagError, read_audio_song, read_tag, write_tags
from lyricgenre.interfaces.audio import tags as audio
from tests.interfaces.audio_files import AUDIO_PAYLOAD, make_audio

LYRICS = "First line of a song\nand the second one"


@pytest.mark.parametrize("suffix", AUDIO_SUFFIXES)
def test_tags_read_and_written_in_every_format(tmp_path, suffix):
    path = make_audio(tmp_path / f"song{suffix}", lyrics=LYRICS, artist="Some Band", title="A Song", genre="Rock")
    assert read_audio_song(path) == AudioSong(LYRICS, "Some Band", "A Song")
    assert read_tag(path, "genre") == ["Rock"] and read_tag(path, "lyricgenre") == []

    write_tags(path, {"lyricgenre": ["pop", "dance pop"]})
    assert read_tag(path, "lyricgenre") == ["pop", "dance pop"] and read_tag(path, "genre") == ["Rock"]
    write_tags(path, {"genre": ["europop"]})
    assert read_tag(path, "genre") == ["europop"] and read_tag(path, "lyricgenre") == ["pop", "dance pop"]

    assert read_audio_song(path) == AudioSong(LYRICS, "Some Band", "A Song")
    assert AUDIO_PAYLOAD in path.read_bytes()  # the audio itself is untouched
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no copy left behind


def _with_atom_replaced(path, old: bytes, new: bytes):
    content = path.read_bytes()
    assert content.count(old) == 1 and len(old) == len(new)
    path.write_bytes(content.replace(old, new))


def _mp4_data_atom(name: bytes, flags: int, value: bytes) -> bytes:
    data = struct.pack(">I", 16 + len(value)) + b"data" + struct.pack(">II", flags, 0) + value
    return struct.pack(">I", 8 + len(data)) + name + data


def test_numeric_genres_of_older_taggers_read_as_names(tmp_path):
    """mutagen translates ID3v1 genre numbers on reading; a file of an older tagger shows its genre by name."""
    mp3 = make_audio(tmp_path / "old.mp3", lyrics=LYRICS, genre="(17)")  # ID3v1 genre number 17
    # M4A's binary `gnre` atom (ID3v1 number + 1), put where a two-letter ©gen atom was
    m4a = make_audio(tmp_path / "old.m4a", lyrics=LYRICS, genre="xx")
    _with_atom_replaced(
        m4a, _mp4_data_atom("©gen".encode("latin-1"), 1, b"xx"), _mp4_data_atom(b"gnre", 0, struct.pack(">H", 18))
    )
    for path in (mp3, m4a):
        assert read_tag(path, "genre") == ["Rock"]
        write_tags(path, {"genre": ["album rock"]})
        assert read_tag(path, "genre") == ["album rock"]
    assert b"gnre" not in m4a.read_bytes()  # replaced by the text atom, not left beside it


def test_files_without_tags_or_lyrics(tmp_path):
    bare = make_audio(tmp_path / "bare.flac")
    assert read_audio_song(bare) == AudioSong(None, None, None) and read_tag(bare, "genre") == []
    write_tags(bare, {"lyricgenre": ["folk"]})
    assert read_tag(bare, "lyricgenre") == ["folk"]


def test_id3v23_files_stay_v23(tmp_path):
    path = make_audio(tmp_path / "old.mp3", lyrics=LYRICS, genre="Rock")
    tags = audio.ID3(path)
    tags.save(path, v2_version=3)
    write_tags(path, {"genre": ["soft rock", "yacht rock"]})
    assert audio.ID3(path).version[:2] == (2, 3) and read_tag(path, "genre") == ["soft rock", "yacht rock"]


def test_not_audio_is_a_clear_error_and_the_file_is_unchanged(tmp_path):
    fake = tmp_path / "song.mp3"
    fake.write_bytes(b"not audio at all")
    with pytest.raises(AudioTagError, match="song.mp3: "):
        write_tags(fake, {"genre": ["pop"]})
    assert fake.read_bytes() == b"not audio at all" and [p.name for p in tmp_path.iterdir()] == ["song.mp3"]


def test_a_parser_error_without_a_reason_still_says_what_is_wrong(tmp_path, monkeypatch):
    import mutagen

    def silent_failure(path):
        raise mutagen.MutagenError()

    song = make_audio(tmp_path / "song.flac")
    monkeypatch.setattr(audio.mutagen, "File", silent_failure)
    with pytest.raises(AudioTagError, match=r"^song.flac: unreadable audio file \(damaged\)$"):
        read_audio_song(song)


def test_another_format_behind_an_audio_suffix_is_refused(tmp_path):
    wave = tmp_path / "song.ogg"  # a WAV file, misnamed
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    chunks = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", 4) + bytes(4)
    wave.write_bytes(b"RIFF" + struct.pack("<I", len(chunks)) + chunks)
    original = wave.read_bytes()
    for attempt in (lambda: read_audio_song(wave), lambda: write_tags(wave, {"genre": ["pop"]})):
        with pytest.raises(AudioTagError, match="song.ogg: holds WAVE audio, which is not supported"):
            attempt()
    assert wave.read_bytes() == original


@pytest.mark.parametrize("failing", ["_write_copy", "read_tag", "replace"])
def test_a_failure_at_any_step_leaves_the_original(tmp_path, monkeypatch, failing):
    path = make_audio(tmp_path / "song.ogg", lyrics=LYRICS, genre="Rock")
    original = path.read_bytes()
    if failing == "_write_copy":  # e.g. the disk fills up while the copy is written
        monkeypatch.setattr(audio, "_write_copy", _raise(OSError(28, "No space left on device")))
    elif failing == "read_tag":  # what was written does not read back the same
        monkeypatch.setattr(audio, "read_tag", lambda *_: ["something else"])
    else:
        monkeypatch.setattr(os, "replace", _raise(OSError(13, "Permission denied")))
    with pytest.raises((AudioTagError, OSError)):
        write_tags(path, {"genre": ["pop"]})
    assert path.read_bytes() == original and [p.name for p in tmp_path.iterdir()] == ["song.ogg"]


def test_a_symlink_is_kept_and_its_target_rewritten(tmp_path):
    target = make_audio(tmp_path / "store" / "song.m4a", lyrics=LYRICS)
    link = tmp_path / "link.m4a"
    link.symlink_to(target)
    write_tags(link, {"lyricgenre": ["jazz"]})
    assert link.is_symlink() and read_tag(target, "lyricgenre") == ["jazz"]


def _raise(error):
    def fail(*_args, **_kwargs):
        raise error

    return fail


def test_hard_linked_files_are_refused(tmp_path):
    path = make_audio(tmp_path / "song.flac", lyrics=LYRICS)
    (tmp_path / "seeding.flac").hardlink_to(path)
    with pytest.raises(AudioTagError, match="has 2 hard links"):
        write_tags(path, {"genre": ["pop"]})
    assert read_tag(path, "genre") == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_the_owner_and_permissions_are_kept(tmp_path):
    path = make_audio(tmp_path / "song.opus", lyrics=LYRICS)
    os.chown(path, 1234, 2345)
    path.chmod(0o640)
    write_tags(path, {"lyricgenre": ["pop"]})
    status = path.stat()
    assert (status.st_uid, status.st_gid, status.st_mode & 0o777) == (1234, 2345, 0o640)


def test_a_file_edited_by_another_program_during_tagging_is_left_to_it(tmp_path, monkeypatch):
    """The race made deterministic: the other program's edit lands between our copy and our rename."""
    path = make_audio(tmp_path / "song.mp3", lyrics=LYRICS, genre="Rock")
    size = path.stat().st_size
    write_copy = audio._write_copy

    def edited_meanwhile(copy, name, updates):
        write_copy(copy, name, updates)
        with path.open("ab") as other_program:  # e.g. a player resizing its own tag in place
            other_program.write(b"\0" * 1000)

    monkeypatch.setattr(audio, "_write_copy", edited_meanwhile)
    with pytest.raises(AudioTagError, match="changed by another program while being tagged"):
        write_tags(path, {"genre": ["pop"]})
    assert read_tag(path, "genre") == ["Rock"] and path.stat().st_size == size + 1000  # the other edit, kept
    assert [p.name for p in tmp_path.iterdir()] == ["song.mp3"]  # the edit kept, no copy left


def test_links_out_of_the_library_are_refused_unless_followed(tmp_path):
    outside = make_audio(tmp_path / "elsewhere" / "system.flac", lyrics=LYRICS)
    library = tmp_path / "Music"
    library.mkdir()
    (library / "link.flac").symlink_to(outside)
    with pytest.raises(AudioTagError, match="outside the library"):
        write_tags(library / "link.flac", {"lyricgenre": ["pop"]}, root=library)
    assert read_tag(outside, "lyricgenre") == []
    write_tags(library / "link.flac", {"lyricgenre": ["pop"]})  # no root given: followed
    assert read_tag(outside, "lyricgenre") == ["pop"]


def test_files_of_other_users_are_refused_when_not_root(tmp_path, monkeypatch):
    path = make_audio(tmp_path / "song.ogg", lyrics=LYRICS)
    monkeypatch.setattr(os, "getuid", lambda: path.stat().st_uid + 1)
    with pytest.raises(AudioTagError, match="belongs to another user"):
        write_tags(path, {"lyricgenre": ["pop"]})


def test_leftover_copies_of_a_killed_run_are_removed_and_nothing_else(tmp_path):
    song = make_audio(tmp_path / "a" / "song.flac", lyrics=LYRICS)
    leftover = song.with_name(".song.flac.ab12_xyz.tmp")
    leftover.write_bytes(song.read_bytes())
    strangers = [song.with_name(".notes.txt.ab12_xyz.tmp"), song.with_name(".song.flac.tmp"), song.with_name("x.tmp")]
    for stranger in strangers:
        stranger.write_text("not ours")
    assert audio.remove_leftover_copies(tmp_path) == [leftover]
    assert not leftover.exists() and all(stranger.exists() for stranger in strangers) and song.exists()
