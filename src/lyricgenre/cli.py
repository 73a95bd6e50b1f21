"""The `lyricgenre` command line: one subcommand per pipeline stage and interface."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_BAD_INPUT = 2


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
        )
    )
    splits = ", ".join(f"{name} {info['songs']}" for name, info in card["splits"].items())
    print(
        f"wrote {args.out}: {card['songs']} songs, {card['artists']} artists, "
        f"{card['genres_present']} genres present ({splits})"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lyricgenre", description="Tag songs with genres from their lyrics.")
    subcommands = parser.add_subparsers(dest="command", required=True)
    _add_data_commands(subcommands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from lyricgenre.errors import UserError

    try:
        args.handler(args)
    except UserError as error:
        print(f"lyricgenre: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main())
