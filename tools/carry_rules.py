"""Carry a re-tuned train-only model's decision rules into the export of its refit, without refitting again.

`lyricgenre refit` keeps the rules tuned on validation by the train-only model; when the rules are tuned again
(new rule kinds, `lyricgenre tune`), the refit's export can take them over as a refit would, provided the tuned
model is the very one the refit started from. Training is seeded, so a train-only model trained again from the
same data and config reproduces it: checked here by its genre rule's validation scores, which must equal those
the export recorded before its refit to the last digit.

python tools/carry_rules.py --tuned models/ensemble --export src/lyricgenre/default_model [--test-report FILE]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.export.model_card import model_card
from lyricgenre.manifest import Manifest
from lyricgenre.models.base import read_description


def carried(manifest: Manifest, tuned: dict) -> Manifest:
    """`manifest` with the tuned model's rules; ValueError unless the tuned model is the refit's origin."""
    if tuned["genres"] != manifest.genres:
        raise ValueError("the tuned model's genres differ from the export's")
    before, now = manifest.validation_metrics or {}, tuned.get("validation_metrics") or {}
    if any(before.get(key) != now.get(key) for key in ("f1_micro", "f1_macro", "f1_samples")):
        raise ValueError(
            f"not the model the export was refitted from: validation F1 micro {now.get('f1_micro')} against the "
            f"export's {before.get('f1_micro')}"
        )
    return dataclasses.replace(
        manifest,
        thresholds=tuned["thresholds"],
        families=tuned["families"],
        validation_metrics=now,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tuned", type=Path, required=True, help="the train-only model folder, tuned again")
    parser.add_argument("--export", type=Path, required=True, help="the export of its refit (rewritten in place)")
    parser.add_argument("--test-report", type=Path, help="`lyricgenre evaluate`'s metrics.json for the model card")
    args = parser.parse_args(argv)
    try:
        manifest = carried(Manifest.read(args.export), read_description(args.tuned))
    except (ValueError, UserError) as error:
        print(f"carry_rules: {error}", file=sys.stderr)
        return 1
    manifest.write(args.export)
    report = json.loads(args.test_report.read_text(encoding="utf-8")) if args.test_report else None
    (args.export / "MODEL_CARD.md").write_text(model_card(manifest, report), encoding="utf-8")
    print(f"{args.export}: rules of {args.tuned} carried over")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
