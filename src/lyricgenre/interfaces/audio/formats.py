"""The supported audio formats, one table (`AUDIO_FORMATS`): each format's name, suffixes, mutagen classes, how
its tags are named, and where its audio bytes are (`layout`).

Formats: MP3 (ID3: USLT lyrics, TPE1, TIT2, TCON), FLAC / Ogg Vorbis / Opus (Vorbis comments: LYRICS or
UNSYNCEDLYRICS, ARTIST, TITLE, GENRE) and M4A (MP4 atoms: ©lyr, ©ART, ©nam, ©gen). Genres go to a field of
our own (`LYRICGENRE`) by default, so the library's genre tags are untouched unless `genre` is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from mutagen.flac import FLAC
from mutagen.id3 import TCON, TXXX, USLT
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, MP4FreeForm
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from lyricgenre.interfaces.audio.layout import Ranges, flac_audio, mp3_audio, mp4_audio, ogg_audio

TAG_FIELDS = ("lyricgenre", "genre")  # our own field, or the standard genre tag
OWN_FIELD = "LYRICGENRE"
_MP4_OWN_FIELD = f"----:com.apple.iTunes:{OWN_FIELD}"


class VorbisFields:
    """FLAC, Ogg Vorbis and Opus: free-form comment names, each holding a list of strings."""

    names = {
        "artist": "ARTIST",
        "title": "TITLE",
        "album": "ALBUM",
        "album_artist": "ALBUMARTIST",
        "genre": "GENRE",
        "lyricgenre": OWN_FIELD,
    }
    lyrics_names = ("LYRICS", "UNSYNCEDLYRICS")

    def get(self, tags, name: str) -> list[str]:
        return list(tags.get(self.names[name], [])) if tags is not None else []

    def lyrics(self, tags) -> list[str]:
        return [text for name in self.lyrics_names for text in (tags.get(name, []) if tags is not None else [])]

    def set(self, tags, name: str, values: list[str]) -> None:
        """Set a field; no values remove it (what `lyricgenre restore` puts back for a field that was absent)."""
        key = self.lyrics_names[0] if name == "lyrics" else self.names[name]
        if values:
            tags[key] = values
        elif key in tags:
            del tags[key]


class ID3Fields:
    """MP3: ID3 frames; our field is a user text frame (TXXX) with the description LYRICGENRE."""

    frames = {
        "artist": "TPE1",
        "title": "TIT2",
        "album": "TALB",
        "album_artist": "TPE2",
        "genre": "TCON",
        "lyricgenre": f"TXXX:{OWN_FIELD}",
    }

    def get(self, tags, name: str) -> list[str]:
        return [str(text) for frame in (tags.getall(self.frames[name]) if tags else []) for text in frame.text]

    def lyrics(self, tags) -> list[str]:
        return [frame.text for frame in tags.getall("USLT")] if tags else []

    def set(self, tags, name: str, values: list[str]) -> None:
        if not values:
            tags.delall("USLT" if name == "lyrics" else self.frames[name])
            return
        if name == "lyrics":
            tags.setall("USLT", [USLT(encoding=3, lang="eng", desc="", text="\n".join(values))])
            return
        frame = TCON(encoding=3, text=values) if name == "genre" else TXXX(encoding=3, desc=OWN_FIELD, text=values)
        tags.setall(self.frames[name], [frame])


class MP4Fields:
    """M4A: iTunes atoms; our field is a free-form atom, whose values are UTF-8 bytes."""

    atoms = {
        "artist": "©ART",
        "title": "©nam",
        "album": "©alb",
        "album_artist": "aART",
        "genre": "©gen",
        "lyricgenre": _MP4_OWN_FIELD,
    }

    def get(self, tags, name: str) -> list[str]:
        values = tags.get(self.atoms[name], []) if tags is not None else []
        return [bytes(value).decode("utf-8", "replace") if isinstance(value, bytes) else str(value) for value in values]

    def lyrics(self, tags) -> list[str]:
        return list(tags.get("©lyr", [])) if tags is not None else []

    def set(self, tags, name: str, values: list[str]) -> None:
        if not values:
            tags.pop("©lyr" if name == "lyrics" else self.atoms[name], None)
        elif name == "lyricgenre":
            tags[self.atoms[name]] = [MP4FreeForm(value.encode("utf-8")) for value in values]
        else:
            tags["©lyr" if name == "lyrics" else self.atoms[name]] = values


@dataclass(frozen=True)
class AudioFormat:
    """A supported audio format: its name, file suffixes, mutagen classes and how its tags are named."""

    name: str
    suffixes: tuple[str, ...]
    mutagen_types: tuple[type, ...]
    fields: type
    locate_audio: Callable[[BinaryIO, int], Ranges]  # the bytes a tag rewrite must keep (`audio_data`)


# The one list of supported formats: file discovery, dispatch, help texts and error messages come from it.
AUDIO_FORMATS = (
    AudioFormat("MP3", (".mp3",), (MP3,), ID3Fields, mp3_audio),
    AudioFormat("FLAC", (".flac",), (FLAC,), VorbisFields, flac_audio),
    AudioFormat("Ogg Vorbis/Opus", (".ogg", ".opus"), (OggVorbis, OggOpus), VorbisFields, ogg_audio),
    AudioFormat("M4A", (".m4a",), (MP4,), MP4Fields, mp4_audio),
)
AUDIO_SUFFIXES = tuple(suffix for audio_format in AUDIO_FORMATS for suffix in audio_format.suffixes)
