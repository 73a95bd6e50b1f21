"""Where the audio is in each supported file: the bytes a tag rewrite must leave exactly as they were.

Rewriting tags moves the audio (a bigger ID3 tag shifts it, an MP4 `mdat` atom may move, Ogg pages are
renumbered) but never changes it. `audio_digest` hashes those bytes alone, so the tagger can compare a
rewritten copy with the original before renaming it over the file: a copy torn by another program editing the
file while it was read is refused even when the file's size and times look unchanged (file systems with coarse
timestamps, an editor that restores them).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

Ranges = list[tuple[int, int]]  # (offset, length) of each stretch of audio bytes, in file order
CHUNK = 1 << 20


class AudioLayoutError(ValueError):
    """The file's audio could not be located: it is not laid out as its format says."""


def audio_digest(path: Path, locate: Callable[[BinaryIO, int], Ranges]) -> bytes:
    """A hash of the bytes `locate` (one of `LOCATORS`) finds to be audio, read in chunks."""
    digest = hashlib.blake2b(digest_size=32)
    with Path(path).open("rb") as handle:
        size = handle.seek(0, 2)
        for offset, length in locate(handle, size):
            handle.seek(offset)
            while length > 0:
                chunk = handle.read(min(CHUNK, length))
                if not chunk:
                    raise AudioLayoutError(f"ends inside its audio data (byte {offset})")
                digest.update(chunk)
                length -= len(chunk)
    return digest.digest()


def _extend(ranges: Ranges, offset: int, length: int) -> None:
    """Add a stretch, merged with the previous one where they touch."""
    if ranges and sum(ranges[-1]) == offset:
        ranges[-1] = (ranges[-1][0], ranges[-1][1] + length)
    elif length:
        ranges.append((offset, length))


def _read(handle: BinaryIO, offset: int, count: int) -> bytes:
    handle.seek(offset)
    data = handle.read(count)
    if len(data) != count:
        raise AudioLayoutError(f"ends inside a header (byte {offset})")
    return data


def _after_id3v2(handle: BinaryIO, size: int) -> int:
    """Where the data after any leading ID3v2 tags starts (their size is a 28-bit "syncsafe" number)."""
    start = 0
    while start + 10 <= size and _read(handle, start, 3) == b"ID3":
        header = _read(handle, start, 10)
        length = sum((byte & 0x7F) << (7 * (3 - index)) for index, byte in enumerate(header[6:10]))
        start += 10 + length + (10 if header[5] & 0x10 else 0)  # flag 0x10: a footer follows
    return start


def _before_id3v1(handle: BinaryIO, size: int, start: int) -> int:
    """The end of the data before a trailing 128-byte ID3v1 tag (a tagger may update it)."""
    return size - 128 if size - 128 >= start and _read(handle, size - 128, 3) == b"TAG" else size


def mp3_audio(handle: BinaryIO, size: int) -> Ranges:
    """MPEG frames: everything between the leading ID3v2 tag(s) and a trailing ID3v1 tag."""
    start = _after_id3v2(handle, size)
    return [(start, _before_id3v1(handle, size, start) - start)]


def flac_audio(handle: BinaryIO, size: int) -> Ranges:
    """FLAC frames: everything after the last metadata block (and before a stray ID3v1 tag)."""
    offset = _after_id3v2(handle, size)
    if _read(handle, offset, 4) != b"fLaC":
        raise AudioLayoutError("has no FLAC stream marker")
    offset += 4
    last = False
    while not last:
        header = _read(handle, offset, 4)
        last = bool(header[0] & 0x80)
        offset += 4 + int.from_bytes(header[1:4], "big")
    return [(offset, _before_id3v1(handle, size, offset) - offset)]


def mp4_audio(handle: BinaryIO, size: int) -> Ranges:
    """The contents of every top-level `mdat` atom (the tags live in `moov`, which may grow or move)."""
    ranges, offset = [], 0
    while offset + 8 <= size:
        length, kind = struct.unpack(">I4s", _read(handle, offset, 8))
        header = 8
        if length == 1:  # a 64-bit size follows
            length, header = struct.unpack(">Q", _read(handle, offset + 8, 8))[0], 16
        elif length == 0:  # the atom runs to the end of the file
            length = size - offset
        if length < header:
            raise AudioLayoutError(f"has a malformed atom at byte {offset}")
        if kind == b"mdat":
            ranges.append((offset + header, length - header))
        offset += length
    if not ranges:
        raise AudioLayoutError("has no audio data (mdat) atom")
    return ranges


def _header_packets(first_packet: bytes) -> int:
    """How many packets before the audio: Vorbis has identification, comments and setup; Opus head and tags."""
    if first_packet.startswith(b"\x01vorbis"):
        return 3
    if first_packet.startswith(b"OpusHead"):
        return 2
    raise AudioLayoutError("is neither Vorbis nor Opus")


def ogg_audio(handle: BinaryIO, size: int) -> Ranges:
    """The first stream's packets after its header packets (the comments may spill over pages that a rewrite
    renumbers), and every page of any other stream, as they are."""
    ranges: Ranges = []
    offset, serial, packets, headers = 0, None, 0, None
    while offset < size:
        page = _read(handle, offset, 27)
        if page[:4] != b"OggS":
            raise AudioLayoutError(f"has no Ogg page at byte {offset}")
        lacing = _read(handle, offset + 27, page[26])
        body = offset + 27 + page[26]
        page_serial = struct.unpack("<I", page[14:18])[0]
        serial = page_serial if serial is None else serial
        if page_serial != serial:
            _extend(ranges, body, sum(lacing))
        else:
            if headers is None:
                headers = _header_packets(_read(handle, body, min(8, lacing[0] if lacing else 0)))
            for lace in lacing:
                if packets >= headers:
                    _extend(ranges, body, lace)
                body += lace
                packets += lace < 255  # a lacing value under 255 ends its packet
        offset += 27 + page[26] + sum(lacing)
    return ranges
