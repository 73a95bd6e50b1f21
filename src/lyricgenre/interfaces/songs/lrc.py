"""LRC files (timed lyrics): the words in the order they are sung, and the artist/title/album tags."""

from __future__ import annotations

import re

_LRC_TIMESTAMP = re.compile(r"\[(\d{1,3}):(\d{2})(?:[.:](\d{1,3}))?\]")
_LRC_WORD_TIMESTAMP = re.compile(r"<\d{1,3}:\d{2}(?:[.:]\d{1,3})?>")  # enhanced LRC: a time before each word
_LRC_TAG = re.compile(r"^\[(ar|ti|al|by|length|offset|re|ve|au):(.*)\]\s*$", re.IGNORECASE)


def parse_lrc(text: str) -> tuple[str, dict]:
    """Lyrics of an LRC file without timestamps, in the order they are sung, and its artist/title tags.

    A line with several timestamps (a chorus written once for each time it comes) is repeated at each, and
    the word timestamps of enhanced LRC are removed too. A line without a timestamp keeps its place after
    the line before it.
    """
    timed, tags, time = [], {}, 0.0
    for line in text.splitlines():
        tag = _LRC_TAG.match(line.strip())
        if tag:
            name = {"ar": "artist", "ti": "title", "al": "album"}.get(tag.group(1).lower())
            if name:
                tags[name] = tag.group(2).strip()
            continue
        words = _LRC_WORD_TIMESTAMP.sub("", _LRC_TIMESTAMP.sub("", line)).strip()
        times = [int(m) * 60 + int(s) + float(f"0.{f or 0}") for m, s, f in _LRC_TIMESTAMP.findall(line)] or [time]
        timed += [(at, len(timed) + k, words) for k, at in enumerate(times)]
        time = times[0]
    return "\n".join(words for _, _, words in sorted(timed)).strip(), tags
