"""`lyricgenre predict` (one song, a file or a folder) and `lyricgenre genres`."""

from __future__ import annotations

import argparse
import codecs
import json
import signal
import sys
from pathlib import Path

from lyricgenre.errors import UsageError, UserError
from lyricgenre.interfaces.cli.options import (
    add_decision_options,
    add_lyrics_options,
    check_decision_options,
    check_threads,
    lyrics_settings,
    readable_lines,
    report_fetching,
    stop_cleanly_on,
)
from lyricgenre.interfaces.library.lrclib import DEFAULT_LYRICS_URL
from lyricgenre.interfaces.songs.files import LYRICS_FILE_READ_CHARS
from lyricgenre.interfaces.songs.readers import input_formats_help
from lyricgenre.interfaces.songs.writers import writes_utf8


def _add_predict_command(subcommands: argparse._SubParsersAction) -> None:
    predict = subcommands.add_parser("predict", help="tag lyrics with genres")
    predict.add_argument("lyrics", nargs="?", help="the lyrics, or - to read them from standard input")
    predict.add_argument("--input", type=Path, help=input_formats_help())
    predict.add_argument("--text-column", default="lyrics", help="lyrics column/field of a CSV or JSONL input")
    predict.add_argument(
        "--format",
        choices=["table", "json", "jsonl"],
        help="standard output: for one song a table (the default) or json; for --input a line a song (table, the "
        "default on a terminal) or jsonl (a JSON record a song, the default when piped)",
    )
    add_decision_options(
        predict, "tag the songs of each artist together (--input with an artist column, [ar:] or artist tags)"
    )
    predict.add_argument(
        "--resume",
        action="store_true",
        help="go on with an --output an earlier run was stopped writing: only the rows it lacks are classified",
    )
    predict.add_argument(
        "--explain",
        action="store_true",
        help="add the lines behind each predicted family and genre (`explanations`; about 10x the time)",
    )
    add_lyrics_options(predict, DEFAULT_LYRICS_URL)
    predict.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help="local: this process (default); ray: Ray Data actors over a Parquet --input ('lyricgenre[ray]')",
    )
    predict.add_argument("--workers", type=int, default=2, help="--engine ray: actors, one core each (default 2)")
    predict.add_argument(
        "--address", help="--engine ray: a running cluster (ray://HOST:10001); default: start one here"
    )
    predict.add_argument("--batch-size", type=int, default=64, help="--engine ray: songs per actor call (default 64)")
    predict.set_defaults(handler=_run_predict, command_parser=predict)


def _run_predict(args: argparse.Namespace) -> None:
    from lyricgenre.interfaces.batch import predict_file

    if args.lyrics is None and args.input is None and not sys.stdin.isatty():
        args.lyrics = "-"  # `cat song.txt | lyricgenre predict`
    if args.lyrics is None and args.input is None:
        raise UsageError("give the lyrics, - to read them from standard input, or --input FILE")
    if args.lyrics is not None and args.input is not None:
        raise UserError("give either lyrics (or - for standard input) or --input FILE, not both")
    if args.input is not None and args.format == "json":
        raise UserError("--format json is for one song; with --input use --format jsonl (or --output x.csv)")
    check_decision_options(args)
    if args.pool_artist and args.input is None:
        raise UserError("--pool-artist pools the songs of an --input file or folder by artist; give --input")
    if args.resume and (args.input is None or args.output is None):
        raise UserError("--resume goes on with the --output of an --input run; give both")
    if args.fetch_lyrics and args.input is None:
        raise UserError("--fetch-lyrics looks up the audio files of --input; give --input")
    lyrics = lyrics_settings(args, DEFAULT_LYRICS_URL)
    stop_cleanly_on(signal.SIGTERM, signal.SIGHUP)  # an --output's temporary is removed, not left behind
    if args.engine == "ray":
        _run_on_ray(args, lyrics)
        return
    if args.input is not None:
        from lyricgenre.interfaces.batch import FileOptions
        from lyricgenre.interfaces.library.lyrics_fetch import LyricsFetcher
        from lyricgenre.runtime import GenreClassifier

        options = FileOptions(
            text_column=args.text_column,
            threshold=args.threshold,
            top_k=args.top_k,
            pool="artist" if args.pool_artist else None,
            pool_required=args.pool_artist,
            explain=args.explain,
        )
        classifier = GenreClassifier.load(args.model, threads=args.threads, fast=args.fast)
        fetcher = LyricsFetcher(lyrics) if lyrics else None
        try:
            failed = predict_file(
                args.input, args.output, classifier, options, fetcher, readable_lines(args), resume=args.resume
            )
        finally:
            if fetcher:
                fetcher.close()
        if fetcher:
            report_fetching(fetcher)
        _report_failures(failed, args.output)
        return
    _predict_one(args)


def _add_genres_command(subcommands: argparse._SubParsersAction) -> None:
    genres = subcommands.add_parser("genres", help="list every genre with its families and training support")
    genres.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help="a table for people (default) or JSON for a program",
    )
    genres.add_argument("--model", type=Path, help="exported model folder (default: the shipped model)")
    genres.set_defaults(handler=_run_genres)


def _run_genres(args: argparse.Namespace) -> None:
    from lyricgenre.interfaces.catalog import catalog_table, genre_catalog
    from lyricgenre.runtime import GenreClassifier
    from lyricgenre.taxonomy import load_taxonomy

    entries = genre_catalog(GenreClassifier.load(args.model, threads=1), load_taxonomy())
    print(json.dumps(entries, ensure_ascii=False, indent=1) if args.format == "json" else catalog_table(entries))


def add_commands(subcommands: argparse._SubParsersAction) -> None:
    _add_predict_command(subcommands)
    _add_genres_command(subcommands)


BAR_WIDTH = 24


def _predict_one(args: argparse.Namespace) -> None:
    """One song: a table for people, one JSON record, or a record written to --output."""
    from lyricgenre.interfaces.songs import RecordWriter
    from lyricgenre.runtime import GenreClassifier

    text = _read_single(args.lyrics)
    if not text.strip():
        raise UserError("the lyrics are empty")
    classifier = GenreClassifier.load(args.model, threads=args.threads, fast=args.fast)
    (prediction,) = classifier.classify([text], args.threshold, args.top_k, explain=args.explain)
    if prediction.error:
        raise UserError(prediction.error)
    if args.output:  # one record, as `--input` writes them (JSONL or CSV)
        if args.format:
            raise UserError("--format is for standard output; --output writes a JSONL or CSV record")
        with RecordWriter(args.output, sys.stdout) as writer:
            writer.write({"row": 1, **prediction.to_record()})
        return
    if args.format in ("json", "jsonl"):
        print(json.dumps(prediction.to_record(), ensure_ascii=False))
        return
    families, ranked = prediction.ranked_families, prediction.ranked_genres
    # The lines go under the families; under the genres for a model without families or one adapted to your
    # labels (your labels are what you asked about).
    lines_under_genres = not families or classifier.adapted
    if families:
        shown = [item for item in families if item[2]] + [item for item in families if not item[2]][:2]
        family_lines = prediction.explanation.families if prediction.explanation and not lines_under_genres else {}
        _print_table("family", shown, family_lines)
        print()
    genre_lines = prediction.explanation.genres if prediction.explanation and lines_under_genres else None
    _print_table(
        "genre", [item for item in ranked if item[2]] + [item for item in ranked if not item[2]][:5], genre_lines
    )
    if not prediction.genres:
        print("(no genre passes the threshold; the closest are shown)")
    for note in prediction.notes:
        print(f"note: {note}")


SHOWN_LINES = 2  # explaining lines under each predicted family (or genre: no families, or an adapted model)
LINE_WIDTH = 60  # characters of such a line shown


def _print_table(heading: str, shown: list[tuple[str, float, bool]], lines: dict | None = None) -> None:
    """Names with scores as bars; under each, its strongest explaining lines when `lines` has them."""
    from lyricgenre.runtime import WHOLE_SONG

    print(f"{heading:<28} {'score':>5}")
    block = "█" if writes_utf8(sys.stdout) else "#"
    for name, probability, predicted in shown:
        bar = block * round(probability * BAR_WIDTH)
        print(f"{name:<28} {probability:5.2f} {bar:<{BAR_WIDTH}} {'predicted' if predicted else ''}".rstrip())
        if lines is not None and name in lines and not lines[name]:
            print(f"    {WHOLE_SONG}")
        for effect in (lines or {}).get(name, [])[:SHOWN_LINES]:
            text = effect.text if len(effect.text) <= LINE_WIDTH else effect.text[: LINE_WIDTH - 1] + "…"
            print(f'    line {effect.line:>3}: "{text}" (-{effect.effect:.3f} without it)')


def _read_single(lyrics: str) -> str:
    """The lyrics given, or standard input's for "-" (decoded as UTF-8 whatever the locale says)."""
    if lyrics != "-":
        return lyrics
    if not hasattr(sys.stdin, "buffer"):
        return sys.stdin.read(LYRICS_FILE_READ_CHARS)
    limit = 4 * LYRICS_FILE_READ_CHARS  # bytes: a huge stream is not read whole (the cut is noted)
    data = sys.stdin.buffer.read(limit + 1)
    try:
        # Cut short, the last character may be incomplete: the decoder then leaves it out.
        return codecs.getincrementaldecoder("utf-8")().decode(data[:limit], final=len(data) <= limit)
    except UnicodeDecodeError as error:
        raise UserError(f"standard input is not UTF-8 text ({error.reason} at byte {error.start})") from None


def _run_on_ray(args: argparse.Namespace, lyrics) -> None:
    """`--engine ray`: refuse what it does not do, then run the Parquet file through Ray Data."""
    from lyricgenre.interfaces.ray_engine import predict_parquet

    if args.input is None:
        raise UserError("--engine ray classifies an --input Parquet file; give --input")
    if args.pool_artist:
        raise UserError(
            "--pool-artist needs each artist's songs together, which --engine ray does not do; run it locally"
        )
    if lyrics:
        raise UserError("--fetch-lyrics reads audio files; --engine ray reads a Parquet file")
    if args.explain:
        raise UserError("--explain runs with the local engine; leave out --engine ray")
    check_threads(args.workers, "--workers")
    if args.batch_size < 1:
        raise UserError(f"--batch-size must be at least 1, got {args.batch_size}")
    failed = predict_parquet(
        args.input,
        args.output,
        str(args.model) if args.model else None,
        text_column=args.text_column,
        workers=args.workers,
        batch_size=args.batch_size,
        address=args.address,
        threshold=args.threshold,
        top_k=args.top_k,
        lines=readable_lines(args),
        resume=args.resume,
        fast=args.fast,
    )
    _report_failures(failed, args.output)


def _report_failures(failed: int, output: Path | None) -> None:
    """Exit code 2 and one line when rows could not be classified (their records say why)."""
    if failed:
        where = f"their 'error' field in {output} says why" if output else "their records above say why"
        raise UserError(f"{failed} row(s) could not be classified; {where}")
