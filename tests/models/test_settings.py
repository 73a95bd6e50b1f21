"""Typed settings: strict construction from JSON objects, and the reference the docs are generated from."""

from dataclasses import dataclass
from typing import Literal

import pytest

from lyricgenre.errors import UserError
from lyricgenre.settings import Settings, setting


@dataclass
class Example(Settings):
    rate: float = setting(0.1, "a number")
    steps: int = setting(3, "an integer")
    mode: Literal["a", "b"] = setting("a", "one of two")
    sizes: list[int] | None = setting([1, 2], "integers or null")
    flag: bool = setting(False, "true or false")


def test_defaults_and_values_of_the_right_type():
    assert Example.from_dict(None) == Example()
    assert Example.from_dict({"rate": 1, "sizes": None, "mode": "b"}) == Example(rate=1, sizes=None, mode="b")
    assert Example().sizes is not Example().sizes  # list defaults are not shared


@pytest.mark.parametrize(
    "values, message",
    [
        ({"rate": 1, "step": 2}, "unknown settings key(s) 'step'; valid: rate, steps, mode, sizes, flag"),
        ({"steps": 2.5}, "'steps' must be an integer, got 2.5"),
        ({"steps": True}, "'steps' must be an integer"),
        ({"rate": "fast"}, "'rate' must be a number"),
        ({"mode": "c"}, "'mode' must be 'a' or 'b'"),
        ({"sizes": [1, "x"]}, "'sizes' must be a list of integers or null"),
        ({"flag": "yes"}, "'flag' must be true or false"),
    ],
)
def test_wrong_keys_and_types_are_refused(values, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Example.from_dict(values)


def test_reference_documents_every_field():
    rows = Example.reference()
    assert [row["name"] for row in rows] == ["rate", "steps", "mode", "sizes", "flag"]
    assert rows[3] == {
        "name": "sizes",
        "type": "a list of integers or null",
        "default": [1, 2],
        "doc": "integers or null",
    }
