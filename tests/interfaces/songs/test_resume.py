"""`predict --resume`: a stopped run goes on, and ends with every input row exactly once (local engine)."""

import json
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

from lyricgenre.interfaces.cli import main
from lyricgenre.interfaces.songs import datasets
from tests.conftest import synthetic_lyrics

STYLES = ("rock", "rap", "country", "pop")


def songs(path, count=23, ids=True):
    rows = [
        {**({"id": f"s{k}"} if ids else {}), "artist": f"A{k % 3}", "lyrics": synthetic_lyrics(STYLES[k % 4], k)}
        for k in range(count)
    ]
    rows[5]["lyrics"] = ""  # a row error is done too: it is not asked again
    path.write_text("\n".join(map(json.dumps, rows)) + "\n")
    return path


def read(output):
    if output.suffix == ".csv":
        import csv

        return [{**r, "genres": r["genres"].split("|") if r["genres"] else None} for r in csv.DictReader(output.open())]
    if output.is_dir():
        return pq.read_table(output).to_pylist()
    return [json.loads(line) for line in output.open()]


def predict(model, source, output, *extra):
    return main(["predict", "--input", str(source), "--output", str(output), "--model", model, *extra])


@pytest.fixture
def model(exported_baseline):
    return str(exported_baseline)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
@pytest.mark.parametrize("cut", ["after 7 records", "inside record 12", "nothing written", "all written"])
def test_a_file_cut_anywhere_is_completed_exactly_once_in_input_order(model, tmp_path, capsys, suffix, cut):
    source = songs(tmp_path / "songs.jsonl")
    full, partial = tmp_path / f"full{suffix}", tmp_path / f"partial{suffix}"
    predict(model, source, full)
    data = full.read_bytes()
    ends = [k + 1 for k, byte in enumerate(data) if byte == ord("\n")]  # no quoted line breaks in these records
    header = 1 if suffix == ".csv" else 0
    kept = {
        "after 7 records": data[: ends[header + 6]],
        "inside record 12": data[: ends[header + 10] + 15],  # killed in the middle of writing a record
        "nothing written": b"",
        "all written": data,
    }[cut]
    partial.write_bytes(kept)
    failed_now = 2 if cut == "nothing written" else 0  # row 6 has no lyrics: its error row was written before
    assert predict(model, source, partial, "--resume") == failed_now
    capsys.readouterr()
    assert read(partial) == read(full)  # every row once, same genres, input order, one CSV header


def test_a_dataset_folder_resumes_from_its_complete_parts(model, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(datasets, "PART_ROWS", 4)
    source = songs(tmp_path / "songs.jsonl")
    full, partial = tmp_path / "full", tmp_path / "partial"
    predict(model, source, full)
    assert len(datasets.parts(full)) == 6
    predict(model, source, partial)
    for part in datasets.parts(partial)[3:]:
        part.unlink()  # stopped after three parts
    (partial / "part-00003.parquet").write_bytes(b"PAR1 half a part")  # written by a run killed meanwhile
    (partial / ".part-00004.parquet.tmp").write_bytes(b"a temporary")
    predict(model, source, partial, "--resume")
    capsys.readouterr()
    assert sorted(read(partial), key=lambda r: r["row"]) == read(full)
    assert not any(p.name.startswith(".") for p in partial.iterdir())


def test_pooled_rows_resume_with_their_artists_full_mean(model, tmp_path, capsys):
    source = songs(tmp_path / "songs.jsonl")
    full, partial = tmp_path / "full.jsonl", tmp_path / "partial.jsonl"
    predict(model, source, full, "--pool-artist")
    partial.write_text("".join(full.read_text().splitlines(keepends=True)[:9]))
    predict(model, source, partial, "--pool-artist", "--resume")
    capsys.readouterr()
    assert read(partial) == read(full)


def test_rows_without_ids_are_known_by_their_row_number(model, tmp_path, capsys):
    source = songs(tmp_path / "songs.jsonl", ids=False)
    full, partial = tmp_path / "full.jsonl", tmp_path / "partial.jsonl"
    predict(model, source, full)
    partial.write_text("".join(full.read_text().splitlines(keepends=True)[:4]))
    predict(model, source, partial, "--resume")
    capsys.readouterr()
    assert read(partial) == read(full)


def test_resume_needs_an_output_and_a_parquet_file_becomes_a_folder(model, tmp_path, capsys):
    source = songs(tmp_path / "songs.jsonl")
    assert main(["predict", "--input", str(source), "--model", model, "--resume"]) == 2
    assert "--resume goes on with the --output of an --input run" in capsys.readouterr().err
    assert predict(model, source, tmp_path / "out.parquet", "--resume") == 2
    assert "give --output FOLDER" in capsys.readouterr().err
    folder = tmp_path / "parts"
    predict(model, source, folder)
    assert predict(model, source, folder) == 2  # without --resume an earlier run's parts are not mixed with
    assert "--resume goes on with it" in capsys.readouterr().err


def test_a_run_killed_with_sigkill_resumes_to_the_full_output(model, tmp_path):
    source = songs(tmp_path / "songs.jsonl", count=3000)
    full, partial = tmp_path / "full.jsonl", tmp_path / "partial.jsonl"
    command = [sys.executable, "-m", "lyricgenre", "predict", "--input", str(source), "--model", model]
    subprocess.run([*command, "--output", str(full)], capture_output=True, timeout=300)
    run = subprocess.Popen([*command, "--output", str(partial), "--resume"], stderr=subprocess.DEVNULL)
    while not partial.exists() or partial.stat().st_size < 20_000:
        time.sleep(0.01)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    assert 0 < len(partial.read_text().splitlines()) < 3000
    subprocess.run([*command, "--output", str(partial), "--resume"], capture_output=True, timeout=300)
    assert read(partial) == read(full)


def test_a_pooled_run_stopped_while_scoring_goes_on_from_the_songs_it_scored(model, tmp_path, capsys, monkeypatch):
    from lyricgenre.runtime import GenreClassifier

    source = songs(tmp_path / "songs.jsonl", count=300)
    full, partial = tmp_path / "full.jsonl", tmp_path / "partial.jsonl"
    saved = tmp_path / ".partial.jsonl.scores"
    predict(model, source, full, "--pool-artist")
    score, scored = GenreClassifier.predict_proba, []

    def stopped_in_the_third_batch(self, texts, *args, **kwargs):
        if len(scored) >= 127:  # two batches of 64 rows, one of them blank
            raise KeyboardInterrupt
        scored.extend(texts)
        return score(self, texts, *args, **kwargs)

    monkeypatch.setattr(GenreClassifier, "predict_proba", stopped_in_the_third_batch)
    assert predict(model, source, partial, "--pool-artist", "--resume") == 130
    assert not partial.exists() or partial.read_text() == ""  # nothing is written before every song is scored
    assert saved.exists()
    monkeypatch.setattr(
        GenreClassifier, "predict_proba", lambda self, texts: scored.extend(texts) or score(self, texts)
    )
    scored.clear()
    assert predict(model, source, partial, "--pool-artist", "--resume") == 2  # the blank row, as in the full run
    assert len(scored) == 299 - 127  # the songs (one is blank) the stopped run had not scored
    assert read(partial) == read(full) and not saved.exists()  # the file goes once the output is complete
    capsys.readouterr()


def test_a_pooled_run_going_on_with_a_complete_output_scores_nothing(model, tmp_path, capsys, monkeypatch):
    from lyricgenre.runtime import GenreClassifier

    source = songs(tmp_path / "songs.jsonl")
    output = tmp_path / "out.jsonl"
    assert predict(model, source, output, "--pool-artist", "--resume") == 2  # the blank row
    written = output.read_bytes()
    score, scored = GenreClassifier.predict_proba, []
    monkeypatch.setattr(
        GenreClassifier, "predict_proba", lambda self, texts: scored.extend(texts) or score(self, texts)
    )
    assert predict(model, source, output, "--pool-artist", "--resume") == 0
    assert scored == [] and output.read_bytes() == written
    with source.open("a") as handle:  # a song added since: every song is scored again for the pools' means
        handle.write(json.dumps({"id": "new", "artist": "A1", "lyrics": synthetic_lyrics("rap", 99)}) + "\n")
    assert predict(model, source, output, "--pool-artist", "--resume") == 0
    assert len(scored) == 23 and [r["id"] for r in read(output)][-2:] == ["s22", "new"]
    capsys.readouterr()
