"""The `lyricgenre` command line: one module per command group; each command unpacks its options into the
public function of a stage or of `lyricgenre.interfaces`, and every error reaches the user as one line."""

from __future__ import annotations

import argparse
import os
import sys

from lyricgenre.errors import interrupted, report_interrupted
from lyricgenre.interfaces.cli import adapt, predict, serve, stages, tag

EXIT_BAD_INPUT = 2
# What only the dataset build, training, evaluation and export import (the `[train]` extras).
TRAINING_MODULES = {"pandas", "pyarrow", "sklearn", "matplotlib", "scipy", "joblib", "torch", "transformers", "onnx"}
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a command whose reader went away
EXIT_BUG = 70  # EX_SOFTWARE: an error the program did not foresee
DEBUG_VARIABLE = "LYRICGENRE_DEBUG"  # set: such an error shows its traceback


COMMAND_GROUPS = (stages, predict, tag, adapt, serve)  # in the order `lyricgenre --help` lists them


def build_parser() -> argparse.ArgumentParser:
    from lyricgenre import __version__

    parser = argparse.ArgumentParser(prog="lyricgenre", description="Tag songs with genres from their lyrics.")
    parser.add_argument("--version", action="version", version=f"lyricgenre {__version__}")
    subcommands = parser.add_subparsers(dest="command", required=True)
    for group in COMMAND_GROUPS:
        group.add_commands(subcommands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from lyricgenre.errors import UsageError, UserError
    from lyricgenre.interfaces.songs.writers import writes_utf8

    if not writes_utf8(sys.stdout) and hasattr(sys.stdout, "reconfigure"):
        # A console or redirect that is not UTF-8: what it cannot show is escaped rather than a crash.
        sys.stdout.reconfigure(errors="backslashreplace")

    try:
        args.handler(args)
    except ModuleNotFoundError as error:
        missing = error.name or "a module it needs"
        if missing.split(".")[0] in TRAINING_MODULES:
            extra = "pip install 'lyricgenre[train]'"
            need = f"`{args.command}` needs the training extras ({missing} is not installed): {extra}"
        else:  # a runtime dependency gone from the environment
            need = f"{missing} is not installed; reinstall: pip install --force-reinstall lyricgenre"
        print(f"lyricgenre: error: {need}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UserError as error:
        if isinstance(error, UsageError) and hasattr(args, "command_parser"):
            print(args.command_parser.format_usage(), end="", file=sys.stderr)
        print(f"lyricgenre: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return report_interrupted()
    except BrokenPipeError:
        # The reader of stdout went away (`lyricgenre predict … | head`): stop without a traceback. Python
        # flushes stdout again at exit, so point it at /dev/null first; the exit code says output was cut short.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as error:
        if interrupted(error):  # a Ctrl-C that interrupted a late import (`lyricgenre.errors.on_ctrl_c`)
            return report_interrupted()
        if os.environ.get(DEBUG_VARIABLE):
            raise
        # A bug, not bad input: one line that says so, and how to see more (files are left as the code leaves them).
        what = (str(error).splitlines() or [""])[0][:200]
        print(
            f"lyricgenre: internal error ({type(error).__name__}{': ' + what if what else ''}); please report it "
            f"with the command that caused it ({DEBUG_VARIABLE}=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_BUG
    return 0
