"""Parquet in and out of `lyricgenre predict`, and the Ray Data engine over the same files."""

import json
import re
import sys
from types import SimpleNamespace

import pandas as pd
import pyarrow.parquet as pq
import pytest

from lyricgenre.interfaces.cli import main
from tests.conftest import synthetic_lyrics


def songs_file(path, count=40):
    styles = ["rock", "pop", "rap", "country"]
    lyrics = [synthetic_lyrics(styles[k % 4], k) for k in range(count)]
    lyrics[5], lyrics[9] = "", None  # rows that cannot be classified, reported in place
    frame = pd.DataFrame({"id": [1000 + k for k in range(count)], "artist": [f"A{k % 3}" for k in range(count)]})
    frame["lyrics"] = lyrics
    frame.to_parquet(path)
    return path


def test_parquet_round_trip_keeps_ids_order_and_reports_bad_rows(exported_baseline, tmp_path, capsys):
    source, out = songs_file(tmp_path / "songs.parquet"), tmp_path / "tagged.parquet"
    code = main(["predict", "--input", str(source), "--output", str(out), "--model", str(exported_baseline)])
    assert code == 2 and "2 row(s) could not be classified" in capsys.readouterr().err
    table = pq.read_table(out)
    rows = table.to_pylist()
    assert [r["id"] for r in rows] == [1000 + k for k in range(40)] and str(table.schema.field("id").type) == "int64"
    assert [r["row"] for r in rows] == list(range(1, 41))
    assert rows[5]["error"] == "empty lyrics" and rows[9]["error"] and rows[5]["genres"] is None
    assert rows[0]["genres"] and dict(rows[0]["scores"])[rows[0]["genres"][0]] > 0
    jsonl = tmp_path / "tagged.jsonl"
    main(["predict", "--input", str(source), "--output", str(jsonl), "--model", str(exported_baseline)])
    assert [r["genres"] for r in rows] == [json.loads(line)["genres"] for line in jsonl.open()]


def test_integer_ids_then_a_text_id_make_a_text_id_column_and_nothing_is_lost(
    exported_baseline, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr("lyricgenre.interfaces.songs.parquet.BATCH_ROWS", 4)  # row groups of 4: the text id comes late
    ids = [*range(9), "x9", 10]
    source = tmp_path / "songs.jsonl"
    source.write_text(
        "".join(json.dumps({"id": i, "lyrics": synthetic_lyrics("pop", k)}) + "\n" for k, i in enumerate(ids))
    )
    out = tmp_path / "tagged.parquet"
    assert main(["predict", "--input", str(source), "--output", str(out), "--model", str(exported_baseline)]) == 0
    table = pq.read_table(out)
    assert str(table.schema.field("id").type) == "string" and table.column("id").to_pylist() == [str(i) for i in ids]
    assert all(table.column("genres").to_pylist()) and sorted(p.name for p in tmp_path.iterdir()) == [
        "songs.jsonl",
        "tagged.parquet",
    ]


def test_parquet_input_problems_are_one_line(exported_baseline, tmp_path, capsys):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    assert main(["predict", "--input", str(bad), "--model", str(exported_baseline)]) == 2
    assert "not a readable Parquet file" in capsys.readouterr().err
    source = songs_file(tmp_path / "songs.parquet")
    assert main(["predict", "--input", str(source), "--text-column", "text", "--model", str(exported_baseline)]) == 2
    assert "no column 'text' (columns: id, artist, lyrics)" in capsys.readouterr().err


def test_parquet_without_pyarrow_names_the_extra(exported_baseline, tmp_path, capsys, monkeypatch):
    source = songs_file(tmp_path / "songs.parquet")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    assert main(["predict", "--input", str(source), "--model", str(exported_baseline)]) == 2
    assert "pip install 'lyricgenre[parquet]'" in capsys.readouterr().err


@pytest.fixture(scope="session")
def ray_cluster():
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


def test_ray_engine_gives_the_local_engines_records(ray_cluster, exported_baseline, tmp_path, capsys):
    source = songs_file(tmp_path / "songs.parquet", count=400)  # many blocks: their order must be kept
    local, distributed = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    base = ["predict", "--input", str(source), "--model", str(exported_baseline)]
    assert main([*base, "--output", str(local)]) == 2
    assert main([*base, "--output", str(distributed), "--engine", "ray", "--workers", "2", "--batch-size", "7"]) == 2
    assert "2 row(s) could not be classified" in capsys.readouterr().err
    assert [json.loads(line) for line in distributed.open()] == [json.loads(line) for line in local.open()]
    assert ray_cluster.is_initialized()  # a cluster the caller started is left running


def binary_songs_file(path):
    """Text stored as Parquet binary, as some writers store strings; some lyrics, artists and ids not UTF-8."""
    import pyarrow as pa

    lyrics = [synthetic_lyrics("rock", 1).encode(), b"\xff\xfe not text", synthetic_lyrics("rap", 2).encode()] * 2
    table = pa.table(
        {
            "id": pa.array([b"s0", b"s1", b"s2", b"s3", b"s4", b"\xff"], pa.binary()),
            "artist": pa.array([b"A", b"B", b"\xc3", b"A", b"B", b"\xfe"], pa.binary()),
            "lyrics": pa.array(lyrics, pa.binary()),
        }
    )
    pq.write_table(table, path)
    return path


def test_text_stored_as_binary_is_read_as_utf8_and_the_rest_are_row_errors(
    ray_cluster, exported_baseline, tmp_path, capsys
):
    source = binary_songs_file(tmp_path / "binary.parquet")
    local, distributed = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    base = ["predict", "--input", str(source), "--model", str(exported_baseline)]
    assert main([*base, "--output", str(local)]) == 2 and "4 row(s) could not be classified" in capsys.readouterr().err
    rows = [json.loads(line) for line in local.open()]
    assert (rows[0]["id"], rows[0]["artist"]) == ("s0", "A") and rows[0]["genres"]
    assert rows[1]["error"] == "lyrics are bytes that are not UTF-8 text" and rows[1]["artist"] == "B"
    assert rows[2]["error"] == "field 'artist' is not text that can be written back" and "artist" not in rows[2]
    assert rows[5]["error"] == "field 'id' is not text that can be written back" and rows[5].keys().isdisjoint(
        {"id", "artist"}
    )
    assert main([*base, "--output", str(distributed), "--engine", "ray", "--workers", "1"]) == 2
    assert [json.loads(line) for line in distributed.open()] == rows


def test_capitalised_columns_are_read_by_both_engines(ray_cluster, exported_baseline, tmp_path, capsys):
    source = tmp_path / "songs.parquet"
    frame = pd.DataFrame({"ID": [1, 2], "Artist": ["A", "B"], "Lyrics": [synthetic_lyrics("rap", 1), ""]})
    frame.to_parquet(source)
    local, distributed = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    base = ["predict", "--input", str(source), "--model", str(exported_baseline)]
    assert main([*base, "--output", str(local)]) == 2
    assert main([*base, "--output", str(distributed), "--engine", "ray", "--workers", "1"]) == 2
    rows = [json.loads(line) for line in local.open()]
    assert [(r["id"], r["artist"]) for r in rows] == [(1, "A"), (2, "B")] and rows[0]["genres"]
    assert rows[1]["error"] == "empty lyrics" and [json.loads(line) for line in distributed.open()] == rows


def test_a_cluster_started_for_one_run_is_shut_down_when_it_ends():
    from lyricgenre.interfaces.ray_engine import _cluster

    calls = []

    class Node:  # Ray's node object of the cluster this process started
        def kill_monitor(self, check_alive):
            calls.append("kill_monitor")

    class FakeRay:
        _private = SimpleNamespace(worker=SimpleNamespace(_global_node=Node()))

        def is_initialized(self):
            return False

        def init(self, **options):
            calls.append("init")

        def shutdown(self):
            calls.append("shutdown")

    with pytest.raises(RuntimeError), _cluster(FakeRay(), None):
        raise RuntimeError("the run failed")
    assert calls == ["init", "kill_monitor", "shutdown"]  # the monitor first: it would hold shutdown a second
    calls.clear()
    with _cluster(FakeRay(), "ray://cluster:10001"):  # a cluster of someone else's: its monitor is left alone
        pass
    assert calls == ["init", "shutdown"]


def test_ray_engine_refuses_what_it_does_not_do(ray_cluster, exported_baseline, tmp_path, capsys):
    source = songs_file(tmp_path / "songs.parquet")
    base = ["predict", "--input", str(source), "--model", str(exported_baseline), "--engine", "ray"]
    assert main([*base, "--pool-artist"]) == 2
    assert "--pool-artist needs each artist's songs together" in capsys.readouterr().err
    csv_input = tmp_path / "songs.csv"
    pd.read_parquet(source).to_csv(csv_input, index=False)
    assert main(["predict", "--input", str(csv_input), "--engine", "ray"]) == 2
    assert "--engine ray reads a Parquet file" in capsys.readouterr().err
    assert main([*base, "--workers", "8"]) == 2  # on 2 CPUs: would wait for ever for room to place them
    refused = "--workers 8 needs 5 of Ray's CPUs and this cluster has 2: use --workers 2 or fewer"
    assert refused in capsys.readouterr().err


def test_python_api_maps_a_ray_dataset(ray_cluster, exported_baseline):
    from lyricgenre.interfaces.ray_engine import predict_dataset

    songs = ray_cluster.data.from_items([{"lyrics": synthetic_lyrics("rap", k), "key": k} for k in range(10)])
    rows = predict_dataset(songs, str(exported_baseline), workers=1).take_all()
    assert [r["key"] for r in rows] == list(range(10))
    assert all(set(r["genres"]) <= {"rap", "hip hop", "pop rap"} and r["genres"] for r in rows)
    assert json.loads(rows[0]["scores"])["rap"] > 0.5 and rows[0]["error"] == ""


def test_without_ray_the_engine_names_the_extra(exported_baseline, tmp_path, capsys, monkeypatch):
    source = songs_file(tmp_path / "songs.parquet")
    monkeypatch.setitem(sys.modules, "ray", None)
    assert main(["predict", "--input", str(source), "--engine", "ray", "--model", str(exported_baseline)]) == 2
    assert "pip install 'lyricgenre[ray]'" in capsys.readouterr().err


def test_a_uint64_id_column_is_kept_as_text_in_a_parquet_output(exported_baseline, tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = tmp_path / "songs.parquet"
    ids = pa.array([1, 2**64 - 1], type=pa.uint64())
    pq.write_table(pa.table({"id": ids, "lyrics": [synthetic_lyrics("rock", 1), synthetic_lyrics("rap", 2)]}), source)
    out = tmp_path / "out.parquet"
    assert main(["predict", "--input", str(source), "--output", str(out), "--model", str(exported_baseline)]) == 0
    assert pq.read_table(out).column("id").to_pylist() == ["1", str(2**64 - 1)]


def test_both_engines_read_and_write_dataset_folders_and_ray_resumes_a_stopped_run(
    ray_cluster, exported_baseline, tmp_path, capsys
):
    from lyricgenre.interfaces.songs.datasets import parts

    source = tmp_path / "songs"
    source.mkdir()
    frames = [
        pd.DataFrame(
            {
                "id": [f"s{k}" for k in range(first, first + 20)],
                "lyrics": [synthetic_lyrics(("rock", "rap")[k % 2], k) for k in range(first, first + 20)],
            }
        )
        for first in (0, 20, 40)
    ]
    for number, frame in enumerate(frames):
        frame.to_parquet(source / f"part-{number}.parquet")
    base = ["predict", "--input", str(source), "--model", str(exported_baseline)]
    local = tmp_path / "local.jsonl"
    assert main([*base, "--output", str(local)]) == 0
    expected = {r["id"]: r["genres"] for r in map(json.loads, local.open())}
    assert [r["row"] for r in map(json.loads, local.open())] == list(range(1, 61))  # parts in name order

    folder = tmp_path / "ray-out"
    ray_run = [*base, "--engine", "ray", "--workers", "2", "--batch-size", "8", "--output", str(folder)]
    assert main(ray_run) == 0
    written = pq.read_table(folder).to_pylist()  # the workers' parts read as one dataset
    assert sorted(r["id"] for r in written) == sorted(expected) and all(
        r["genres"] == expected[r["id"]] for r in written
    )

    for part in parts(folder)[len(parts(folder)) // 2 :]:
        part.unlink()  # stopped part-way
    (folder / "zz-half-written.parquet").write_bytes(b"PAR1 cut short")
    assert main([*ray_run, "--resume"]) == 0
    capsys.readouterr()
    resumed = pq.read_table(folder).to_pylist()
    assert sorted(r["id"] for r in resumed) == sorted(expected)  # every id exactly once
    assert all(r["genres"] == expected[r["id"]] for r in resumed)


def not_ours(shown: str) -> list[str]:
    """The lines of `shown` (standard error) that are not this command's (its bar, its messages): Ray Data's
    logs, warnings and bars. Ray's C++ core prints one line of its own, about actor constructor arguments."""
    lines = [line for line in shown.replace("\r", "\n").splitlines() if line.strip()]
    ours = re.compile(r"\[[█·]+\] |lyricgenre: ")
    return [line for line in lines if not ours.match(line) and "core_worker.cc" not in line]


def on_a_terminal(command: list[str]) -> str:
    """What a command prints on standard error when that is a terminal (a pseudo-terminal here)."""
    import os
    import pty
    import subprocess

    leader, follower = pty.openpty()
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower) as process:
        os.close(follower)
        shown = b""
        while chunk := _read_terminal(leader):
            shown += chunk
        process.wait(timeout=300)
    os.close(leader)
    return shown.decode(errors="replace")


def _read_terminal(leader: int) -> bytes:
    import os

    try:
        return os.read(leader, 65536)
    except OSError:  # the command ended: its terminal is gone
        return b""


def test_a_resumed_ray_run_shows_its_progress_from_the_earlier_runs_songs_and_no_ray_data_logs(
    exported_baseline, tmp_path, capsys
):
    from lyricgenre.interfaces.songs.datasets import parts

    source = songs_file(tmp_path / "songs.parquet", count=60)
    folder = tmp_path / "out"
    run = ["predict", "--input", str(source), "--model", str(exported_baseline), "--output", str(folder)]
    run += ["--engine", "ray", "--workers", "2", "--batch-size", "8"]
    assert main(run) == 2  # the two rows without lyrics
    assert not_ours(capsys.readouterr().err) == []  # into a log file, Ray Data's bars would stay as text
    for part in parts(folder)[len(parts(folder)) // 2 :]:
        part.unlink()  # stopped part-way
    left = pq.read_table(folder).num_rows
    shown = on_a_terminal([sys.executable, "-m", "lyricgenre", *run, "--resume"])
    bars = [line for line in shown.replace("\n", "\r").split("\r") if re.match(r"\[[█·]+\] ", line)]
    counted = [int(bar.split("] ")[1].split("/")[0]) for bar in bars]
    assert counted[0] == left and counted[-1] == 60 and counted == sorted(counted), shown
    assert "60/60 songs 100%" in bars[-1], shown
    assert not_ours(shown) == [], shown
    assert sorted(pq.read_table(folder).column("id").to_pylist()) == list(range(1000, 1060))
