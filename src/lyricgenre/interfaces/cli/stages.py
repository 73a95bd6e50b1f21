"""Commands of the pipeline stages: `data build`, `train`, `tune`, `refit`, `evaluate`, `export`.

Each unpacks its options into the stage's public function; the stages' imports stay inside the handlers, so
a runtime-only install can still list them (and running one says which extra to install)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lyricgenre.defaults import DATA_FOLDER, DATASET, RAW_DATA, SEED
from lyricgenre.errors import UserError
from lyricgenre.models.registry import ALIASES, KINDS


def _fractions(text: str) -> tuple[float, float, float]:
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected three numbers like 0.8,0.1,0.1, got {text!r}") from error
    if len(values) != 3:
        raise argparse.ArgumentTypeError(f"expected three numbers like 0.8,0.1,0.1, got {text!r}")
    return values  # type: ignore[return-value]


def _add_data_commands(subcommands: argparse._SubParsersAction) -> None:
    data = subcommands.add_parser("data", help="build the training dataset from the raw sources")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    build = data_commands.add_parser("build", help="merge, clean, label and split the raw sources")
    build.add_argument("--raw", type=Path, default=RAW_DATA, help="raw data folder")
    build.add_argument("--out", type=Path, default=DATA_FOLDER, help="output folder")
    build.add_argument(
        "--exclude-source",
        action="append",
        default=[],
        metavar="NAME",
        help="leave out a lyrics source (repeatable), e.g. kaggle-song-lyrics-21-artists",
    )
    build.add_argument("--min-words", type=int, default=20, help="drop lyrics shorter than this (words)")
    build.add_argument(
        "--min-genre-songs",
        type=int,
        default=None,
        metavar="N",
        help="derive the vocabulary by frequency (genres with >= N songs) instead of the seed 137",
    )
    build.add_argument("--split", type=_fractions, default=(0.8, 0.1, 0.1), metavar="TRAIN,VAL,TEST")
    build.add_argument("--seed", type=int, default=SEED)
    build.add_argument(
        "--max-eval-artist-songs",
        type=int,
        default=60,
        metavar="N",
        help="artists with more than N songs always go to train (0: no limit)",
    )
    build.add_argument("--genius-tags", action="store_true", help="add song-level Genius tags (column genius_tags)")
    build.set_defaults(handler=_run_data_build)


def _run_data_build(args: argparse.Namespace) -> None:
    from lyricgenre.data.build import BuildOptions, build_dataset

    card = build_dataset(
        BuildOptions(
            raw=args.raw,
            out=args.out,
            exclude_sources=tuple(args.exclude_source),
            min_words=args.min_words,
            min_genre_songs=args.min_genre_songs,
            fractions=args.split,
            seed=args.seed,
            genius_tags=args.genius_tags,
            max_eval_artist_songs=args.max_eval_artist_songs or None,
        )
    )
    splits = ", ".join(f"{name} {info['songs']}" for name, info in card["splits"].items())
    print(
        f"wrote {args.out}: {card['songs']} songs, {card['artists']} artists, "
        f"{card['genres_present']} genres present ({splits})"
    )


def _add_train_command(subcommands: argparse._SubParsersAction) -> None:
    train = subcommands.add_parser("train", help="train a genre model and tune its thresholds on validation")
    train.add_argument("--data", type=Path, default=DATASET)
    train.add_argument(
        "--model",
        required=True,
        choices=[*KINDS, *ALIASES],
        metavar="{" + ",".join(KINDS) + "}",
        help="model kind (docs/settings.md lists each kind's settings)",
    )
    train.add_argument("--out", type=Path, required=True, help="model folder to write, e.g. models/tfidf")
    train.add_argument(
        "--config", type=Path, help="JSON object of settings (docs/settings.md); an unknown key is an error"
    )
    train.set_defaults(handler=_run_train)


def _read_config(path: Path | None) -> dict:
    if path is None:
        return {}

    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UserError(f"{path}: cannot read the config ({error})") from error
    if not isinstance(config, dict):
        raise UserError(f"{path}: the config must be a JSON object")
    return config


def _run_train(args: argparse.Namespace) -> None:
    from lyricgenre.training import train_model

    result = train_model(args.data, args.model, args.out, _read_config(args.config))
    print(
        f"wrote {args.out}: {result['kind']} trained on {result['training']['train_songs']} songs in "
        f"{result['training']['seconds'] / 60:.1f} min; {_validation_summary(result)}"
    )


def _validation_summary(result: dict) -> str:
    """One line on what a trained or re-tuned model scores on validation, and under which rule."""
    metrics = result["validation_metrics"]
    return (
        f"validation F1 micro {metrics['f1_micro']:.4f}, macro {metrics['f1_macro']:.4f} "
        f"({result['thresholds']['strategy']} thresholds)"
    )


def _add_tune_command(subcommands: argparse._SubParsersAction) -> None:
    tune = subcommands.add_parser("tune", help="re-tune a trained model's decision rules on validation")
    tune.add_argument("--model", type=Path, required=True, help="trained model folder")
    tune.add_argument("--data", type=Path, help="dataset (default: the one the model was trained on)")
    tune.set_defaults(handler=_run_tune)


def _run_tune(args: argparse.Namespace) -> None:
    from lyricgenre.training import tune_model

    result = tune_model(args.model, args.data)
    print(f"rewrote {args.model}/model.json: {_validation_summary(result)}")


def _add_refit_command(subcommands: argparse._SubParsersAction) -> None:
    refit = subcommands.add_parser("refit", help="train a tuned model again on train + validation (final fit)")
    refit.add_argument("--model", type=Path, required=True, help="trained and tuned model folder")
    refit.add_argument("--out", type=Path, required=True, help="model folder to write, e.g. models/ensemble-refit")
    refit.add_argument("--data", type=Path, help="dataset (default: the one the model was trained on)")
    refit.set_defaults(handler=_run_refit)


def _run_refit(args: argparse.Namespace) -> None:
    from lyricgenre.training import refit_model

    result = refit_model(args.model, args.out, args.data)
    training = result["training"]
    print(
        f"wrote {args.out}: {result['kind']} refitted on {training['train_songs']} {training['train_split']} songs "
        f"in {training['seconds'] / 60:.1f} min; rules and weights kept from {args.model}"
    )


def _add_evaluate_command(subcommands: argparse._SubParsersAction) -> None:
    evaluate = subcommands.add_parser("evaluate", help="score trained models and write reports")
    evaluate.add_argument(
        "--model",
        type=Path,
        action="append",
        required=True,
        help="trained model folder, or an exported one, scored as shipped (repeat to compare models in one run)",
    )
    evaluate.add_argument("--data", type=Path, help="dataset (default: the one each model was trained on)")
    evaluate.add_argument("--split", default="test", help="split to score (default test)")
    evaluate.add_argument("--reports", type=Path, default=Path("reports"), help="where reports/NAME/ are written")
    evaluate.add_argument(
        "--random-split",
        action="store_true",
        help="also run the original design's leaky random song split (retrains each model)",
    )
    evaluate.add_argument(
        "--pool-artist",
        action="store_true",
        help="also score each model with its probabilities averaged over each artist's songs in the split",
    )
    evaluate.set_defaults(handler=_run_evaluate)


def _run_evaluate(args: argparse.Namespace) -> None:
    from lyricgenre.evaluation.run import evaluate_models, interval_text

    results = evaluate_models(
        args.model, args.data, args.split, args.reports, random_split=args.random_split, pool_artist=args.pool_artist
    )
    for name, result in results.items():
        s = result["summary"]
        print(
            f"{name:<32} {result['protocol']:<30} F1 micro {s['f1_micro']:.4f}  macro {s['f1_macro']:.4f}  "
            f"samples {s['f1_samples']:.4f}  -> {args.reports / name}/report.md"
        )
        d = result.get("paired_difference")
        if d and "not_compared" in d:
            print(f"{'':<32} not compared with {d['versus']}: {d['not_compared']}")
        elif d:
            for what, difference in (("", d), ("families ", d.get("families"))):
                if difference:
                    micro, macro = difference["f1_micro"], difference["f1_macro"]
                    print(
                        f"{'':<32} {what}minus {d['versus']}: micro {micro['difference']:+.4f} "
                        f"({interval_text(micro)}), macro {macro['difference']:+.4f} ({interval_text(macro)}); "
                        "95% intervals, artists resampled"
                    )


def _add_export_command(subcommands: argparse._SubParsersAction) -> None:
    export = subcommands.add_parser("export", help="export a trained model to ONNX int8 / numpy for the runtime")
    export.add_argument("--model", type=Path, required=True, help="trained model folder")
    export.add_argument("--out", type=Path, required=True, help="artifact folder to write")
    export.add_argument("--test-report", type=Path, help="metrics.json from `lyricgenre evaluate`, for the card")
    export.add_argument(
        "--check-data", type=Path, help="dataset whose test split checks int8 against fp32 (writes parity.json)"
    )
    export.set_defaults(handler=_run_export)


def _run_export(args: argparse.Namespace) -> None:
    from lyricgenre.export import export_model

    manifest = export_model(args.model, args.out, args.test_report)
    sizes = {p.name: p.stat().st_size / 1e6 for p in args.out.iterdir() if p.is_file()}
    shipped = sum(size for name, size in sizes.items() if name != "encoder.onnx")
    print(
        f"wrote {args.out}: {len(manifest.genres)} genres, {len(manifest.components)} component(s), "
        f"{shipped:.1f} MB without the fp32 encoder ({', '.join(f'{n} {s:.1f} MB' for n, s in sizes.items())})"
    )
    if args.check_data:
        from lyricgenre.evaluation.parity import check_parity

        parity = check_parity(args.out, args.check_data)
        (args.out / "parity.json").write_text(json.dumps(parity, indent=1) + "\n", encoding="utf-8")
        print(
            f"parity on {parity['songs']} test songs: F1 micro fp32 {parity['fp32']['f1_micro']:.4f} vs int8 "
            f"{parity['int8']['f1_micro']:.4f}; genre set changed for {parity['changed_genre_sets']:.1%} of songs"
        )


def add_commands(subcommands: argparse._SubParsersAction) -> None:
    """The pipeline stages: data build, train, tune, refit, evaluate, export (need the `[train]` extras)."""
    _add_data_commands(subcommands)
    _add_train_command(subcommands)
    _add_tune_command(subcommands)
    _add_refit_command(subcommands)
    _add_evaluate_command(subcommands)
    _add_export_command(subcommands)
