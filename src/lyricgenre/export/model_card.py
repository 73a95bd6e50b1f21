"""MODEL_CARD.md of an exported model: `model_card.template.md` beside this module, filled from the manifest."""

from __future__ import annotations

from importlib import resources
from string import Template

from lyricgenre.decision import MOST_GENRES
from lyricgenre.manifest import Manifest


def model_card(manifest: Manifest, test_metrics: dict | None) -> str:
    """What the model is, what it was trained on, what it is worth, and under which licences."""
    validation = manifest.validation_metrics or {}
    training = manifest.training or {}
    refit = (
        f" Trained again on train + validation (`lyricgenre refit` of `{training['refit_from']}`) after the "
        "decision rule and the weights were tuned on validation; they were kept, not re-tuned."
        if training.get("refit_from")
        else ""
    )
    metrics = [
        f"- validation (artist-disjoint{', the tuned model before the refit' if refit else ''}): "
        f"F1 micro {validation.get('f1_micro', float('nan')):.4f}, "
        f"macro {validation.get('f1_macro', float('nan')):.4f}",
        *(_test_lines(test_metrics) if test_metrics else []),
    ]
    template = Template((resources.files("lyricgenre.export") / "model_card.template.md").read_text(encoding="utf-8"))
    return template.substitute(
        name=manifest.name,
        components="\n".join(
            f"- `{c['type']}` (weight {c['weight']}): {c.get('description', '')}" for c in manifest.components
        ),
        train_songs=training.get("train_songs"),
        train_split=training.get("train_split", "train"),
        genres=len(manifest.genres),
        refit=refit,
        decision="\n".join(_decision_lines(manifest)),
        metrics="\n".join(metrics),
    )


def _decision_lines(manifest: Manifest) -> list[str]:
    thresholds, families = manifest.thresholds, manifest.families
    tuned = (
        f"`{thresholds['strategy']}` threshold rule (every rule tuned on the artist-disjoint validation split, the "
        f"default one chosen by cross-validation over its artists); global threshold {thresholds['global_threshold']}, "
        f"top-k {thresholds['top_k']}."
    )
    if not families:
        return [tuned]
    return [
        f"Families: {len(families['names'])} ({', '.join(families['names'])}), each scored from its genres' "
        f"probabilities by the aggregation chosen across validation artists (`{families['aggregation']}`; "
        "`max`: the most probable member, `members`/`all`: logistic fits) and decided by a rule tuned there, "
        + _family_rule_text(families)
        + "; every song gets at least one family.",
        f"Fine genres by default (`precise`): a genre only under a predicted family, probability at least "
        f"{families['fine_threshold']}, at most {families['max_genres']} per song — tuned on validation for "
        "micro-F1 among settings whose genres per song, at the top of a one-sided 95% interval over validation "
        f"artists, stay within what the songs have and within {MOST_GENRES}. `--threshold`/`--top-k` replace it "
        "with the plain rule below.",
        *(_pooled_lines(families["pooled"]) if families.get("pooled") else []),
        f"Plain rule: {tuned}",
    ]


def _family_rule_text(rule: dict) -> str:
    """A family rule (the single-song fields of `Families`, or `Families.pooled`) in words."""
    share = ""
    if rule.get("relative"):
        of = "over its threshold" if rule.get("relative_to") == "threshold" else "score"
        share = f", a family also needing {rule['relative']:g} of the song's best family {of}"
    return f"a `{rule['thresholds']['strategy']}` threshold rule{share}"


def _pooled_lines(pooled: dict) -> list[str]:
    own = pooled.get("fine_thresholds")
    fine = (
        f"fine genres each at least its own threshold ({min(own):g}–{max(own):g}, each genre's best on validation "
        f"shrunk toward {pooled['fine_threshold']} by its number of songs)"
        if own
        else f"fine genres at least {pooled['fine_threshold']}, at most {pooled['max_genres']} per song"
    )
    return [
        "Songs pooled by artist (`--pool-artist`, `tag`; two or more songs): a rule of their own, tuned on the "
        "validation songs pooled by artist — families by " + _family_rule_text(pooled) + f", {fine}."
    ]


def _test_lines(test_metrics: dict) -> list[str]:
    s = test_metrics["summary"]
    lines = [
        f"- test ({test_metrics['protocol']}, {test_metrics['songs']} songs), default rule: F1 micro "
        f"{s['f1_micro']:.4f}, macro {s['f1_macro']:.4f}, samples {s['f1_samples']:.4f}, precision "
        f"{s['precision_micro']:.4f}, {s['mean_predicted_genres']:.2f} genres per song (true "
        f"{s['mean_true_genres']:.2f}); expected calibration error {test_metrics['calibration']['ece']:.4f}"
    ]
    if "families" in test_metrics:
        f = test_metrics["families"]["summary"]
        lines.append(
            f"- test, families ({test_metrics['families']['families_present']} present): F1 micro {f['f1_micro']:.4f}, "
            f"macro {f['f1_macro']:.4f}, precision {f['precision_micro']:.4f}, recall {f['recall_micro']:.4f}"
        )
    never = sorted(g["genre"] for g in test_metrics["per_genre"] if g["support"] > 0 and g["f1"] == 0)
    present = sum(g["support"] > 0 for g in test_metrics["per_genre"])
    lines.append(f"- never right on test ({len(never)} of {present} genres present): {', '.join(never) or 'none'}")
    return lines
