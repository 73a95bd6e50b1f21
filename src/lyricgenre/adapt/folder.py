"""An adapted model as a model folder like any other: `manifest.json` (the user's labels as its genres, one
`head` component), `head.npz`, a copy of the base model folder it was learnt on (`base/`, so the folder keeps
working whatever lyricgenre ships next) and `MODEL_CARD.md` with the cross-validated report."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

from lyricgenre.adapt.learn import Adapted, AdaptSettings
from lyricgenre.decision import LabelFamilies, Thresholds
from lyricgenre.errors import UserError, check_output_folder
from lyricgenre.manifest import ADAPTED, MANIFEST, Manifest

HEAD_FILE = "head.npz"
BASE_FOLDER = "base"
CARD = "MODEL_CARD.md"


def write_adapted(out: Path, base, adapted: Adapted, settings: AdaptSettings, source: str) -> Manifest:
    """Write the adapted model folder `out` (new, or an earlier adapted model's, which is replaced whole);
    `base` is the GenreClassifier it was learnt on and `source` says what it learnt from (for the card)."""
    out = Path(out)
    check_output_folder(out, MANIFEST, "adapted model")
    if (out / MANIFEST).is_file() and Manifest.read(out).kind != ADAPTED:
        raise UserError(f"{out}: holds a model that is not an adapted one; give a new folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        shutil.copytree(base.folder, staging / BASE_FOLDER, ignore=shutil.ignore_patterns(CARD))
        adapted.head.save(staging / HEAD_FILE)
        manifest = adapted_manifest(out.name, base, adapted, settings, source)
        manifest.write(staging)
        (staging / CARD).write_text(model_card(manifest, adapted, source), encoding="utf-8")
        earlier = out.with_name(f".{out.name}.earlier") if out.exists() else None
        if earlier:  # the earlier model stays whole until the new one is in its place
            shutil.rmtree(earlier, ignore_errors=True)
            out.rename(earlier)
        staging.rename(out)
        if earlier:
            shutil.rmtree(earlier, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def adapted_manifest(name: str, base, adapted: Adapted, settings: AdaptSettings, source: str) -> Manifest:
    labels, cut = adapted.labels, adapted.threshold
    rule = Thresholds(
        strategy="top_k" if cut is None else "global",
        global_threshold=cut if cut is not None else 0.5,
        per_genre=[cut if cut is not None else 0.5] * len(labels),
        top_k=1,
    )
    support = {score.label: {"songs": score.songs, "artists": score.artists} for score in adapted.report.labels}
    head = {
        "type": "head",
        "weight": 1.0,
        "description": f"a head learnt on the user's labels over {base.manifest.name} (in {BASE_FOLDER}/)",
        "file": HEAD_FILE,
        "base": BASE_FOLDER,
    }
    return Manifest(
        name=name,
        kind=ADAPTED,
        genres=list(labels),
        thresholds=rule.to_dict(),
        components=[head],
        genre_support=support,
        label_families=families.to_dict() if (families := label_families(base, adapted)) else None,
        validation_metrics=adapted.report.to_dict(),
        training={"base": base.manifest.name, "source": source, "settings": asdict(settings)},
    )


def label_families(base, adapted: Adapted) -> LabelFamilies | None:
    """Each label under the base model's families of the genre or family its name matched, when every label
    matched one (a label of the user's own, such as "Dad Rock", has no family of ours: then the model has none)."""
    placed_by_name = dict(base.genre_families)
    placed_by_name.update({family: [family] for family in base.family_names})
    matched = dict(adapted.report.matched)
    placed = [list(placed_by_name.get(matched.get(label), ())) for label in adapted.labels]
    if not all(placed):
        return None
    return LabelFamilies([f for f in base.family_names if any(f in p for p in placed)], placed)


def model_card(manifest: Manifest, adapted: Adapted, source: str) -> str:
    answers = "one label per song" if adapted.threshold is None else f"every label above {adapted.threshold}"
    return (
        f"# {manifest.name}: lyricgenre adapted to your labels\n\n"
        f"Learnt by `lyricgenre adapt` from {source}, over the model `{manifest.training['base']}`. It answers in "
        f"these {len(manifest.genres)} labels ({answers}): {', '.join(manifest.genres)}. "
        + _families_text(manifest, adapted)
        + "\n\n"
        + adapted.report.markdown()
    )


def _families_text(manifest: Manifest, adapted: Adapted) -> str:
    """Which of the base model's families the records carry (`tag` writes the labels only either way)."""
    if not manifest.label_families:
        matched = dict(adapted.report.matched)
        own = ", ".join(label for label in adapted.labels if label not in matched)
        return f"Its records carry no families: {own} matched none of the base model's genres or families by name."
    placed = LabelFamilies.from_dict(manifest.label_families).genre_families
    pairs = "; ".join(f"{label} → {', '.join(families)}" for label, families in zip(manifest.genres, placed))
    return f"Its records carry the base model's families of the names your labels matched: {pairs}."
