"""Typed settings: one dataclass per model kind (and one for training), each field with its documentation.

Configs arrive as JSON objects (`lyricgenre train --config`, `model.json`); `from_dict` turns one into
settings and refuses what it does not know, so a typo such as `"epoch": 5` is an error naming the
valid keys rather than a default silently used. `docs/settings.md` is generated from these classes.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from lyricgenre.errors import UserError


def setting(default: Any, doc: str) -> Any:
    """A documented field; a list default is copied for every instance."""
    if isinstance(default, list):
        return dataclasses.field(default_factory=lambda: list(default), metadata={"doc": doc})
    return dataclasses.field(default=default, metadata={"doc": doc})


@dataclasses.dataclass
class Settings:
    """Base of every settings class: strict construction from a dict, and its reference for the docs."""

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def from_dict(cls, values: dict | None, what: str = "settings"):
        """Settings from a JSON object; UserError on an unknown key or a value of the wrong type."""
        values = dict(values or {})
        unknown = sorted(set(values) - set(cls.names()))
        if unknown:
            raise UserError(
                f"unknown {what} key(s) {', '.join(map(repr, unknown))}; valid: {', '.join(cls.names()) or 'none'}"
            )
        hints = typing.get_type_hints(cls)
        for name, value in values.items():
            if not _matches(value, hints[name]):
                raise UserError(f"{what} {name!r} must be {_type_name(hints[name])}, got {value!r}")
        return cls(**values)

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


def _matches(value: Any, annotation: Any) -> bool:
    """Whether a JSON value fits a field's annotation (int for float too; bool is not a number here)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, arg) for arg in args)
    if origin is typing.Literal:
        return value in args
    if origin is list:
        return isinstance(value, list) and all(_matches(item, args[0]) for item in value) if args else True
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
    if origin is list:
        return f"a list of {_PLURALS.get(args[0], _type_name(args[0]))}" if args else "a list"
    if annotation is type(None):
        return "null"
    return {int: "an integer", float: "a number", bool: "true or false", str: "a string"}.get(
        annotation, str(annotation)
    )
