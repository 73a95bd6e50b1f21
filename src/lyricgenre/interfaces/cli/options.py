"""Options and checks shared by the commands that classify (`predict`, `tag`, `serve`)."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.interfaces.songs.writers import output_formats_help


def add_decision_options(parser: argparse.ArgumentParser, pool_help: str) -> None:
    """Options shared by `predict` and `tag`: output, model, decision rule, threads, artist pooling."""
    parser.add_argument("--output", type=Path, help=output_formats_help())
    parser.add_argument("--model", type=Path, help="exported model folder (default: the shipped model)")
    parser.add_argument("--top-k", type=int, help="keep at most K genres (with --threshold: both apply)")
    parser.add_argument("--threshold", type=float, help="global probability threshold instead of the tuned ones")
    parser.add_argument("--threads", type=int, help="inference threads (default: up to 4)")
    parser.add_argument(
        "--fast",
        action="store_true",
        help="read the first 128 tokens of each song: about twice as fast, a little less accurate",
    )
    parser.add_argument("--pool-artist", action="store_true", help=pool_help)


MAX_THREADS = 256  # more than any CPU this runs on; onnxruntime would spend minutes starting them


def check_threads(threads: int | None, option: str = "--threads") -> None:
    if threads is not None and not 1 <= threads <= MAX_THREADS:
        raise UserError(f"{option} must be between 1 and {MAX_THREADS}, got {threads}")


def check_decision_options(args: argparse.Namespace) -> None:
    check_threads(args.threads)
    if args.top_k is not None and args.top_k < 1:
        raise UserError(f"--top-k must be at least 1, got {args.top_k}")
    if args.threshold is not None and not 0 <= args.threshold <= 1:
        raise UserError(f"--threshold must be between 0 and 1, got {args.threshold}")


def readable_lines(args: argparse.Namespace):
    """`readable_line` when standard output gets a line a song for people (asked for, or the default on a
    terminal), else None (JSON records, or an --output file)."""
    from lyricgenre.interfaces.cli.lines import readable_line

    wanted = args.output is None and (args.format == "table" or (args.format is None and sys.stdout.isatty()))
    return readable_line if wanted else None


def add_lyrics_options(parser: argparse.ArgumentParser, url_default: str) -> None:
    """Options shared by `predict --input` and `tag`: lyrics fetched for audio files that have none."""
    parser.add_argument(
        "--fetch-lyrics", action="store_true", help="ask a lyrics server (LRCLIB) for audio files without lyrics"
    )
    parser.add_argument("--lyrics-url", metavar="URL", help=f"an LRCLIB-compatible server (default: {url_default})")
    parser.add_argument(
        "--refresh-lyrics", action="store_true", help="ask the server again even for songs the lyrics cache knows"
    )


def lyrics_settings(args: argparse.Namespace, url: str):
    """The `LyricsSettings` the options ask for, or None without --fetch-lyrics."""
    from lyricgenre.interfaces.library.lrclib import LyricsSettings

    if not args.fetch_lyrics:
        for option in ("lyrics_url", "refresh_lyrics", "save_lyrics"):
            if getattr(args, option, None):
                raise UserError(f"--{option.replace('_', '-')} goes with --fetch-lyrics")
        return None
    return LyricsSettings(url=args.lyrics_url or url, refresh=args.refresh_lyrics)


def report_fetching(fetcher) -> None:
    """The fetcher's counts on stderr, and why the server could not be reached if it could not."""
    print(fetcher.summary(), file=sys.stderr)
    if fetcher.client.unreachable:
        print(f"lyricgenre: {fetcher.client.unreachable}; files that had lyrics were still classified", file=sys.stderr)


def stop_cleanly_on(*signals: signal.Signals) -> None:
    """Turn these signals into KeyboardInterrupt, so a file being rewritten drops its copy, an output its
    temporary, and a report is kept."""

    def interrupt(number, frame):
        raise KeyboardInterrupt(signal.Signals(number).name)

    for number in signals:
        signal.signal(number, interrupt)
