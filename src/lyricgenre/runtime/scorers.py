"""The runtime's component scorers, found by the `type` a manifest component has (one line per type).

A scorer is a class with `from_spec(folder, spec, threads, precision)` and `predict_proba(texts)`;
modules are imported on first use. A model kind whose export writes a new component type adds its
scorer here (`docs/extending.md`).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from lyricgenre.errors import UserError

# component type -> "module:class"
SCORERS: dict[str, str] = {
    "transformer": "lyricgenre.runtime.encoder:TransformerScorer",
    "tfidf": "lyricgenre.runtime.tfidf:TfidfScorer",
    "head": "lyricgenre.runtime.head:HeadScorer",  # an adapted model (`lyricgenre adapt`)
}
# Types written by earlier exports, so that their artifacts still load.
ALIASES: dict[str, str] = {"onnx_encoder": "transformer", "tfidf_linear": "tfidf"}


def component_type(spec: dict) -> str:
    """A manifest component's type under its current name (older exports use the aliases)."""
    return ALIASES.get(spec["type"], spec["type"])


def load_scorer(folder: Path, spec: dict, threads: int | None, precision: str):
    """The scorer of one manifest component, reading its files from the artifact `folder`."""
    kind = component_type(spec)
    if kind not in SCORERS:
        raise UserError(f"{folder}: unknown component type {spec['type']!r} (known: {', '.join(SCORERS)})")
    module, _, name = SCORERS[kind].partition(":")
    scorer = getattr(import_module(module), name)
    try:
        return scorer.from_spec(folder, spec, threads, precision)
    except UserError:
        raise
    except Exception as error:  # noqa: BLE001 (onnxruntime, tokenizers and numpy each raise their own on a damaged file)
        files = ", ".join(str(folder / spec[key]) for key in ("file", "tokenizer") if key in spec) or str(folder)
        problem = (str(error).splitlines() or [type(error).__name__])[0][:200]
        raise UserError(f"{files}: the model's {kind} component cannot be read ({problem})") from None
