"""What `lyricgenre tag` writes into audio files, declared once: defaults, the user's config file, the CLI.

Every option of the tagger is a field of `TagSettings`, with its default and what it means. A TOML config
file (`--config FILE`, else `$XDG_CONFIG_HOME/lyricgenre/config.toml`, else `~/.config/lyricgenre/config.toml`
when it exists) sets any of them by the same name; options given on the command line overlay the file.
A bad key or value is one error naming it.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import ClassVar, Literal, get_args, get_type_hints

from lyricgenre.errors import UserError
from lyricgenre.interfaces.library.lrclib import DEFAULT_LYRICS_URL
from lyricgenre.settings import Settings, setting
from lyricgenre.taxonomy import name_key

# The standard genre tag gets few names by default, as taggers write it (lastgenre 1, Picard a few): the two
# surest families and the surest fine genre ("Rock; Pop; Classic Rock"); LYRICGENRE gets every predicted one.
GENRE_FIELD_MAX_FAMILIES = 2
GENRE_FIELD_MAX_GENRES = 1
# How other taggers join several genres into one value ("Rock; Pop", "Hip-Hop/Rap"): a genre found in such a
# value is not added again by keep_existing (the value itself is kept as it is).
JOINED = re.compile(r"\s*[;,/]\s*")
# Words kept as written when title-casing ("R&B", not "R&b"); other names go through `aliases`.
_TITLE_EXCEPTIONS = {"r&b": "R&B", "edm": "EDM", "uk": "UK", "ny": "NY", "alt": "Alt", "z": "Z"}


@dataclass
class TagSettings(Settings):
    """The tagger's options, each documented (docs/settings.md and docs/cli.md show the same)."""

    what: ClassVar[str] = "tag setting"

    field: Literal["lyricgenre", "genre"] = setting(
        "lyricgenre", 'where genres go: "lyricgenre" (a field of its own) or "genre" (the standard tag)'
    )
    level: Literal["family", "genre", "both"] | None = setting(
        None,
        'what is written: "family", "genre" (fine genres) or "both" (families first); None: "both", or "genre" with '
        "a model adapted to your labels (only your words: its families are ours)",
    )
    max_genres: int | None = setting(
        None, f"most fine genres written (None: every predicted one; {GENRE_FIELD_MAX_GENRES} for field genre)"
    )
    max_families: int | None = setting(
        None, f"most families written (None: every predicted one; {GENRE_FIELD_MAX_FAMILIES} for field genre)"
    )
    separator: str | None = setting(None, "join the values into one text with this, for players that read one value")
    keep_existing: bool = setting(False, "keep the file's current values and add the new ones after them")
    pool: Literal["artist", "album", "none"] = setting(
        "artist", 'tag songs together: by "artist" or "album" (from the tags), or "none" (each alone)'
    )
    allow: tuple[str, ...] = setting((), "only these genres and families are written (empty: all)")
    deny: tuple[str, ...] = setting((), "these genres and families are never written")
    aliases: Mapping[str, str] = setting({}, "the written name of a genre or family")
    case: Literal["lower", "title"] | None = setting(
        None, '"lower" (as the model names them) or "title" ("Hip Hop"); None: title for field genre, else lower'
    )
    families: Mapping[str, tuple[str, ...]] = setting({}, "genre -> families of your own it also counts under")
    fill: bool = setting(
        True, "pooling, a song without lyrics (an intro, an instrumental) gets its artist's (album's) pooled genres"
    )
    lyrics_url: str = setting(DEFAULT_LYRICS_URL, "the LRCLIB-compatible server --fetch-lyrics asks (a mirror)")

    def __post_init__(self):
        self.check_types({f.name: getattr(self, f.name) for f in fields(self)})
        for name in ("max_genres", "max_families"):
            if getattr(self, name) is not None and getattr(self, name) < 0:
                option = name.replace("_", "-")
                raise UserError(f"{name} (--{option}) must be a whole number from 0, got {getattr(self, name)!r}")
        if self.separator is not None and not self.separator:
            raise UserError("separator (--separator) must not be empty")
        if problem := self._writes_nothing():
            raise UserError(f"these settings would never write a genre: {problem}")

    def _writes_nothing(self) -> str | None:
        """Why these settings can write no name into any file (contradictory or empty), or None."""
        no_genres = self.level == "family" or self.fine_genre_cap == 0
        no_families = self.level == "genre" or (self.family_cap == 0 and not self.families)
        if no_genres and no_families:
            return (
                f"level {self.level!r} (--level) with max_genres {self.max_genres} and max_families "
                f"{self.max_families} (--max-genres, --max-families)"
            )
        if self.allow and all(name_key(name) in {name_key(d) for d in self.deny} for name in self.allow):
            return "every name of allow is also in deny"
        return None

    @property
    def fine_genre_cap(self) -> int | None:
        if self.max_genres is not None:
            return self.max_genres
        return GENRE_FIELD_MAX_GENRES if self.field == "genre" else None

    @property
    def family_cap(self) -> int | None:
        if self.max_families is not None:
            return self.max_families
        return GENRE_FIELD_MAX_FAMILIES if self.field == "genre" else None

    @property
    def written_case(self) -> str:
        """Title case in the standard genre tag, as taggers write it; the model's lower case in our own field."""
        return self.case or ("title" if self.field == "genre" else "lower")

    def for_model(self, adapted: bool) -> TagSettings:
        """These settings with the level decided for the model that tags (`adapted`: one learnt on the user's
        labels, whose families are ours, not the user's words)."""
        return self if self.level else replace(self, level="genre" if adapted else "both")

    def overlay(self, **options) -> TagSettings:
        """These settings with every option that is not None replaced (what the command line gave)."""
        return replace(self, **{name: value for name, value in options.items() if value is not None})

    def values(self, families: list[str], genres: list[str], existing: list[str]) -> list[str]:
        """The tag values for a file whose song got these families and genres (each list best first)."""
        genres = [g for g in genres if self._wanted(g)]
        if self.fine_genre_cap is not None:
            genres = genres[: self.fine_genre_cap]
        if self.level == "genre":
            families = []
        else:
            mapping = {name_key(genre): placed for genre, placed in self.families.items()}
            own = [f for g in genres for f in mapping.get(name_key(g), ())]
            families = [f for f in families if self._wanted(f)][: self.family_cap]
            families += [f for f in own if self._wanted(f)]
        names = [self._written(name) for name in [*families, *(genres if self.level != "family" else [])]]
        if self.keep_existing:
            kept = self.split(existing)
            present = {name_key(part) for value in kept for part in [value, *JOINED.split(value)]}
            names = [*kept, *(name for name in names if name_key(name) not in present)]
        values = _unique(names)
        return [self.separator.join(values)] if self.separator and values else values

    def split(self, values: list[str]) -> list[str]:
        """A tag's values, each joined value split at the separator (how `values` reads existing tags)."""
        if not self.separator:
            return list(values)
        return [part.strip() for value in values for part in value.split(self.separator) if part.strip()]

    def _wanted(self, name: str) -> bool:
        key = name_key(name)
        allow = {name_key(a) for a in self.allow}
        return (not allow or key in allow) and key not in {name_key(d) for d in self.deny}

    def _written(self, name: str) -> str:
        aliases = {name_key(key): value for key, value in self.aliases.items()}
        if name_key(name) in aliases:
            return aliases[name_key(name)]
        if self.written_case == "title":
            return " ".join(_TITLE_EXCEPTIONS.get(word, word[:1].upper() + word[1:]) for word in name.split(" "))
        return name


def _unique(names: list[str]) -> list[str]:
    """The names in order, each genre once (by `name_key`; the first spelling kept)."""
    seen: set[str] = set()
    return [n for n in names if not (name_key(n) in seen or seen.add(name_key(n)))]


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "lyricgenre" / "config.toml"


def load_tag_settings(path: Path | None = None) -> TagSettings:
    """Settings from a config file (`path`, else the default location if it exists), else the defaults."""
    if path is None:
        path = default_config_path()
        if not path.is_file():
            return TagSettings()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: cannot read the config file ({getattr(error, 'strerror', None) or error})") from None
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{path}: not valid TOML ({error})") from None
    try:
        return TagSettings.from_dict(data)
    except UserError as error:
        raise UserError(f"{path}: {error}") from None


def choices(name: str) -> tuple[str, ...]:
    """The values a setting of a few named values takes (what the command line offers as its choices)."""
    kinds = get_args(get_type_hints(TagSettings)[name])  # a Literal's values, or a Literal among a union's types
    return tuple(value for kind in kinds for value in (get_args(kind) or (kind,)) if isinstance(value, str))
