"""The audio bytes of each format located exactly, so a rewrite can prove it kept them."""

import shutil

import pytest

from lyricgenre.interfaces.audio import AUDIO_SUFFIXES, AudioTagError, audio_fingerprint, read_tag, write_tags
from lyricgenre.interfaces.audio import tags as audio
from lyricgenre.interfaces.audio.layout import AudioLayoutError, audio_digest, flac_audio
from tests.interfaces.audio_files import AUDIO_PAYLOAD, make_audio

LONG_LYRICS = "a line of a long song\n" * 6000  # 130 KB: the tag grows, Ogg comments spill over many pages


@pytest.mark.parametrize("suffix", AUDIO_SUFFIXES)
def test_a_rewrite_that_moves_the_audio_keeps_its_digest(tmp_path, suffix):
    path = make_audio(tmp_path / f"song{suffix}", lyrics="short", artist="A")
    digest, size = audio_fingerprint(path), path.stat().st_size
    write_tags(path, {"lyrics": [LONG_LYRICS], "genre": ["rock"]})
    assert path.stat().st_size > size + 100_000 and read_tag(path, "genre") == ["rock"]
    assert audio_fingerprint(path) == digest


@pytest.mark.parametrize("suffix", AUDIO_SUFFIXES)
def test_one_changed_audio_byte_changes_the_digest(tmp_path, suffix):
    path = make_audio(tmp_path / f"song{suffix}", lyrics="short")
    digest = audio_fingerprint(path)
    data = path.read_bytes()
    at = data.index(AUDIO_PAYLOAD) + 50
    path.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :])
    assert audio_fingerprint(path) != digest


@pytest.mark.parametrize("suffix", AUDIO_SUFFIXES)
def test_a_torn_copy_with_the_same_size_and_times_is_refused(tmp_path, monkeypatch, suffix):
    """Another program rewrote audio bytes while we copied: nothing in the file's size or times shows it."""
    path = make_audio(tmp_path / f"song{suffix}", lyrics="short", genre="Rock")
    original = path.read_bytes()

    def torn_copy(source, destination):
        shutil.copyfile(source, destination)
        data = bytearray(destination.read_bytes())
        data[data.index(AUDIO_PAYLOAD) + 10] ^= 0x40
        destination.write_bytes(bytes(data))

    monkeypatch.setattr(audio.shutil, "copy2", torn_copy)
    with pytest.raises(AudioTagError, match="changed by another program while being tagged"):
        write_tags(path, {"genre": ["pop"]})
    assert path.read_bytes() == original and [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_file_whose_audio_cannot_be_located_is_refused(tmp_path):
    path = make_audio(tmp_path / "song.flac", lyrics="short")
    bad = tmp_path / "bad.flac"
    bad.write_bytes(b"not flac at all")
    with pytest.raises(AudioLayoutError, match="no FLAC stream marker"):
        audio_digest(bad, flac_audio)
    with pytest.raises(AudioLayoutError, match="ends inside"):
        bad.write_bytes(path.read_bytes()[:20])
        audio_digest(bad, flac_audio)
