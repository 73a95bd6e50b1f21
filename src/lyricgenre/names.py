"""Artist and title normalisation, splitting of collaboration credits, and one identity per artist.

Sources spell the same artist differently ("The Rolling Stones", "rolling stones", "Beyoncé",
"beyonce"); every join in the pipeline goes through `normalize_name` so they meet, and every pooling of an
artist's songs (`lyricgenre.decision.artist_groups`: `--pool-artist`, `tag --pool`, the beets plugin, the
evaluation's pooled protocol, `adapt`'s folds) through `artist_identities`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Separators that always join two different acts ("A featuring B", "A x B").
_STRONG_SEPARATORS = re.compile(r"\s+(?:featuring|feat\.?|ft\.?|duet with|with|x|vs\.?|versus)\s+", re.IGNORECASE)
# Separators that may also be part of one act's name ("Simon & Garfunkel", "Earth, Wind & Fire").
_WEAK_SEPARATORS = re.compile(r"\s*(?:,|&|\+|\band\b)\s*", re.IGNORECASE)
_TITLE_NOISE = re.compile(
    r"\s*(?:[\(\[](?:feat\.?|ft\.?|featuring|with)\s[^\)\]]*[\)\]]"
    r"|-\s*(?:\d{4}\s+)?(?:remaster(?:ed)?|single version|radio edit|live)\b.*$)",
    re.IGNORECASE,
)


def normalize_name(name: str) -> str:
    """Fold an artist or title to a join key: ASCII, lower case, no punctuation, no leading "the".

    Apostrophes are removed rather than spaced so that "Can't" and the pre-cleaned "cant" agree.
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("&", " and ").replace("$", "s")
    text = re.sub(r"['`]", "", text)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def normalize_title(title: str) -> str:
    """Normalise a song title, dropping credits and edition suffixes ("(feat. X)", "- Remastered").

    "and" is dropped too: one source removed "&" from titles ("suit  tie" for "Suit & Tie").
    """
    return re.sub(r"\s*\band\b\s*", " ", normalize_name(_TITLE_NOISE.sub("", str(title)))).strip()


def _split_weak(segment: str) -> list[str]:
    return [part.strip() for part in _WEAK_SEPARATORS.split(segment) if part.strip()]


def split_credit(credit: str) -> tuple[list[str], list[str]]:
    """Split a raw credit into (acts, parts).

    `acts` are split on unambiguous separators only ("featuring", "with", "x"); `parts` also split
    every act on "&", "and" and commas, for credits like "Post Malone & Swae Lee". Both are raw
    (not normalised) and keep credit order.
    """
    acts = [act.strip() for act in _STRONG_SEPARATORS.split(str(credit)) if act.strip()]
    parts = [part for act in acts for part in _split_weak(act)]
    return acts, parts


def primary_artist_key(credit: str, known: set[str] | frozenset[str]) -> str:
    """The normalised key of the credit's first act: the artist a collaboration belongs to.

    The first act is kept whole when it is a known artist ("Simon & Garfunkel"), otherwise its
    first part is used ("Post Malone & Swae Lee" -> "post malone").
    """
    acts, parts = split_credit(credit)
    if not acts:
        return normalize_name(credit)
    first_act = normalize_name(acts[0])
    if first_act in known or not parts:
        return first_act
    return normalize_name(_split_weak(acts[0])[0])


def artist_identities(credits: Sequence[str | None]) -> list[str | None]:
    """Each credit's artist as pooling knows it (None for a song without one): `primary_artist_key`, with the
    credits of a single act among them as the known artists. So "Beatles" and "The Beatles" are one artist, "X
    feat. Y", "X & Y" and "X and Y" are X's songs, and "Simon & Garfunkel" stays whole when it is credited
    alone somewhere in the same run (otherwise it is "simon", as consistently)."""
    known = {
        normalize_name(credit) for credit in credits if isinstance(credit, str) and len(split_credit(credit)[1]) == 1
    }
    return [
        primary_artist_key(credit, known) or None if isinstance(credit, str) and credit.strip() else None
        for credit in credits
    ]
