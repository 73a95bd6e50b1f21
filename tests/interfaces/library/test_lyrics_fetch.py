"""Lyrics fetched from an LRCLIB-compatible server for audio files that have none (a local stand-in, no network)."""

import json
import socket
import time

import pytest

from lyricgenre.interfaces.audio import read_audio_song
from lyricgenre.interfaces.cli import main
from lyricgenre.interfaces.library.lrclib import (
    SEARCH_TOLERANCE_S,
    LyricsSettings,
    Query,
    _closest,
    _retry_after_seconds,
)
from lyricgenre.interfaces.library.lyrics_cache import LyricsCache
from tests.conftest import synthetic_lyrics
from tests.interfaces.audio_files import make_audio
from tests.interfaces.lrclib_server import StandIn, track

SYNCED = "\n".join(f"[00:{k:02d}.00]{line}" for k, line in enumerate(synthetic_lyrics("rock", 2).splitlines()))


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def library(tmp_path):
    """MP3s tagged with artist, title and album only, one song of each case the server knows."""
    root = tmp_path / "music"
    for title in ("Plain", "Synced", "Busy", "Missing", "Quiet"):
        make_audio(root / f"{title.lower()}.mp3", artist="The Band", title=title, album="Album")
    make_audio(root / "own.mp3", artist="The Band", title="Own", lyrics=synthetic_lyrics("pop", 1))
    return root


def stand_in(**options) -> StandIn:
    tracks = [
        track("The Band", "Plain", plain=synthetic_lyrics("rap", 1)),
        track("The Band", "Synced", synced=SYNCED),
        track("The Band", "Busy", plain=synthetic_lyrics("pop", 3)),
        track("The Band", "Quiet", instrumental=True),
    ]
    return StandIn(tracks, behaviours={"busy": "429 once", **options.pop("behaviours", {})}, **options)


def tag(capsys, library, server_url, *extra) -> tuple[int, dict, str]:
    report = library.parent / "report.jsonl"
    arguments = [
        "tag",
        str(library),
        "--fetch-lyrics",
        "--lyrics-url",
        server_url,
        "--output",
        str(report),
        "--no-fill",
        *extra,
    ]
    code = main(arguments)
    err = capsys.readouterr().err
    records = [json.loads(line) for line in report.read_text().splitlines()]
    assert all(r["path"] == str(library / r["id"]) for r in records)  # one record per file, with its path
    records = {r["id"]: r for r in records}
    return code, records, err


def test_tag_fetches_what_the_server_has_and_skips_what_it_has_not(exported_baseline, library, capsys):
    with stand_in() as server:
        code, records, err = tag(capsys, library, server.url, "--model", str(exported_baseline))
        first_run = len(server.requests)
        assert code == 0, err
        for name in ("plain.mp3", "synced.mp3", "busy.mp3"):  # busy: a 429 with Retry-After first
            assert records[name]["genres"] and records[name]["lyrics_source"] == "lyrics server"
        assert records["own.mp3"]["genres"] and "lyrics_source" not in records["own.mp3"]
        for name in ("missing.mp3", "quiet.mp3"):
            assert records[name]["genres"] is None and records[name]["tag_status"] == "skipped: no lyrics"
        assert "instrumental" in records["quiet.mp3"]["skipped"]
        assert "6 audio files: 4 would write, 2 skipped: no lyrics" in err
        assert all(r["user_agent"].startswith("lyricgenre/") and "+http" in r["user_agent"] for r in server.requests)
        assert [r["query"]["duration"] for r in server.requests if r["path"] == "/api/get"][0] == "0"
        assert {r["query"]["album_name"] for r in server.requests if r["path"] == "/api/get"} == {"Album"}

        code, again, err = tag(capsys, library, server.url, "--model", str(exported_baseline))
        assert code == 0 and len(server.requests) == first_run  # every answer, misses too, from the cache
        assert again["plain.mp3"]["genres"] == records["plain.mp3"]["genres"]
        assert again["plain.mp3"]["lyrics_source"] == "lyrics server (cached)" and "cached found" in err

        code, _, _ = tag(capsys, library, server.url, "--model", str(exported_baseline), "--refresh-lyrics")
        assert code == 0 and len(server.requests) > first_run


def test_with_missing_no_lyrics_are_fetched_for_files_that_keep_their_genres(exported_baseline, library, capsys):
    make_audio(library / "tagged.mp3", artist="Other Band", title="Tagged", album="Album", genre="Rock")
    with stand_in() as server:
        code, records, _ = tag(
            capsys, library, server.url, "--model", str(exported_baseline), "--missing", "--field", "genre"
        )
        asked = {r["query"]["track_name"] for r in server.requests}
    assert code == 0 and "Plain" in asked and "Tagged" not in asked
    assert records["tagged.mp3"]["tag_status"] == "kept" and records["plain.mp3"]["tag_status"] == "would write"


def test_save_lyrics_writes_them_into_the_files_with_the_genres(exported_baseline, library, capsys):
    with stand_in() as server:
        arguments = ("--model", str(exported_baseline), "--save-lyrics")
        code, records, _ = tag(capsys, library, server.url, *arguments)  # a dry run: nothing written
        assert code == 0 and read_audio_song(library / "plain.mp3").lyrics is None
        code, records, _ = tag(capsys, library, server.url, *arguments, "--write")
    assert code == 0 and records["plain.mp3"]["lyrics_saved"] is True and records["own.mp3"]["lyrics_saved"] is False
    assert read_audio_song(library / "plain.mp3").lyrics == synthetic_lyrics("rap", 1)
    assert read_audio_song(library / "synced.mp3").lyrics == synthetic_lyrics("rock", 2)  # timestamps removed
    assert read_audio_song(library / "missing.mp3").lyrics is None


def test_a_failing_server_fails_only_the_files_that_needed_it(exported_baseline, library, capsys):
    with stand_in(behaviours={"plain": "500"}) as server:
        code, records, err = tag(capsys, library, server.url, "--model", str(exported_baseline))
    assert code == 2 and "answered 500, 4 times" in records["plain.mp3"]["error"]
    assert records["synced.mp3"]["genres"] and records["own.mp3"]["genres"]
    assert "1 not classified" in err and "1 failed" in err


def test_offline_is_one_clear_message_and_files_with_lyrics_are_still_tagged(exported_baseline, library, capsys):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, records, err = tag(capsys, library, f"http://127.0.0.1:{port}", "--model", str(exported_baseline))
    assert code == 2 and records["own.mp3"]["genres"]
    assert all("cannot be reached" in records[f"{t}.mp3"]["error"] for t in ("plain", "synced", "missing"))
    assert f"127.0.0.1:{port} cannot be reached" in err and "Traceback" not in err


def test_a_slow_server_times_out(exported_baseline, library, tmp_path):
    from lyricgenre.interfaces.library.lyrics_fetch import LyricsFetcher
    from tests.interfaces.lrclib_server import StandIn

    with StandIn([], behaviours={"plain": "slow"}, slow_s=2.0) as server:
        fetcher = LyricsFetcher(LyricsSettings(url=server.url, timeout=0.2, cache=tmp_path / "c.sqlite"))
        started = time.monotonic()
        from lyricgenre.interfaces.songs import read_songs

        rows = {row.fields["id"]: row for row in fetcher.fill(read_songs(library, audio_only=True))}
        fetcher.close()
    assert "did not answer within 0.2 s, 4 times" in rows["plain.mp3"].error
    assert rows["synced.mp3"].skipped and time.monotonic() - started < 10


def test_search_takes_the_closest_duration_within_the_tolerance():
    records = [track("A", "T", duration=d, plain=f"words {d}") for d in (100, 104, 250)]
    assert _closest(records, 103.4).lyrics == "words 104"
    assert _closest(records, 104 + SEARCH_TOLERANCE_S + 0.5).status == "not found"  # nearest is too far off
    assert _closest(records, 200).status == "not found"
    assert _closest(records, None).lyrics == "words 100"


def test_retry_after_in_seconds_or_as_a_date():
    assert _retry_after_seconds("3") == 3 and _retry_after_seconds(None) is None
    assert 0 <= _retry_after_seconds(time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 5))) <= 6


def test_misses_expire_and_answers_do_not(tmp_path, monkeypatch):
    from lyricgenre.interfaces.library import lyrics_cache

    cache = LyricsCache(tmp_path / "c.sqlite")
    found, missing = Query("A", "Found").key(), Query("A", "Missing", "Album", 200.4).key()
    cache.put("s", found, "found", "words", False)
    cache.put("s", missing, "not found", None, False)
    assert cache.get("s", found) == ("found", "words", False) and cache.get("s", missing)[0] == "not found"
    assert cache.get("other server", found) is None
    monkeypatch.setattr(lyrics_cache, "MISS_TTL_S", -1)
    assert cache.get("s", missing) is None and cache.get("s", found)[1] == "words"


def test_options_need_fetch_lyrics_and_a_web_address(library, capsys):
    assert main(["tag", str(library), "--refresh-lyrics"]) == 2
    assert "--refresh-lyrics goes with --fetch-lyrics" in capsys.readouterr().err
    assert main(["tag", str(library), "--fetch-lyrics", "--lyrics-url", "ftp://x"]) == 2
    assert "must be an http:// or https:// address" in capsys.readouterr().err
    assert main(["predict", "some words", "--fetch-lyrics"]) == 2
    assert "give --input" in capsys.readouterr().err


def test_predict_fetches_too(exported_baseline, library, capsys):
    with stand_in() as server:
        arguments = ["predict", "--input", str(library), "--fetch-lyrics", "--lyrics-url", server.url]
        code = main([*arguments, "--model", str(exported_baseline), "--format", "jsonl"])
    captured = capsys.readouterr()
    records = {r["id"]: r for r in map(json.loads, captured.out.splitlines())}
    assert code == 0 and records["plain.mp3"]["genres"] and records["missing.mp3"]["skipped"]
    assert "lyrics: 3 found, 1 instrumental, 1 not found" in captured.err


def test_the_config_file_names_the_lyrics_server(exported_baseline, library, tmp_path, capsys):
    with stand_in() as server:
        config = tmp_path / "config.toml"
        config.write_text(f'lyrics_url = "{server.url}"\n')
        report = tmp_path / "report.jsonl"
        arguments = ["tag", str(library), "--fetch-lyrics", "--config", str(config), "--output", str(report)]
        assert main([*arguments, "--model", str(exported_baseline)]) == 0
        assert server.requests  # asked the server the config file names, not lrclib.net
    assert f"requests to {server.url}" in capsys.readouterr().err


def misbehaving_library(root, titles):
    for title in titles:
        make_audio(root / f"{title.replace(' ', '-')}.mp3", artist="The Band", title=title, album="Album")
    make_audio(root / "own.mp3", artist="The Band", title="Own", lyrics=synthetic_lyrics("pop", 1))
    return root


@pytest.mark.parametrize("behaviour", ["bad status", "bad chunk", "many headers", "wrong types"])
def test_a_malformed_answer_is_that_songs_error_and_the_run_goes_on(exported_baseline, tmp_path, capsys, behaviour):
    library = misbehaving_library(tmp_path / "music", [behaviour])
    with StandIn([], behaviours={behaviour: behaviour}) as server:
        code, records, err = tag(capsys, library, server.url, "--model", str(exported_baseline))
    name = behaviour.replace(" ", "-") + ".mp3"
    assert code == 2 and "internal error" not in err and "Traceback" not in err
    assert records[name]["tag_status"] == "not classified" and "could not be fetched" in records[name]["error"]
    assert records["own.mp3"]["tag_status"] == "would write"  # files with lyrics are still tagged
    with StandIn([], behaviours={behaviour: behaviour}) as server:  # not cached: asked again
        tag(capsys, library, server.url, "--model", str(exported_baseline))
        assert any(r["query"].get("track_name") == behaviour for r in server.requests)


def test_control_characters_and_lone_surrogates_never_reach_the_cache_the_model_or_the_file(
    exported_baseline, tmp_path, capsys
):
    library = misbehaving_library(tmp_path / "music", ["surrogate"])
    with StandIn([], behaviours={"surrogate": "surrogate"}) as server:
        code, records, err = tag(
            capsys, library, server.url, "--model", str(exported_baseline), "--write", "--save-lyrics"
        )
    assert code == 0, err
    assert records["surrogate.mp3"]["tag_status"] == "written" and records["surrogate.mp3"]["lyrics_saved"]
    saved = read_audio_song(library / "surrogate.mp3").lyrics
    assert saved == "la  la red night\nsong of mine"
    cached = LyricsCache(tmp_path / "cache" / "lyricgenre" / "lyrics.sqlite")
    assert cached.get(server.url, Query("The Band", "surrogate", "Album", 0.0).key())[1] == saved


def test_a_server_dripping_its_answer_is_cut_off_and_the_run_ends(exported_baseline, tmp_path, capsys, monkeypatch):
    """A byte every 0.2 s: each read is quick, so only an overall deadline (here 1 s) ends the request."""
    monkeypatch.setattr(LyricsSettings, "__init__", _with_deadline(LyricsSettings.__init__, 1.0))
    library = misbehaving_library(tmp_path / "music", ["drip", "drip two", "drip three", "drip four", "drip five"])
    behaviours = {title: "drip" for title in ("drip", "drip two", "drip three", "drip four", "drip five")}
    with StandIn([], behaviours=behaviours, drip_s=0.2, drip_bytes=200) as server:
        started = time.monotonic()
        code, records, err = tag(capsys, library, server.url, "--model", str(exported_baseline))
        elapsed = time.monotonic() - started
    assert elapsed < 6 and code == 2 and "did not finish answering within 1 s" in err
    assert records["own.mp3"]["tag_status"] == "would write"
    assert len(server.requests) <= 4  # the requests in flight when it was cut off; no more were asked


def _with_deadline(init, deadline):
    def init_with_deadline(self, *args, **kwargs):
        init(self, *args, **{**kwargs, "deadline": deadline})

    return init_with_deadline


def test_sigterm_stops_a_run_waiting_on_a_dripping_server_at_once(exported_baseline, tmp_path):
    import os
    import signal
    import subprocess
    import sys

    library = misbehaving_library(tmp_path / "music", ["drip"])
    with StandIn([], behaviours={"drip": "drip"}, drip_s=0.5, drip_bytes=400) as server:
        arguments = [
            "tag",
            str(library),
            "--fetch-lyrics",
            "--lyrics-url",
            server.url,
            "--model",
            str(exported_baseline),
        ]
        environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
        run = subprocess.Popen(
            [sys.executable, "-m", "lyricgenre", *arguments], stderr=subprocess.PIPE, text=True, env=environment
        )
        while not server.requests:
            time.sleep(0.05)
        time.sleep(0.5)
        stopped = time.monotonic()
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=30)
    assert time.monotonic() - stopped < 5 and run.returncode == 130 and "Traceback" not in err
