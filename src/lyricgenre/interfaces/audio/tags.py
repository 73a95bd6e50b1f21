"""Lyrics, artist and title read from audio files' tags, and genres written back without risking the file.

Writing never edits the file in place: the tags are written into a copy beside it, the copy is read back and
checked (the new field holds the genres, lyrics/artist/title are unchanged), and only then renamed over the
original. A failure at any step leaves the original file as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import mutagen
from mutagen.id3 import ID3

from lyricgenre.interfaces.audio.formats import AUDIO_FORMATS, AUDIO_SUFFIXES, AudioFormat
from lyricgenre.interfaces.audio.layout import AudioLayoutError, audio_digest
from lyricgenre.interfaces.filesafety import shown_path, sync_file, sync_folder


class AudioTagError(Exception):
    """An audio file whose tags cannot be read or written; the message says why."""


@dataclass(frozen=True)
class AudioSong:
    lyrics: str | None
    artist: str | None
    title: str | None
    album: str | None = None
    album_artist: str | None = None
    # Seconds, from the stream; not compared (a rewrite of the tags may move an estimate's last digits).
    duration: float | None = field(default=None, compare=False)


def _open(path: Path, name: str) -> tuple[mutagen.FileType, AudioFormat]:
    """The mutagen file object and its format (`name` is the file errors show)."""
    try:
        audio = mutagen.File(path)
    except (mutagen.MutagenError, OSError) as error:
        raise AudioTagError(f"{name}: unreadable audio file ({str(error) or 'damaged'})") from error
    if audio is None:
        raise AudioTagError(f"{name}: not a recognised audio file")
    for audio_format in AUDIO_FORMATS:
        if isinstance(audio, audio_format.mutagen_types):
            return audio, audio_format
    supported = ", ".join(audio_format.name for audio_format in AUDIO_FORMATS)
    raise AudioTagError(f"{name}: holds {type(audio).__name__} audio, which is not supported ({supported})")


def read_audio_song(path: Path, name: str | None = None) -> AudioSong:
    """The embedded lyrics (the longest lyrics tag; None when there is none), artist, title and album."""
    return _song(*_open(Path(path), name or shown_path(Path(path).name)))


def _song(audio: mutagen.FileType, audio_format: AudioFormat) -> AudioSong:
    """`read_audio_song` of a file already opened."""
    fields = audio_format.fields()
    texts = [text for text in fields.lyrics(audio.tags) if text and text.strip()]
    return AudioSong(
        lyrics=max(texts, key=len) if texts else None,
        duration=getattr(audio.info, "length", None),
        **{name: _first(fields.get(audio.tags, name)) for name in ("artist", "title", "album", "album_artist")},
    )


def _first(values: list[str]) -> str | None:
    return next((value for value in values if value.strip()), None)


def read_tag(path: Path, field: str, name: str | None = None) -> list[str]:
    """The values of one of `TAG_FIELDS` in an audio file (empty when absent)."""
    audio, audio_format = _open(Path(path), name or shown_path(Path(path).name))
    return audio_format.fields().get(audio.tags, field)


class PreparedRewrite:
    """A file's rewritten copy, checked and not yet renamed over it (`prepare_rewrite`).

    `commit()` renames it into place; leaving the `with` block without committing removes the copy, so the file
    stays as it was. Between the two, the caller records what is about to change (the tagger's report).
    """

    def __init__(self, target: Path, copy: Path, name: str, status: os.stat_result):
        self.target, self.copy, self.name, self.status = target, copy, name, status

    def commit(self) -> None:
        """Rename the copy over the file, unless another program changed the file since the copy was made."""
        try:
            if _identity(self.target.stat()) != _identity(self.status):
                raise AudioTagError(
                    f"{self.name}: changed by another program while being tagged; left as it is (run again)"
                )
            os.replace(self.copy, self.target)
            sync_folder(self.target.parent)
        except OSError as error:
            problem = f"could not be rewritten ({error.strerror}); file left unchanged"
            raise AudioTagError(f"{self.name}: {problem}") from error

    def __enter__(self) -> PreparedRewrite:
        return self

    def __exit__(self, *exception) -> None:
        self.copy.unlink(missing_ok=True)  # gone already once committed


def prepare_rewrite(path: Path, updates: dict[str, list[str]], root: Path | None = None) -> PreparedRewrite:
    """A checked copy of the file with each field of `updates` set (one of `TAG_FIELDS`, or "lyrics").

    The copy is read back: each field must hold what was written, the rest of the song (artist, title, album,
    and the lyrics unless they were written) what it held before, and its audio bytes (`layout`) the
    original's. It keeps the file's permissions and owner.

    Refused, the file left as it is: a hard-linked file (renaming a copy over one of its names would leave the
    other names with the old tags), a symbolic link to a file outside `root` (when given: whoever can write into
    a library must not make the tagger rewrite files elsewhere), a file owned by another user when not running as
    root (its owner would change), and a file that another program changes while it is being tagged (same
    identity, size and times are required before the copy and at the rename, and the copy's audio must be the
    original's; its edit is not overwritten).
    """
    target = Path(path).resolve()  # a symlink's target is rewritten, the link itself kept
    name = shown_path(Path(path).name)
    if root is not None and not target.is_relative_to(Path(root).resolve()):
        outside = shown_path(target)
        raise AudioTagError(f"{name}: links to {outside}, outside the library; left unchanged (--follow-symlinks)")
    status = target.stat()
    opened, audio_format = _open(target, name)
    before = _song(opened, audio_format)
    if status.st_nlink > 1:
        raise AudioTagError(f"{name}: has {status.st_nlink} hard links, which a rewrite would separate; left unchanged")
    if os.getuid() != 0 and status.st_uid != os.getuid():
        raise AudioTagError(f"{name}: belongs to another user; a rewrite would make it yours; left unchanged")
    audio = audio_fingerprint(target, name, audio_format)
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise AudioTagError(f"{name}: no room for a copy beside it ({error.strerror})") from error
    os.close(descriptor)
    copy = Path(temporary)
    try:
        shutil.copy2(target, copy)
        _keep_owner(copy, status)
        _write_copy(copy, name, updates)
        _check_copy(copy, name, updates, before, audio_format, audio)
    except OSError as error:
        copy.unlink(missing_ok=True)
        raise AudioTagError(f"{name}: could not be rewritten ({error.strerror}); file left unchanged") from error
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    return PreparedRewrite(target, copy, name, status)


def write_tags(path: Path, updates: dict[str, list[str]], root: Path | None = None) -> None:
    """Set each field of `updates` through a checked copy renamed over the file (`prepare_rewrite`)."""
    with prepare_rewrite(path, updates, root) as rewrite:
        rewrite.commit()


def audio_fingerprint(path: Path, name: str | None = None, audio_format: AudioFormat | None = None) -> bytes:
    """A hash of an audio file's audio bytes alone (`audio_data`): the same before and after any tag rewrite.

    `audio_format`: the file's, when it is known already (a tag rewrite's copy has the original's)."""
    name = name or shown_path(Path(path).name)
    audio_format = audio_format or _open(Path(path), name)[1]
    try:
        return audio_digest(path, audio_format.locate_audio)
    except AudioLayoutError as error:
        raise AudioTagError(f"{name}: its audio data cannot be located ({error}); left unchanged") from error


def _check_copy(
    copy: Path, name: str, updates: dict[str, list[str]], before: AudioSong, audio_format: AudioFormat, audio: bytes
) -> None:
    """The rewritten copy holds the new values, the song's other tags and the original's audio bytes (`audio`,
    their fingerprint; the copy has the original's `audio_format`)."""
    expected = replace(before, lyrics="\n".join(updates["lyrics"]) or None) if "lyrics" in updates else before
    written = all(read_tag(copy, field, name) == values for field, values in updates.items() if field != "lyrics")
    if not written or read_audio_song(copy, name) != expected:
        raise AudioTagError(f"{name}: the tags read back differ from those written; file left unchanged")
    if audio_fingerprint(copy, name, audio_format) != audio:
        raise AudioTagError(f"{name}: changed by another program while being tagged; left as it is (run again)")


def _identity(status: os.stat_result) -> tuple:
    """What changes when another program rewrites or edits a file: its inode, size and times."""
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


LEFTOVER = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")


def remove_leftover_copies(folder: Path) -> list[Path]:
    """Delete the temporary copies a killed `tag --write` left below `folder`; returns them.

    Ours for certain: hidden, named `.NAME.XXXXXXXX.tmp` as `write_tags` names them, beside the audio file NAME.
    """
    removed = []
    for path in Path(folder).rglob(".*.tmp"):
        match = LEFTOVER.match(path.name)
        original = path.with_name(match["name"]) if match else None
        if original and original.suffix.lower() in AUDIO_SUFFIXES and original.is_file() and path.is_file():
            path.unlink()
            removed.append(path)
    return removed


def _keep_owner(copy: Path, status: os.stat_result) -> None:
    """Give the copy the original's owner and group (run as root over a user's library, files stay theirs)."""
    if (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
        try:
            os.chown(copy, status.st_uid, status.st_gid)
        except PermissionError:
            pass  # not ours to give away: the copy stays the caller's, as any file they write


def _write_copy(path: Path, name: str, updates: dict[str, list[str]]) -> None:
    audio, audio_format = _open(path, name)
    fields = audio_format.fields()
    try:
        if audio.tags is None:
            audio.add_tags()
        for field, values in updates.items():
            fields.set(audio.tags, field, values)
        if isinstance(audio.tags, ID3):
            version = audio.tags.version[1] if audio.tags.version[1] in (3, 4) else 4
            # An ID3v2.3 file stays v2.3; several genres are null-separated as in v2.4 (not joined by "/"),
            # so they read back as written, and single-valued frames are saved as they were.
            audio.save(v2_version=version, v23_sep=None)
        else:
            audio.save()
        sync_file(path)
    except (mutagen.MutagenError, OSError) as error:
        raise AudioTagError(f"{name}: tags could not be written ({error}); file left unchanged") from error
