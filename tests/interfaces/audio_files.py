"""Tiny audio files made from scratch for the tag tests: valid containers, a few bytes of fake audio.

Each holds `AUDIO_PAYLOAD` where its audio data would be, so a test can check that rewriting the tags kept it.
"""

import struct
from pathlib import Path

import mutagen
from mutagen.id3 import TALB, TCON, TIT2, TPE1, TPE2, USLT
from mutagen.ogg import OggPage

AUDIO_PAYLOAD = bytes(range(1, 200))  # no 0xFF byte, so no false MPEG frame sync


def _mp3(path: Path) -> None:
    header = b"\xff\xfb\x90\x00"  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417-byte frames
    path.write_bytes((header + AUDIO_PAYLOAD + bytes(413 - len(AUDIO_PAYLOAD))) * 8)


def _flac(path: Path) -> None:
    streaminfo = struct.pack(">HH", 4096, 4096) + bytes(6)
    streaminfo += ((44100 << 44) | (1 << 41) | (15 << 36) | 44100).to_bytes(8, "big") + bytes(16)
    block = bytes([0x80]) + len(streaminfo).to_bytes(3, "big") + streaminfo  # the last metadata block
    path.write_bytes(b"fLaC" + block + b"\xff\xf8" + AUDIO_PAYLOAD)


def _ogg(path: Path, packets: list[bytes]) -> None:
    pages = []
    for number, packet in enumerate(packets):
        page = OggPage()
        page.serial, page.sequence, page.packets = 7, number, [packet]
        page.first, page.last = number == 0, number == len(packets) - 1
        page.position = 48000 if page.last else 0
        pages.append(page.write())
    path.write_bytes(b"".join(pages))


def _vorbis_comment(prefix: bytes) -> bytes:
    return prefix + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0)


def _ogg_vorbis(path: Path) -> None:
    identification = b"\x01vorbis" + struct.pack("<IBIiii", 0, 2, 44100, 0, 128000, 0) + bytes([0xB8, 1])
    setup = b"\x05vorbis" + bytes(8)
    _ogg(path, [identification, _vorbis_comment(b"\x03vorbis") + b"\x01", setup, AUDIO_PAYLOAD])


def _opus(path: Path) -> None:
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 2, 312, 48000, 0, 0)
    _ogg(path, [head, _vorbis_comment(b"OpusTags"), AUDIO_PAYLOAD])


def _atom(name: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + name + payload


def _m4a(path: Path) -> None:
    movie_header = _atom(b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, 1000, 1000) + bytes(80))
    path.write_bytes(
        _atom(b"ftyp", b"M4A \x00\x00\x02\x00M4A isom") + _atom(b"moov", movie_header) + _atom(b"mdat", AUDIO_PAYLOAD)
    )


_CONTAINERS = {".mp3": _mp3, ".flac": _flac, ".ogg": _ogg_vorbis, ".opus": _opus, ".m4a": _m4a}
_ID3_FRAMES = {"lyrics": USLT, "artist": TPE1, "title": TIT2, "genre": TCON, "album": TALB, "album_artist": TPE2}
_VORBIS_NAMES = {
    "lyrics": "LYRICS",
    "artist": "ARTIST",
    "title": "TITLE",
    "genre": "GENRE",
    "album": "ALBUM",
    "album_artist": "ALBUMARTIST",
}
_MP4_ATOMS = {
    "lyrics": "©lyr",
    "artist": "©ART",
    "title": "©nam",
    "genre": "©gen",
    "album": "©alb",
    "album_artist": "aART",
}


def make_audio(path: Path, **tags: str | list[str]) -> Path:
    """An audio file of `path`'s type with the given tags (lyrics, artist, title, album, genre), as a tagger writes
    them; a genre given as a list is written as a multi-value tag."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _CONTAINERS[path.suffix](path)
    audio = mutagen.File(path)
    if audio.tags is None:
        audio.add_tags()
    for name, value in tags.items():
        if path.suffix == ".mp3":
            extra = {"lang": "eng", "desc": ""} if name == "lyrics" else {}
            values = value if isinstance(value, list) else [value]
            audio.tags.add(_ID3_FRAMES[name](encoding=3, text=value if name == "lyrics" else values, **extra))
        elif path.suffix == ".m4a":
            audio.tags[_MP4_ATOMS[name]] = value if isinstance(value, list) else [value]
        else:
            audio.tags[_VORBIS_NAMES[name]] = value if isinstance(value, list) else [value]
    audio.save()
    return path
