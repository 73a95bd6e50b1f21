"""Typed settings, the one mechanism for every group of options: a dataclass per model kind, one for training,
one for the tagger (`lyricgenre.interfaces.library.settings.TagSettings`), each field with its documentation.

Settings arrive as JSON objects (`lyricgenre train --config`, `model.json`) or TOML tables (the tagger's config
file); `from_dict` turns one into settings and refuses what it does not know, so a typo such as `"epoch": 5` is
an error naming the valid keys rather than a default silently used, and a value of the wrong type an error
naming the key. `docs/settings.md` is generated from these classes.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar

from lyricgenre.errors import UserError


def setting(default: Any, doc: str) -> Any:
    """A documented field; a list or table default is copied for every instance."""
    if isinstance(default, list | dict):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata={"doc": doc})
    return dataclasses.field(default=default, metadata={"doc": doc})


@dataclasses.dataclass
class Settings:
    """Base of every settings class: strict construction from a dict, and its reference for the docs."""

    what: ClassVar[str] = "settings"  # how errors name a key of this class: "settings 'steps' must be …"

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def from_dict(cls, values: dict | None, what: str | None = None):
        """Settings from a JSON object or TOML table; UserError on an unknown key or a value of the wrong type."""
        return cls(**cls._checked(values, what))

    def updated(self, values: dict | None, what: str | None = None):
        """These settings with `values` (from a JSON object or a TOML/YAML table) put over them, checked as
        `from_dict` checks them: how one source of settings overlays another."""
        return dataclasses.replace(self, **self._checked(values, what))

    @classmethod
    def _checked(cls, values: dict | None, what: str | None = None) -> dict:
        """`values` as arguments of `cls`; UserError on an unknown key or a value of the wrong type."""
        values, what = dict(values or {}), what or cls.what
        unknown = sorted(set(values) - set(cls.names()))
        if unknown:
            raise UserError(
                f"unknown {what} key(s) {', '.join(map(repr, unknown))}; valid: {', '.join(cls.names()) or 'none'}"
            )
        cls.check_types(values, what)
        hints = typing.get_type_hints(cls)
        return {name: _as_declared(value, hints[name]) for name, value in values.items()}

    @classmethod
    def check_types(cls, values: dict, what: str | None = None) -> None:
        """UserError naming the first of `values` that does not fit its field's type."""
        hints = typing.get_type_hints(cls)
        for name, value in values.items():
            if not _matches(value, hints[name]):
                raise UserError(f"{what or cls.what} {name!r} must be {_type_name(hints[name])}, got {value!r}")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def reference(cls) -> list[dict]:
        """Each field's name, type, default and documentation (what `docs/settings.md` shows)."""
        hints = typing.get_type_hints(cls)
        rows = []
        for f in dataclasses.fields(cls):
            default = f.default_factory() if f.default is dataclasses.MISSING else f.default
            rows.append(
                {"name": f.name, "type": _type_name(hints[f.name]), "default": default, "doc": f.metadata["doc"]}
            )
        return rows


def _as_declared(value: Any, annotation: Any) -> Any:
    """A JSON/TOML value in the container types its field declares: lists as tuples where a tuple is declared
    (a frozen record's), in tables too."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is tuple and isinstance(value, list):
        return tuple(_as_declared(item, args[0]) for item in value)
    if origin in (dict, Mapping) and isinstance(value, Mapping):
        return {key: _as_declared(item, args[1]) for key, item in value.items()}
    return value


def _matches(value: Any, annotation: Any) -> bool:
    """Whether a JSON value fits a field's annotation (int for float too; bool is not a number here)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, arg) for arg in args)
    if origin is typing.Literal:
        return value in args
    if origin in (list, tuple):  # a list of a JSON/TOML value, or the tuple a frozen setting holds
        return isinstance(value, list | tuple) and all(_matches(item, args[0]) for item in value) if args else True
    if origin in (dict, Mapping):
        return isinstance(value, Mapping) and all(
            _matches(key, args[0]) and _matches(item, args[1]) for key, item in value.items()
        )
    if annotation is type(None):
        return value is None
    if annotation is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, annotation)


_PLURALS = {int: "integers", float: "numbers", str: "strings", bool: "booleans"}


def _type_name(annotation: Any) -> str:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(arg) for arg in args)
    if origin is typing.Literal:
        return " or ".join(repr(arg) for arg in args)
    if origin in (list, tuple):
        return f"a list of {_plural(args[0])}"
    if origin in (dict, Mapping):
        return f"a table of {_plural(args[1])}"
    if annotation is type(None):
        return "null"
    return {int: "an integer", float: "a number", bool: "true or false", str: "a string"}.get(
        annotation, str(annotation)
    )


def _plural(annotation: Any) -> str:
    """ "integers", "lists of strings": what a list or table holds."""
    if typing.get_origin(annotation) in (list, tuple):
        return f"lists of {_plural(typing.get_args(annotation)[0])}"
    return _PLURALS.get(annotation, _type_name(annotation))
