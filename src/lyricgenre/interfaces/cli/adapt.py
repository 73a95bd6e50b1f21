"""`lyricgenre adapt`: learn the user's own genre labels from songs they already labelled (docs/adapt.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lyricgenre.errors import UsageError
from lyricgenre.interfaces.cli.options import add_lyrics_options, check_threads, lyrics_settings
from lyricgenre.interfaces.library.lrclib import DEFAULT_LYRICS_URL


def add_commands(subcommands: argparse._SubParsersAction) -> None:
    from lyricgenre.adapt import AdaptSettings
    from lyricgenre.interfaces.library.labelled import LabelOptions

    defaults, labels = AdaptSettings(), LabelOptions()
    adapt = subcommands.add_parser(
        "adapt",
        help="learn your own genre labels from songs you already labelled (a tagged music folder or a table)",
        description="The model it writes is used like any other: predict/tag/serve --model DIR.",
    )
    adapt.add_argument("source", type=Path, nargs="?", help="the same as --input")
    adapt.add_argument(
        "--input", type=Path, help="a music folder (labels from each file's genre tag) or a CSV/JSONL/Parquet table"
    )
    adapt.add_argument("--out", type=Path, required=True, help="the adapted model folder to write")
    adapt.add_argument("--model", type=Path, help="the model to adapt (default: the shipped model)")
    adapt.add_argument(
        "--label-column", default=labels.label_column, help=f"a table's label column (default: {labels.label_column})"
    )
    adapt.add_argument(
        "--text-column", default=labels.text_column, help=f"a table's lyrics column (default: {labels.text_column})"
    )
    adapt.add_argument(
        "--field",
        default=labels.tag_field,
        choices=["genre", "lyricgenre"],
        help=f"the audio files' tag of labels (default: {labels.tag_field})",
    )
    adapt.add_argument("--separator", help="split joined labels at this, e.g. '; ' (default: a value is one label)")
    adapt.add_argument("--config", type=Path, help="TOML config file whose aliases group spellings of a label")
    adapt.add_argument(
        "--min-songs", type=int, default=defaults.min_songs, help=f"fewest songs a label needs ({defaults.min_songs})"
    )
    adapt.add_argument(
        "--min-artists",
        type=int,
        default=defaults.min_artists,
        help=f"fewest artists a label needs ({defaults.min_artists})",
    )
    adapt.add_argument(
        "--folds", type=int, default=defaults.folds, help=f"cross-validation folds, by artist ({defaults.folds})"
    )
    adapt.add_argument("--threads", type=int, help="inference threads (default: up to 4)")
    add_lyrics_options(adapt, DEFAULT_LYRICS_URL)
    adapt.set_defaults(handler=_run_adapt, command_parser=adapt)


def _run_adapt(args: argparse.Namespace) -> None:
    from lyricgenre.adapt import AdaptSettings, adapt, write_adapted
    from lyricgenre.interfaces.library.labelled import LabelOptions, read_labelled
    from lyricgenre.interfaces.library.settings import load_tag_settings
    from lyricgenre.interfaces.progress import ProgressBar
    from lyricgenre.runtime import GenreClassifier

    source = _source(args)
    check_threads(args.threads)
    for option in ("min_songs", "min_artists", "folds"):
        if getattr(args, option) < (2 if option == "folds" else 1):
            raise UsageError(f"--{option.replace('_', '-')} must be at least {2 if option == 'folds' else 1}")
    settings = AdaptSettings(min_songs=args.min_songs, min_artists=args.min_artists, folds=args.folds)
    aliases = load_tag_settings(args.config).aliases
    options = LabelOptions(args.label_column, args.field, args.separator, aliases, args.text_column)
    labelled = read_labelled(source, options, lyrics_settings(args, DEFAULT_LYRICS_URL))
    print(f"read {labelled.summary()} from {source}", file=sys.stderr)
    base = GenreClassifier.load(args.model, threads=args.threads)
    with ProgressBar(None) as progress:

        def counted(songs: int, total: int) -> None:
            progress.total = total
            progress.update(songs)
            if progress.done >= total:  # every song scored: what follows takes seconds to a minute, silently
                progress.finish()
                print(f"choosing the head by {settings.folds}-fold cross-validation over artists…", file=sys.stderr)

        adapted = adapt(labelled.songs, base, settings, counted)
    write_adapted(args.out, base, adapted, settings, source=str(source))
    print(adapted.report.markdown(), end="")
    print(f"wrote the adapted model to {args.out}: use it with --model {args.out}", file=sys.stderr)


def _source(args: argparse.Namespace) -> Path:
    if args.source and args.input and args.source != args.input:
        raise UsageError("give the songs once: as SOURCE or as --input")
    source = args.source or args.input
    if source is None:
        raise UsageError("give the labelled songs: a music folder or a CSV/JSONL/Parquet table (SOURCE or --input)")
    return source
