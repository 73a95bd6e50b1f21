"""The artifact's `manifest.json`: the one contract between `lyricgenre export` (which writes it) and the
runtime (which reads it), as a typed record.

Its `format` number says how the rest is laid out. The runtime reads only the formats it knows, so a model
folder written by a newer lyricgenre is refused in one line naming its format instead of being misread.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from lyricgenre.errors import UserError

MANIFEST = "manifest.json"
FORMAT = 1  # the layout written now; the runtime reads READABLE_FORMATS
READABLE_FORMATS = (1,)
ADAPTED = "adapted"  # the kind of a model adapted to a user's labels: its genres are their words


@dataclass(frozen=True)
class Manifest:
    """What an exported model folder holds, beside the component files each entry of `components` names."""

    name: str  # the trained model folder's name
    kind: str  # the model kind (`lyricgenre.models.registry.KINDS`)
    genres: list[str]  # the vocabulary, in the order of every score vector
    thresholds: dict  # `lyricgenre.decision.Thresholds.to_dict()`: the global/per-genre rule
    components: list[dict]  # runtime components: {"type", "weight", files…}, scored by `runtime/scorers.py`
    families: dict | None = None  # `lyricgenre.decision.Families.to_dict()`; None for a vocabulary without them
    # An adapted model (kind ADAPTED) whose every label matched one of its base model's genres or families:
    # `lyricgenre.decision.LabelFamilies.to_dict()`.
    label_families: dict | None = None
    genre_support: dict | None = None  # {genre: {"songs": n, "artists": m}} in the training data
    validation_metrics: dict | None = None  # what training measured on validation (quoted by the model card)
    training: dict | None = None  # the training settings and data description (quoted by the model card)
    format: int = FORMAT

    def write(self, folder: Path) -> None:
        (Path(folder) / MANIFEST).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        return {"format": data.pop("format"), **data}

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """The manifest of the model folder `folder`; UserError naming the file for anything else."""
        path = Path(folder) / MANIFEST
        if not path.is_file():
            raise UserError(f"{folder}: not an exported lyricgenre model (no {MANIFEST})")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise UserError(f"{path}: not a valid lyricgenre manifest ({str(error).splitlines()[0][:200]})") from None
        if not isinstance(data, dict):
            raise UserError(f"{path}: not a valid lyricgenre manifest (not a JSON object)")
        required = [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING] + ["format"]
        missing = [name for name in required if name not in data]
        if missing:
            raise UserError(f"{path}: not a valid lyricgenre manifest (missing {', '.join(map(repr, missing))})")
        if data["format"] not in READABLE_FORMATS:
            readable = ", ".join(map(str, READABLE_FORMATS))
            raise UserError(
                f"{path}: model format {data['format']!r} is not one this lyricgenre reads (format {readable}); "
                "upgrade lyricgenre or export the model again"
            )
        known = {field.name for field in dataclasses.fields(cls)}
        manifest = cls(**{key: value for key, value in data.items() if key in known})
        if not isinstance(manifest.genres, list) or not isinstance(manifest.components, list):
            raise UserError(f"{path}: not a valid lyricgenre manifest (genres and components must be lists)")
        return manifest
