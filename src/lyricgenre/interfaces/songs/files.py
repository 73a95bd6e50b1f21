"""Songs from files: a lyrics file (.txt, .lrc), an audio file's embedded or sidecar lyrics, and every such
file below a folder."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.interfaces.audio import AUDIO_SUFFIXES, AudioTagError, read_audio_song
from lyricgenre.interfaces.filesafety import shown_path
from lyricgenre.interfaces.songs.lrc import parse_lrc
from lyricgenre.interfaces.songs.rows import SongRow, song_row
from lyricgenre.text import MAX_LYRICS_CHARS

LYRICS_FILE_SUFFIXES = (".lrc", ".txt")  # also the sidecar lyrics of an audio file, in this order
# Characters read of a .txt/.lrc file: more than the model reads (room for LRC timestamps), so the cut is noted.
LYRICS_FILE_READ_CHARS = 2 * MAX_LYRICS_CHARS


def _walk(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Every file below `folder` but hidden ones, and the subfolders that could not be read, with why."""
    files: list[Path] = []
    unreadable: list[tuple[Path, str]] = []

    def note(error: OSError) -> None:
        unreadable.append((Path(error.filename), error.strerror or str(error)))

    for place, _folders, names in os.walk(folder, onerror=note):
        files += [Path(place, name) for name in names if not name.startswith(".")]
    return [p for p in files if p.is_file()], sorted(unreadable)


def song_files(folder: Path, audio_only: bool) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Audio files and lyrics files below `folder`, sorted (an audio file's sidecar lyrics are not listed), and
    the subfolders that could not be read."""
    files, unreadable = _walk(folder)
    audio = [p for p in files if p.suffix.lower() in AUDIO_SUFFIXES]
    if audio_only:
        return sorted(audio), unreadable
    stems = {p.with_suffix("") for p in audio}
    lyrics = [p for p in files if p.suffix.lower() in LYRICS_FILE_SUFFIXES and p.with_suffix("") not in stems]
    return sorted(audio + lyrics), unreadable


def read_folder(folder: Path, audio_only: bool) -> Iterator[SongRow]:
    """One row a song file, then one error row for each subfolder that could not be read (never skipped silently)."""
    files, unreadable = song_files(folder, audio_only)
    if not files and not unreadable:
        kinds = "audio" if audio_only else "audio, .txt or .lrc"
        raise UserError(f"{folder}: no {kinds} files in this folder")
    for number, path in enumerate(files, start=1):
        yield _read_song_file(path, number, {"id": shown_path(path.relative_to(folder))})
    for number, (place, why) in enumerate(unreadable, start=len(files) + 1):
        name = shown_path(place.relative_to(folder) if place.is_relative_to(folder) else place)
        yield SongRow(number, None, {"id": name}, error=f"folder cannot be read ({why}); its files were not tagged")


def read_one_song(path: Path, text_column: str) -> Iterator[SongRow]:
    """A .txt, .lrc or audio file given as the input: one song, identified by its file name."""
    yield _read_song_file(path, 1, {"id": shown_path(path.name)})


def _read_song_file(path: Path, number: int, fields: dict) -> SongRow:
    if path.suffix.lower() in AUDIO_SUFFIXES:
        return _read_audio_file(path, number, fields)
    try:
        with path.open(encoding="utf-8-sig") as handle:  # a huge file is not read whole: what the model reads is cut
            text = handle.read(LYRICS_FILE_READ_CHARS)
    except UnicodeDecodeError:
        return SongRow(number, None, fields, error=f"{shown_path(path.name)}: not UTF-8 text")
    except OSError as error:
        return SongRow(number, None, fields, error=f"{shown_path(path.name)}: cannot be read ({error.strerror})")
    if path.suffix.lower() == ".lrc":
        text, tags = parse_lrc(text)
        fields = {**tags, **fields}
    return song_row(number, text, fields)


def _read_audio_file(path: Path, number: int, fields: dict) -> SongRow:
    """An audio file's embedded lyrics (timestamps of synced lyrics removed), else its sidecar .lrc/.txt."""
    try:
        song = read_audio_song(path)
    except AudioTagError as error:
        return SongRow(number, None, fields, error=str(error))
    tags = {"artist": song.artist, "title": song.title, "album": song.album, "album_artist": song.album_artist}
    fields = {**fields, **{key: value for key, value in tags.items() if value}}
    if song.lyrics is not None:
        row = song_row(number, parse_lrc(song.lyrics)[0], fields)
    elif (sidecar := _sidecar(path)) is not None:
        row = _read_song_file(sidecar, number, fields)
    else:
        row = SongRow(number, None, fields, skipped="no lyrics: no lyrics tag and no .lrc or .txt file beside it")
    return replace(row, fields={**row.fields, "path": shown_path(path)}, audio_path=path, duration=song.duration)


def _sidecar(audio: Path) -> Path | None:
    """The .lrc (else .txt) file of the same name beside an audio file, its suffix in any case."""
    found = {
        candidate.suffix.lower(): candidate
        for candidate in audio.parent.glob(f"{glob.escape(audio.stem)}.*")
        if candidate.suffix.lower() in LYRICS_FILE_SUFFIXES and candidate.is_file()
    }
    return next((found[suffix] for suffix in LYRICS_FILE_SUFFIXES if suffix in found), None)
