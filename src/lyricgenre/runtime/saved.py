"""`SavedScores`: songs' probabilities kept in a file as they are scored, for a stopped pooled run to go on with.

A pooled run scores every song before it writes its first record, so a run stopped while scoring (the long part)
left nothing to resume from. With a file of saved scores, the run that goes on reads the earlier run's scores back
instead of scoring those songs again.

The file: one header line (the format and the classifier's `scores_identity`), then one entry per scored song in
input order: an 8-byte digest of its text and scores, and its probabilities as float32. Saved scores are only used
in order, while each next song's text and the entry's scores have the entry's digest: a changed input, a
half-written last entry (a kill) or garbage after a power cut stops the reuse there, and the file is cut and
written on from that point, so a saved score is never given to another text. A file of another model (or version,
precision, `--fast`) is started anew.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from lyricgenre.errors import UserError

FORMAT = b"lyricgenre saved scores 1"
DIGEST_BYTES = 8


class SavedScores:
    """The saved scores of one run at `path` (opened, or made, for reading back and writing on)."""

    def __init__(self, path: Path, identity: str, genres: int):
        self.path, self.genres = Path(path), genres
        self.entry = np.dtype([("digest", f"V{DIGEST_BYTES}"), ("scores", "<f4", (genres,))])
        header = FORMAT + f" {identity} {genres}\n".encode()
        try:
            self.handle = self.path.open("r+b" if self.path.exists() else "w+b")
            first = self.handle.readline()
            if first and not first.startswith(FORMAT):
                self.handle.close()
                raise UserError(f"{self.path}: not saved scores this command wrote; move it, it is in the way")
            if first != header:  # none yet, or another model's: its scores do not apply
                self.handle.seek(0)
                self.handle.truncate()
                self.handle.write(header)
                self.handle.flush()
        except OSError as error:
            raise UserError(f"{self.path}: cannot keep the run's scores there ({error.strerror})") from None
        self.reading = True  # earlier entries may follow: read until one does not match
        self.reused = 0  # songs whose scores were read back

    def take(self, texts: list[str]) -> np.ndarray:
        """The saved probabilities of the longest leading run of `texts` that matches the next entries, (k, genres);
        from the first text that does not match on, nothing more is read and the file is written on from there."""
        found = []
        for text in texts if self.reading else ():
            start = self.handle.tell()
            raw = self.handle.read(self.entry.itemsize)
            entry = np.frombuffer(raw, dtype=self.entry) if len(raw) == self.entry.itemsize else None
            if entry is None or entry["digest"][0].tobytes() != _digest(text, entry["scores"][0]):
                self.handle.seek(start)
                self.handle.truncate()
                self.reading = False
                break
            found.append(entry["scores"][0])
        self.reused += len(found)
        return np.array(found, dtype=np.float32).reshape(len(found), self.genres)

    def save(self, texts: list[str], probabilities: np.ndarray) -> None:
        """Append the scores of songs just scored (after those `take` gave back)."""
        if self.reading:  # entries not read back yet are not these songs': they go
            self.handle.truncate()
            self.reading = False
        entries = np.empty(len(texts), dtype=self.entry)
        entries["scores"] = probabilities
        entries["digest"] = [_digest(text, scores) for text, scores in zip(texts, entries["scores"])]
        try:
            self.handle.write(entries.tobytes())
            self.handle.flush()
        except OSError as error:
            raise UserError(f"{self.path}: cannot keep the run's scores there ({error.strerror})") from None

    def close(self) -> None:
        self.handle.close()


def _digest(text: str, scores: np.ndarray) -> bytes:
    """The entry's check: of the song's text and of the scores themselves (scores a power cut garbled fail it)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=DIGEST_BYTES)
    digest.update(np.ascontiguousarray(scores, dtype="<f4").tobytes())
    return digest.digest()
