"""The command's entry point: Ctrl-C while it starts ends it as Ctrl-C at any other moment."""

import signal
import sys
import types

import pytest

from lyricgenre import errors, launch


@pytest.fixture
def command_line(monkeypatch):
    """Stands in for `lyricgenre.interfaces.cli` with a `main` the test gives; the SIGINT handler and the
    remembered Ctrl-C are put back afterwards."""
    handler = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(errors, "_ctrl_c_received", False)
    module = types.ModuleType("lyricgenre.interfaces.cli")
    monkeypatch.setitem(sys.modules, "lyricgenre.interfaces.cli", module)
    yield module
    signal.signal(signal.SIGINT, handler)


def import_interrupted_by_ctrl_c():
    """What a C extension does when Ctrl-C lands in its initialisation (numpy's, onnxruntime's)."""
    try:
        signal.raise_signal(signal.SIGINT)
    except KeyboardInterrupt:
        raise ImportError("initialization failed") from None


def test_a_ctrl_c_that_an_import_turns_into_an_import_error_is_one_line_and_exit_130(command_line, capsys):
    command_line.main = import_interrupted_by_ctrl_c
    assert launch.main() == errors.EXIT_INTERRUPTED
    assert capsys.readouterr().err == "lyricgenre: interrupted\n"


def test_an_import_error_without_a_ctrl_c_is_not_taken_for_one(command_line):
    def broken_install():
        raise ImportError("libonnxruntime.so: cannot open shared object file")

    command_line.main = broken_install
    with pytest.raises(ImportError, match="cannot open shared object"):
        launch.main()
