"""`lyricgenre tag`: genres into a music library's audio file tags."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.interfaces.audio import AUDIO_SUFFIXES
from lyricgenre.interfaces.cli.hints import first_time
from lyricgenre.interfaces.cli.options import (
    add_decision_options,
    add_lyrics_options,
    check_decision_options,
    lyrics_settings,
    readable_lines,
    report_fetching,
    stop_cleanly_on,
)
from lyricgenre.interfaces.library.lrclib import DEFAULT_LYRICS_URL


def _add_tag_command(subcommands: argparse._SubParsersAction) -> None:
    from lyricgenre.interfaces.library.settings import choices

    tag = subcommands.add_parser(
        "tag",
        help="write predicted genres into a music library's audio file tags",
        description="Options not given here come from the config file (--config), else their defaults.",
    )
    tag.add_argument("input", type=Path, help=f"an audio file or a folder of them ({' '.join(AUDIO_SUFFIXES)})")
    tag.add_argument("--write", action="store_true", help="write the tags (default: a dry run that only reports)")
    tag.add_argument("--config", type=Path, help="TOML config file (default: ~/.config/lyricgenre/config.toml)")
    tag.add_argument(
        "--field", choices=choices("field"), help="LYRICGENRE, a field of its own (default), or the standard genre tag"
    )
    tag.add_argument(
        "--level",
        choices=choices("level"),
        help="write families, fine genres or both (default: both; genre with a model adapted to your labels)",
    )
    tag.add_argument(
        "--max-genres", type=int, metavar="N", help="most fine genres written (default: all; 1 with --field genre)"
    )
    tag.add_argument(
        "--max-families", type=int, metavar="N", help="most families written (default: all; 2 with --field genre)"
    )
    tag.add_argument("--separator", help="join the values into one, e.g. '; ' (default: a multi-value tag)")
    tag.add_argument(
        "--keep-existing", action="store_true", default=None, help="keep the file's values, add the new ones"
    )
    tag.add_argument(
        "--missing", action="store_true", help="only tag files whose field is empty (the others count in pooling)"
    )
    tag.add_argument(
        "--pool", choices=choices("pool"), help="tag each artist's or album's songs together (default: artist)"
    )
    tag.add_argument(
        "--no-fill",
        dest="fill",
        action="store_false",
        default=None,
        help="leave songs without lyrics alone (default: they get their artist's or album's pooled genres)",
    )
    tag.add_argument(
        "--case",
        choices=choices("case"),
        help="names as the model writes them (lower) or in title case (default: title with --field genre, else lower)",
    )
    tag.add_argument(
        "--follow-symlinks", action="store_true", help="also rewrite files that links point to outside the folder"
    )
    tag.add_argument(
        "--format", choices=["table", "jsonl"], help="report on standard output: a line a file or JSONL records"
    )
    add_decision_options(tag, "the same as --pool artist")
    add_lyrics_options(tag, "lyrics_url in the config file, else " + DEFAULT_LYRICS_URL)
    tag.add_argument(
        "--resume",
        action="store_true",
        help="go on with the --output report of a stopped run: the files it records are not tagged again",
    )
    tag.add_argument(
        "--save-lyrics", action="store_true", help="with --write, also write fetched lyrics into the files' lyrics tags"
    )
    tag.set_defaults(handler=_run_tag, text_column="lyrics")


def _run_tag(args: argparse.Namespace) -> None:
    from lyricgenre.interfaces.library.settings import load_tag_settings
    from lyricgenre.interfaces.library.tagger import tag_library
    from lyricgenre.runtime import GenreClassifier

    check_decision_options(args)
    settings = load_tag_settings(args.config).overlay(
        field=args.field,
        level=args.level,
        max_genres=args.max_genres,
        max_families=args.max_families,
        separator=args.separator,
        keep_existing=args.keep_existing,
        pool="artist" if args.pool_artist else args.pool,
        case=args.case,
        fill=args.fill,
    )
    lyrics = lyrics_settings(args, settings.lyrics_url)
    stop_cleanly_on(signal.SIGTERM, signal.SIGHUP)
    tagger = tag_library(
        args.input,
        GenreClassifier.load(args.model, threads=args.threads, fast=args.fast),
        settings,
        write=args.write,
        output=args.output,
        follow_symlinks=args.follow_symlinks,
        threshold=args.threshold,
        top_k=args.top_k,
        lines=readable_lines(args),
        lyrics=lyrics,
        save_lyrics=args.save_lyrics,
        missing=args.missing,
        resume=args.resume,
    )
    if tagger.fetcher:
        report_fetching(tagger.fetcher)
    if tagger.leftovers_removed:
        print(f"removed {len(tagger.leftovers_removed)} temporary copies an interrupted run had left", file=sys.stderr)
    print(tagger.summary(), file=sys.stderr)
    if tagger.counts["written"] and settings.field == "lyricgenre" and first_time("own-field"):
        print(OWN_FIELD_HINT, file=sys.stderr)
    problems = tagger.counts["not classified"] + tagger.counts["failed"]
    if problems:
        raise UserError(
            f"{problems} file(s) could not be classified or tagged; "
            "see their 'error' or 'tag_error' field in the output (those files are unchanged)"
        )


OWN_FIELD_HINT = (
    "lyricgenre: the genres went into the files' own LYRICGENRE tag, which most players do not show; "
    "--field genre writes the standard genre tag (lyricgenre restore REPORT undoes a run)"
)


def _add_restore_command(subcommands: argparse._SubParsersAction) -> None:
    restore = subcommands.add_parser(
        "restore",
        help="undo a `tag --write` run: put back the values its report records",
        description="Files whose genres something else changed since the run are left alone and listed.",
    )
    restore.add_argument("report", type=Path, help="the --output report of the `tag --write` run (.jsonl or .csv)")
    restore.add_argument("--write", action="store_true", help="write the old values (default: a dry run)")
    restore.set_defaults(handler=_run_restore)


def _run_restore(args: argparse.Namespace) -> None:
    from lyricgenre.interfaces.library.restore import restore_summary, run_restore

    stop_cleanly_on(signal.SIGTERM, signal.SIGHUP)
    counts = run_restore(args.report, args.write, print)
    print(restore_summary(counts), file=sys.stderr)
    if counts["missing"] + counts["failed"]:
        raise UserError(f"{counts['missing'] + counts['failed']} file(s) could not be restored (listed above)")


def add_commands(subcommands: argparse._SubParsersAction) -> None:
    _add_tag_command(subcommands)
    _add_restore_command(subcommands)
