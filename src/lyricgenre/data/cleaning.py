"""Lyrics cleaning and the check that tells lyrics from placeholders (the language check: `lyricgenre.text`)."""

from __future__ import annotations

import re

_SECTION_KEYWORDS = (
    r"(?:verse|chorus|pre-?chorus|post-?chorus|intro|outro|bridge|hook|refrain|interlude|"
    r"instrumental|repeat|fade(?: out)?|breakdown|coda|skit|spoken|guitar solo)"
)
# "[Chorus: Bruno Mars]", "[Directed by …]": square brackets in lyrics are annotations.
_BRACKETED = re.compile(r"\[[^\]\n]{0,120}\]")
# A line that is only a section header: "(Chorus)", "{Verse 2: X}", "Chorus x2", "Hook:", "Bridge - Y:".
_HEADER_LINE = re.compile(
    rf"^\s*(?:[\(\{{]\s*{_SECTION_KEYWORDS}\b[^\)\}}\n]{{0,40}}[\)\}}]"
    rf"|{_SECTION_KEYWORDS}(?:\s*\d+)?\s*(?:x\s?\d+)?\s*:?"
    rf"|{_SECTION_KEYWORDS}\b[^\n:]{{0,40}}:)\s*$",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Whole lines of site boilerplate left by the scrapers behind the sources.
_BOILERPLATE_LINE = re.compile(
    r"^\s*(?:unfortunately,? we are not licensed.*|you might also like.*|\d*\s*embed|"
    r"lyrics powered by.*)",
    re.IGNORECASE,
)
# Genius pages start with "<Title> Lyrics" on the first line.
_GENIUS_TITLE_LINE = re.compile(r"\A[^\n]{1,150}\sLyrics[ \t]*\n")
# Whole raw texts that are placeholders, not lyrics. (LyricWikia's licensing notice follows partial
# lyrics instead: cleaning removes the notice line and the length check judges what is left.)
NON_LYRICS_PATTERNS = (
    r"^\W*instrumental\W*$",
    r"lyrics (?:are )?not available",
    r"lyrics for this song have yet to be released",
    r"^\W*(?:no lyrics|lyrics unavailable|n/?a)\W*$",
)
_NON_LYRICS = re.compile("|".join(NON_LYRICS_PATTERNS), re.IGNORECASE)


def strip_artist_header(lyrics: str, artist: str) -> str:
    """Drop a leading "By <artist>" line (LyricWikia pages start with one)."""
    first, _, rest = lyrics.partition("\n")
    if first.strip().lower().startswith("by ") and len(first) <= len(artist) + 20:
        return rest
    return lyrics


def clean_lyrics(lyrics: str) -> str:
    """Remove section markers, boilerplate and URLs; tidy whitespace; keep the source's line breaks."""
    text = str(lyrics).replace("\r\n", "\n").replace("\r", "\n")
    text = _URL.sub(" ", _BRACKETED.sub(" ", text))
    text = _GENIUS_TITLE_LINE.sub("", text)
    lines = []
    for line in text.split("\n"):
        if _HEADER_LINE.match(line) or _BOILERPLATE_LINE.match(line):
            continue
        lines.append(re.sub(r"[ \t\u00a0]+", " ", line).strip())
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def is_placeholder(lyrics: str) -> bool:
    """True for texts that stand in for lyrics ("instrumental", "lyrics not available")."""
    return bool(_NON_LYRICS.search(lyrics))
