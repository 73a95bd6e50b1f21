"""Genres for the items of a beets library, from the lyrics beets keeps (its `lyrics` field): the same classify
path (`classify_rows`, pooled and filled as `tag` does) and the same decision (`tagger.decide`) as
`lyricgenre tag --field genre`. The beets plugin (`beetsplug/lyricgenre.py`) only reads beets' config and query
and calls `tag_items`; this module never imports beets (items are used by their fields).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lyricgenre.interfaces.classify import Decisions, classify_rows, needed, pool_key, song_record
from lyricgenre.interfaces.library.settings import TagSettings, load_tag_settings
from lyricgenre.interfaces.library.tagger import TagOutcome, decide, unclassified
from lyricgenre.interfaces.progress import ProgressBar
from lyricgenre.interfaces.songs.lrc import parse_lrc
from lyricgenre.interfaces.songs.rows import SongRow
from lyricgenre.runtime import GenreClassifier

# Options of the plugin alone; every other key of beets' `lyricgenre:` section is a `TagSettings` key.
PLUGIN_OPTIONS = {
    "auto": True,  # tag the items of each `beet import` (after beets' lyrics plugin has fetched theirs)
    "force": False,  # replace genres an item already has (default: leave such items alone, as lastgenre)
    "model": None,  # an exported model folder (an adapted one too); None: the shipped model
    "threads": None,  # inference threads (None: up to 4)
}
JOINED = ", "  # how a single-valued `genre` field (beets before `genres`) joins several names


@dataclass(frozen=True)
class ItemOutcome:
    item: object  # a beets Item
    outcome: TagOutcome


def settings_from(beets_values: dict) -> TagSettings:
    """`lyricgenre tag`'s settings (its config file, else the defaults) with beets' `lyricgenre:` section over
    them; the field is always the standard genre field, the one beets keeps."""
    return load_tag_settings().updated({**beets_values, "field": "genre"}, what="lyricgenre setting in beets' config")


def genre_field(fields: Iterable[str]) -> str:
    """Where an item's genres go: `genres`, the multi-valued field of beets 2.x, else the older `genre`."""
    return "genres" if "genres" in fields else "genre"


def tag_items(
    items: list,
    classifier: GenreClassifier,
    settings: TagSettings,
    field: str,
    *,
    force: bool,
    write: bool,
    progress: ProgressBar | None = None,
    saved: Path | None = None,
) -> Iterator[ItemOutcome]:
    """Each item with what its genre field gets (`written`, or `would write` unless `write`, when it changes);
    nothing is stored here. `progress` counts the items as they are classified. Pooled, with `saved`, the songs'
    scores are kept in that file as they are made and read back by the same run stopped before every item was
    decided (`lyricgenre.runtime.saved`); it is removed once every item is.

    Items that already have genres are `kept` unless `force`, and classified only when pooled with an item that
    gets genres; items without lyrics get their artist's (album's) pooled genres when pooling (and
    `settings.fill`), else are `skipped: no lyrics`.
    """
    settings = settings.for_model(classifier.adapted)
    pool = None if settings.pool == "none" else settings.pool
    decisions = Decisions(pool=pool, fill=settings.fill)
    rows = _needed_rows(items, field, pool, force)
    found = classify_rows(classifier, rows, decisions, progress, saved if pool else None)
    for (row, prediction), item in zip(found, items):
        previous = current_genres(item, field)
        record = song_record(row, prediction, pool)
        if previous and not force:
            outcome = TagOutcome("kept", previous, previous)
        else:
            outcome = unclassified(record) or decide(record, previous, settings, write)[0]
        yield ItemOutcome(item, outcome)
    if saved:
        saved.unlink(missing_ok=True)


def current_genres(item, field: str) -> list[str]:
    value = getattr(item, field, None) or []
    return [value] if isinstance(value, str) else list(value)


def field_value(values: list[str], field: str):
    """Genre names as the field holds them: a list in `genres`, one text in `genre`."""
    return list(values) if field == "genres" else JOINED.join(values)


def _needed_rows(items: list, field: str, pool: str | None, force: bool) -> list[SongRow]:
    """The items as song rows, those whose answer no item needs set aside: items that keep their genres (no
    `force`), as every item pooled with them does (`classify.needed`)."""
    rows = _rows(items)
    wanted = [force or not current_genres(item, field) for item in items]
    keys = [pool_key(row.fields, pool) for row in rows]
    reason = "not needed: it has genres" + (f", as its {pool}'s other items do" if pool else "")
    return [row if need else row.set_aside(reason) for row, need in zip(rows, needed(keys, wanted))]


def _rows(items: list) -> list[SongRow]:
    """The items as song rows: their lyrics (timestamps of synced lyrics removed) and the tags pooling reads."""
    rows = []
    for number, item in enumerate(items, start=1):
        lyrics = parse_lrc(item.lyrics)[0] if (item.lyrics or "").strip() else None
        fields = {
            "id": number,
            "artist": item.artist or None,
            "title": item.title or None,
            "album": item.album or None,
            "album_artist": item.albumartist or None,
        }
        fields = {key: value for key, value in fields.items() if value is not None}
        rows.append(SongRow(number, lyrics, fields, skipped=None if lyrics else "no lyrics in the library"))
    return rows
