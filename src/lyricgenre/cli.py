"""The `lyricgenre` command line: one subcommand per pipeline stage and interface."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

EXIT_BAD_INPUT = 2
# What only the dataset build, training, evaluation and export import (the `[train]` extras).
TRAINING_MODULES = {"pandas", "pyarrow", "sklearn", "matplotlib", "scipy", "joblib", "torch", "transformers", "onnx"}
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a command whose reader went away


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
    build.add_argument("--raw", type=Path, default=Path("../shared/data/raw"), help="raw data folder")
    build.add_argument("--out", type=Path, default=Path("data/build"), help="output folder")
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
    build.add_argument("--seed", type=int, default=13)
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
    train.add_argument("--data", type=Path, default=Path("data/build/songs.parquet"))
    train.add_argument("--model", required=True, choices=["baseline", "transformer", "ensemble"], help="model kind")
    train.add_argument("--out", type=Path, required=True, help="model folder to write, e.g. models/baseline")
    train.add_argument("--config", type=Path, help="JSON file of model settings (see README)")
    train.set_defaults(handler=_run_train)


def _read_config(path: Path | None) -> dict:
    if path is None:
        return {}
    from lyricgenre.errors import UserError

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
        f"wrote {args.out}: {args.model} trained on {result['training']['train_songs']} songs in "
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
            micro, macro = d["f1_micro"], d["f1_macro"]
            print(
                f"{'':<32} minus {d['versus']}: micro {micro['difference']:+.4f} ({interval_text(micro)}), "
                f"macro {macro['difference']:+.4f} ({interval_text(macro)}); 95% intervals, artists resampled"
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
        f"wrote {args.out}: {len(manifest['genres'])} genres, {len(manifest['components'])} component(s), "
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


def _add_decision_options(parser: argparse.ArgumentParser, pool_help: str) -> None:
    """Options shared by `predict` and `tag`: output, model, decision rule, threads, artist pooling."""
    parser.add_argument("--output", type=Path, help="write .jsonl or .csv here (default: JSONL on stdout)")
    parser.add_argument("--model", type=Path, help="exported model folder (default: the shipped model)")
    parser.add_argument("--top-k", type=int, help="keep at most K genres (with --threshold: both apply)")
    parser.add_argument("--threshold", type=float, help="global probability threshold instead of the tuned ones")
    parser.add_argument("--threads", type=int, help="inference threads (default: up to 4)")
    parser.add_argument("--pool-artist", action="store_true", help=pool_help)


MAX_THREADS = 256  # more than any CPU this runs on; onnxruntime would spend minutes starting them


def _check_threads(threads: int | None, option: str = "--threads") -> None:
    from lyricgenre.errors import UserError

    if threads is not None and not 1 <= threads <= MAX_THREADS:
        raise UserError(f"{option} must be between 1 and {MAX_THREADS}, got {threads}")


def _check_decision_options(args: argparse.Namespace) -> None:
    from lyricgenre.errors import UserError

    _check_threads(args.threads)
    if args.top_k is not None and args.top_k < 1:
        raise UserError(f"--top-k must be at least 1, got {args.top_k}")
    if args.threshold is not None and not 0 <= args.threshold <= 1:
        raise UserError(f"--threshold must be between 0 and 1, got {args.threshold}")


def _add_predict_command(subcommands: argparse._SubParsersAction) -> None:
    predict = subcommands.add_parser("predict", help="tag lyrics with genres")
    predict.add_argument("lyrics", nargs="?", help="the lyrics, or - to read them from standard input")
    predict.add_argument(
        "--input", type=Path, help=".csv, .jsonl, .txt or audio file, or a folder of .txt/.lrc/audio files"
    )
    predict.add_argument("--text-column", default="lyrics", help="lyrics column/field of a CSV or JSONL input")
    predict.add_argument(
        "--format",
        choices=["table", "json", "jsonl"],
        help="standard output: a table (one song) or a line a song (--input), the default on a terminal; json or "
        "jsonl: a JSON record a song, the default when piped",
    )
    _add_decision_options(
        predict, "tag the songs of each artist together (--input with an artist column, [ar:] or artist tags)"
    )
    predict.set_defaults(handler=_run_predict)


def _run_predict(args: argparse.Namespace) -> None:
    from lyricgenre.errors import UserError
    from lyricgenre.predict import predict_file, predict_one

    if args.lyrics is None and args.input is None and not sys.stdin.isatty():
        args.lyrics = "-"  # `cat song.txt | lyricgenre predict`
    if (args.lyrics is None) == (args.input is None):
        raise UserError("give either lyrics (or - for standard input) or --input FILE, not both or neither")
    if args.input is not None and args.format == "json":
        raise UserError("--format json is for one song; with --input use --format jsonl (or --output x.csv)")
    _check_decision_options(args)
    if args.pool_artist and args.input is None:
        raise UserError("--pool-artist pools the songs of an --input file or folder by artist; give --input")
    if args.input is not None:
        from lyricgenre.predict import FileOptions
        from lyricgenre.runtime import GenreClassifier

        options = FileOptions(
            text_column=args.text_column,
            threshold=args.threshold,
            top_k=args.top_k,
            pool="artist" if args.pool_artist else None,
            pool_required=args.pool_artist,
            readable=_readable(args),
        )
        classifier = GenreClassifier.load(args.model, threads=args.threads)
        failed = predict_file(args.input, args.output, classifier, options)
        if failed:
            raise UserError(f"{failed} row(s) could not be classified; see their 'error' field in the output")
        return
    predict_one(args)


def _add_tag_command(subcommands: argparse._SubParsersAction) -> None:
    from lyricgenre.tag_settings import CASES, FIELDS, LEVELS, POOLS

    tag = subcommands.add_parser(
        "tag",
        help="write predicted genres into a music library's audio file tags",
        description="Options not given here come from the config file (--config), else their defaults.",
    )
    tag.add_argument("input", type=Path, help="an audio file or a folder of them (.mp3 .flac .ogg .opus .m4a)")
    tag.add_argument("--write", action="store_true", help="write the tags (default: a dry run that only reports)")
    tag.add_argument("--config", type=Path, help="TOML config file (default: ~/.config/lyricgenre/config.toml)")
    tag.add_argument(
        "--field", choices=FIELDS, help="LYRICGENRE, a field of its own (default), or the standard genre tag"
    )
    tag.add_argument("--level", choices=LEVELS, help="write families, fine genres or both (default: both)")
    tag.add_argument(
        "--max-genres", type=int, metavar="N", help="most fine genres written (default: all; 2 with --field genre)"
    )
    tag.add_argument("--separator", help="join the values into one, e.g. '; ' (default: a multi-value tag)")
    tag.add_argument(
        "--keep-existing", action="store_true", default=None, help="keep the file's values, add the new ones"
    )
    tag.add_argument("--pool", choices=POOLS, help="tag each artist's or album's songs together (default: artist)")
    tag.add_argument("--case", choices=CASES, help="names as the model writes them (lower) or in title case")
    tag.add_argument(
        "--follow-symlinks", action="store_true", help="also rewrite files that links point to outside the folder"
    )
    tag.add_argument(
        "--format", choices=["table", "jsonl"], help="report on standard output: a line a file or JSONL records"
    )
    _add_decision_options(tag, "the same as --pool artist")
    tag.set_defaults(handler=_run_tag, text_column="lyrics")


def _readable(args: argparse.Namespace) -> bool:
    """A line a song for people on standard output: asked for, or the default on a terminal."""
    return args.output is None and (args.format == "table" or (args.format is None and sys.stdout.isatty()))


def _run_tag(args: argparse.Namespace) -> None:
    from lyricgenre.errors import UserError
    from lyricgenre.runtime import GenreClassifier
    from lyricgenre.tag_settings import load_tag_settings
    from lyricgenre.tagging import tag_library

    _check_decision_options(args)
    settings = load_tag_settings(args.config).overlay(
        field=args.field,
        level=args.level,
        max_genres=args.max_genres,
        separator=args.separator,
        keep_existing=args.keep_existing,
        pool="artist" if args.pool_artist else args.pool,
        case=args.case,
    )
    _stop_cleanly_on(signal.SIGTERM, signal.SIGHUP)
    tagger = tag_library(
        args.input,
        GenreClassifier.load(args.model, threads=args.threads),
        settings,
        write=args.write,
        output=args.output,
        follow_symlinks=args.follow_symlinks,
        threshold=args.threshold,
        top_k=args.top_k,
        readable=_readable(args),
    )
    if tagger.leftovers_removed:
        print(f"removed {len(tagger.leftovers_removed)} temporary copies an interrupted run had left", file=sys.stderr)
    print(tagger.summary(), file=sys.stderr)
    problems = tagger.counts["not classified"] + tagger.counts["failed"]
    if problems:
        raise UserError(
            f"{problems} file(s) could not be classified or tagged; "
            "see their 'error' or 'tag_error' field in the output (those files are unchanged)"
        )


def _add_genres_command(subcommands: argparse._SubParsersAction) -> None:
    genres = subcommands.add_parser("genres", help="list every genre with its families and training support")
    genres.add_argument("--format", choices=["table", "json"], default="table")
    genres.add_argument("--model", type=Path, help="exported model folder (default: the shipped model)")
    genres.set_defaults(handler=_run_genres)


def _run_genres(args: argparse.Namespace) -> None:
    from lyricgenre.catalog import catalog_table, genre_catalog
    from lyricgenre.runtime import GenreClassifier
    from lyricgenre.taxonomy import load_taxonomy

    entries = genre_catalog(GenreClassifier.load(args.model, threads=1), load_taxonomy())
    print(json.dumps(entries, ensure_ascii=False, indent=1) if args.format == "json" else catalog_table(entries))


def _stop_cleanly_on(*signals: signal.Signals) -> None:
    """Turn these signals into KeyboardInterrupt, so a file being rewritten drops its copy and the report is kept."""

    def interrupt(number, frame):
        raise KeyboardInterrupt(signal.Signals(number).name)

    for number in signals:
        signal.signal(number, interrupt)


def _add_serve_command(subcommands: argparse._SubParsersAction) -> None:
    serve = subcommands.add_parser("serve", help="web page and JSON HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--model", type=Path, help="exported model folder (default: the shipped model)")
    serve.add_argument("--threads", type=int, help="inference threads per request (default: 1)")
    serve.add_argument("--workers", type=int, help="requests classified at once (default: one per core)")
    serve.set_defaults(handler=_run_serve)


def _run_serve(args: argparse.Namespace) -> None:
    from lyricgenre.serving import serve

    _check_threads(args.threads)
    _check_threads(args.workers, "--workers")
    serve(args.host, args.port, args.model, args.threads, args.workers)


def build_parser() -> argparse.ArgumentParser:
    from lyricgenre import __version__

    parser = argparse.ArgumentParser(prog="lyricgenre", description="Tag songs with genres from their lyrics.")
    parser.add_argument("--version", action="version", version=f"lyricgenre {__version__}")
    subcommands = parser.add_subparsers(dest="command", required=True)
    _add_data_commands(subcommands)
    _add_train_command(subcommands)
    _add_tune_command(subcommands)
    _add_refit_command(subcommands)
    _add_evaluate_command(subcommands)
    _add_export_command(subcommands)
    _add_predict_command(subcommands)
    _add_tag_command(subcommands)
    _add_genres_command(subcommands)
    _add_serve_command(subcommands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from lyricgenre.errors import UserError

    try:
        args.handler(args)
    except ModuleNotFoundError as error:
        if error.name and error.name.split(".")[0] in TRAINING_MODULES:
            print(
                f"lyricgenre: error: `{args.command}` needs the training extras ({error.name} is not installed): "
                "pip install 'lyricgenre[train]'",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        raise
    except UserError as error:
        print(f"lyricgenre: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("lyricgenre: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of stdout went away (`lyricgenre predict … | head`): stop without a traceback. Python
        # flushes stdout again at exit, so point it at /dev/null first; the exit code says output was cut short.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return 0


if __name__ == "__main__":
    sys.exit(main())
