"""The genre taxonomy: every vocabulary genre under one or more coarse families (stdlib + numpy only).

A library user sorts by "rock" or "hip hop" long before "album rock" or "pop rap", and a fine genre is
only trustworthy with its family. The taxonomy is one data file shipped in the package
(`taxonomy.json`; the choices are explained in docs/taxonomy.md). It is a DAG, not a tree: "country
rock" is country and rock, "pop rap" pop and hip hop. Shared by training (family targets), the
runtime (family scores, hierarchy-consistent decisions) and the interfaces (`lyricgenre genres`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from lyricgenre.errors import UserError

TAXONOMY_FILE = "taxonomy.json"


def name_key(name: str) -> str:
    """A genre name as compared (never as written): case, hyphens and spacing ignored, so "Hip-Hop", "hip hop"
    and "HIP  HOP" are one genre in a file's tags, the allow and deny lists and the aliases."""
    return " ".join(name.casefold().replace("-", " ").split())


@dataclass(frozen=True)
class Taxonomy:
    """Families in display order, with a description each, and each genre's families (most central first)."""

    families: tuple[str, ...]
    genre_families: Mapping[str, tuple[str, ...]]
    descriptions: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        for genre, families in self.genre_families.items():
            if not families:
                raise UserError(f"genre {genre!r} has no family in the taxonomy")
            unknown = [f for f in families if f not in self.families]
            if unknown:
                raise UserError(
                    f"genre {genre!r}: unknown family {unknown[0]!r} (families: {', '.join(self.families)})"
                )

    def families_of(self, genre: str) -> tuple[str, ...]:
        return self.genre_families.get(genre, ())

    def membership(self, genres: Sequence[str]) -> np.ndarray:
        """(len(genres), len(families)) booleans: genre i belongs to family j. Every genre must have one."""
        missing = [g for g in genres if g not in self.genre_families]
        if missing:
            raise UserError(f"no family for genre(s) {', '.join(repr(g) for g in missing[:5])} in the taxonomy")
        index = {family: j for j, family in enumerate(self.families)}
        matrix = np.zeros((len(genres), len(self.families)), dtype=bool)
        for i, genre in enumerate(genres):
            for family in self.genre_families[genre]:
                matrix[i, index[family]] = True
        return matrix

    def family_labels(self, genre_labels: np.ndarray, genres: Sequence[str]) -> np.ndarray:
        """Family truth from genre truth: a song is in a family when any of its genres is."""
        return (genre_labels.astype(np.int32) @ self.membership(genres).astype(np.int32) > 0).astype(np.int8)

    @classmethod
    def from_dict(cls, data: dict) -> Taxonomy:
        try:
            families = tuple(entry["family"] for entry in data["families"])
            descriptions = {entry["family"]: entry.get("description", "") for entry in data["families"]}
            genres = {str(genre): tuple(placed) for genre, placed in data["genres"].items()}
        except (KeyError, TypeError, AttributeError) as error:
            raise UserError(f"malformed taxonomy: {error!r}") from None
        return cls(families, genres, descriptions)


def default_taxonomy_path() -> Path:
    return Path(str(resources.files("lyricgenre") / TAXONOMY_FILE))


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The packaged taxonomy, or a taxonomy file in the same format."""
    path = Path(path) if path else default_taxonomy_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"{path}: cannot read the taxonomy ({error})") from None
    return Taxonomy.from_dict(data)
