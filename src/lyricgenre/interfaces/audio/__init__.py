"""Audio files' tags: lyrics, artist and title read, genres written through a checked copy (`tags`), and where
each format keeps its audio bytes, which a rewrite must leave as they were (`layout`)."""

from lyricgenre.interfaces.audio.formats import AUDIO_FORMATS, AUDIO_SUFFIXES, TAG_FIELDS
from lyricgenre.interfaces.audio.tags import (
    AudioSong,
    AudioTagError,
    audio_fingerprint,
    prepare_rewrite,
    read_audio_song,
    read_tag,
    remove_leftover_copies,
    write_tags,
)

__all__ = [
    "AUDIO_FORMATS",
    "AUDIO_SUFFIXES",
    "TAG_FIELDS",
    "AudioSong",
    "AudioTagError",
    "audio_fingerprint",
    "prepare_rewrite",
    "read_audio_song",
    "read_tag",
    "remove_leftover_copies",
    "write_tags",
]
