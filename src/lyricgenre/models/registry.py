"""The model kinds: each is one module with a `GenreModel` subclass, registered here by one line.

Kinds are imported only when used, so the TF-IDF kind never needs torch. The CLI's choices, model
loading and export all come from this table; `docs/extending.md` shows how to add a kind.
"""

from __future__ import annotations

from importlib import import_module

from lyricgenre.errors import UserError

# name -> "module:class"
KINDS: dict[str, str] = {
    "tfidf": "lyricgenre.models.tfidf:TfidfModel",
    "transformer": "lyricgenre.models.transformer:TransformerModel",
    "ensemble": "lyricgenre.models.ensemble:EnsembleModel",
}
# Names used by earlier versions, so that their model folders and configs still load.
ALIASES: dict[str, str] = {"baseline": "tfidf"}


def canonical_kind(kind: str) -> str:
    """The registered name of a kind or of one of its aliases; UserError naming the kinds otherwise."""
    name = ALIASES.get(kind, kind)
    if name not in KINDS:
        raise UserError(f"unknown model kind {kind!r}; choose {', '.join(KINDS)}")
    return name


def model_class(kind: str):
    """The `GenreModel` subclass of a kind (or alias), imported on first use."""
    module, _, attribute = KINDS[canonical_kind(kind)].partition(":")
    return getattr(import_module(module), attribute)
