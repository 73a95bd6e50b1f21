"""The beets plugin against a real beets library: a temporary BEETSDIR, audio files made here, `beet import -A`,
then `beet lyricgenre` (and `-p`), and `auto` on a later import."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lyricgenre.interfaces.audio import read_tag
from tests.conftest import synthetic_lyrics
from tests.interfaces.audio_files import make_audio

pytest.importorskip("beets")
BEET = Path(sys.executable).with_name("beet")
ARTISTS = {"The Rockers": "rock", "Rap Crew": "rap", "Dusty Roads": "country"}


def songs(root: Path, first: int = 0) -> Path:
    """Three songs by each of three artists (MP3, FLAC, M4A), a lyric-less intro by one of them and a lyric-less
    track by an artist with no other song."""
    for number, (artist, style) in enumerate(ARTISTS.items()):
        for k, suffix in enumerate((".mp3", ".flac", ".m4a")):
            index = first + 3 * number + k
            title = f"{style} song {index}"
            lyrics = synthetic_lyrics(style, index)
            album = f"{artist} {first}"
            make_audio(root / artist / f"{title}{suffix}", lyrics=lyrics, artist=artist, title=title, album=album)
    make_audio(root / "The Rockers" / f"intro {first}.mp3", artist="The Rockers", title=f"Intro {first}")
    make_audio(root / "Loner" / f"alone {first}.mp3", artist="Loner", title=f"Alone {first}")
    return root


@pytest.fixture
def beets_home(tmp_path, exported_baseline, monkeypatch):
    home = tmp_path / "beets"
    home.mkdir()
    monkeypatch.setenv("BEETSDIR", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # no lyricgenre config file of the user's
    write_config(home, exported_baseline, auto=False)
    return home


def write_config(home: Path, model: Path, auto: bool, extra: str = "") -> None:
    (home / "config.yaml").write_text(
        f"directory: {home / 'music'}\nlibrary: {home / 'library.db'}\nplugins: lyricgenre\n"
        "import:\n  copy: no\n  write: yes\n  quiet: yes\n"
        f"lyricgenre:\n  model: {model}\n  auto: {'yes' if auto else 'no'}\n{extra}"
    )


def beet(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BEET), *arguments], capture_output=True, text=True, timeout=300)


def database_genres(home: Path) -> dict[str, list[str]]:
    """Each item's genres as beets reads them from its database."""
    from beets.library import Library

    library = Library(str(home / "library.db"))
    try:
        return {Path(item.path.decode()).name: list(item.genres) for item in library.items()}
    finally:
        library._close()


def tag_dry_run(folder: Path, model: Path) -> dict[str, list[str]]:
    """What `lyricgenre tag --field genre` would write into each file."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "lyricgenre",
            "tag",
            str(folder),
            "--field",
            "genre",
            "--model",
            str(model),
            "--format",
            "jsonl",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return {Path(r["id"]).name: r["tag_values"] for r in map(json.loads, result.stdout.splitlines())}


def test_beet_lyricgenre_sets_what_lyricgenre_tag_writes(beets_home, exported_baseline, tmp_path):
    folder = songs(tmp_path / "incoming")
    imported = beet("import", "-A", str(folder))
    assert imported.returncode == 0, imported.stderr
    before = database_genres(beets_home)
    assert len(before) == 11 and not any(before.values())

    pretend = beet("lyricgenre", "-p")
    assert pretend.returncode == 0, pretend.stderr
    assert database_genres(beets_home) == before  # the library unchanged
    assert "genres" in pretend.stdout and "10 would write" in pretend.stderr + pretend.stdout

    done = beet("-v", "lyricgenre")
    assert done.returncode == 0, done.stderr
    expected = tag_dry_run(folder, exported_baseline)
    stored = database_genres(beets_home)
    for name, values in expected.items():
        if values:
            assert stored[name] == values, name  # the database holds what `tag --field genre` writes
            assert read_tag(next(folder.rglob(name)), "genre") == values, name  # and so do the files
    assert stored["intro 0.mp3"] == stored["rock song 0.mp3"]  # no lyrics: its artist's pooled genres
    assert stored["alone 0.mp3"] == [] and "1 skipped: no lyrics" in done.stderr


def test_existing_genres_are_kept_unless_forced(beets_home, tmp_path):
    folder = tmp_path / "incoming"
    make_audio(folder / "one.mp3", lyrics=synthetic_lyrics("rock", 1), artist="A", title="One", genre="Jazz")
    assert beet("import", "-A", str(folder)).returncode == 0
    assert beet("lyricgenre").returncode == 0 and database_genres(beets_home)["one.mp3"] == ["Jazz"]
    assert beet("lyricgenre", "-f").returncode == 0 and database_genres(beets_home)["one.mp3"] not in (["Jazz"], [])


def test_auto_tags_the_items_of_a_later_import(beets_home, exported_baseline, tmp_path):
    assert beet("import", "-A", str(songs(tmp_path / "first"))).returncode == 0
    write_config(beets_home, exported_baseline, auto=True)
    second = songs(tmp_path / "second", first=20)
    result = beet("import", "-A", str(second))
    assert result.returncode == 0, result.stderr
    genres = database_genres(beets_home)
    assert all(genres[path.name] for path in second.rglob("*song*"))  # the new import's songs got genres
    assert not any(genres[path.name] for path in (tmp_path / "first").rglob("*song*"))  # the earlier ones did not


def test_a_bad_config_is_one_clear_line(beets_home, exported_baseline, tmp_path):
    assert beet("import", "-A", str(songs(tmp_path / "incoming"))).returncode == 0
    write_config(beets_home, exported_baseline, auto=False, extra="  level: everything\n")
    result = beet("lyricgenre")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "error: lyricgenre: lyricgenre setting in beets' config 'level' must be 'family' or 'genre' or 'both' or "
        "null, got 'everything'"
    )
    write_config(beets_home, tmp_path / "no-model", auto=False)
    result = beet("lyricgenre")
    assert result.returncode != 0 and "not an exported lyricgenre model" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_plugin_is_found_beside_beets_own(beets_home):
    assert shutil.which(str(BEET)) and "lyricgenre" in beet("help").stdout


FAKE_LYRICS_PLUGIN = '''
from beets.plugins import BeetsPlugin


class FakeLyrics(BeetsPlugin):
    """Sets lyrics in an import stage, as beets' lyrics plugin does after fetching them."""

    def __init__(self):
        super().__init__()
        self.import_stages = [self.imported]

    def imported(self, session, task):
        for item in task.imported_items():
            item.lyrics = LYRICS
            item.store()
'''


def test_auto_classifies_lyrics_another_plugins_import_stage_set(beets_home, exported_baseline, tmp_path):
    """Listed before the lyrics plugin, lyricgenre still reads the lyrics it fetched (it runs after every stage)."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "fakelyrics.py").write_text(f"LYRICS = {synthetic_lyrics('rock', 3)!r}\n{FAKE_LYRICS_PLUGIN}")
    write_config(beets_home, exported_baseline, auto=True)
    config = (beets_home / "config.yaml").read_text().replace("plugins: lyricgenre", "plugins: lyricgenre fakelyrics")
    (beets_home / "config.yaml").write_text(f"pluginpath: {plugins}\n{config}")
    make_audio(tmp_path / "incoming" / "song.mp3", artist="A", title="Song")  # no lyrics in the file
    result = beet("import", "-A", str(tmp_path / "incoming"))
    assert result.returncode == 0, result.stderr
    assert database_genres(beets_home)["song.mp3"]  # classified from the lyrics set by the other plugin


def test_an_adapted_model_gives_beets_items_the_users_own_labels(beets_home, tmp_path):
    from lyricgenre.adapt import AdaptSettings, adapt, write_adapted
    from lyricgenre.runtime import GenreClassifier
    from tests.adapt.conftest import LABELS, labelled_songs

    base, settings = GenreClassifier.load(), AdaptSettings(min_songs=6)
    write_adapted(tmp_path / "mine", base, adapt(labelled_songs(rare=False), base, settings), settings, "a test")
    write_config(beets_home, tmp_path / "mine", auto=False)
    assert beet("import", "-A", str(songs(tmp_path / "incoming"))).returncode == 0
    done = beet("lyricgenre")
    assert done.returncode == 0, done.stderr
    stored = database_genres(beets_home)
    assert stored["rap song 3.mp3"] == ["Hip-Hop"] and stored["country song 6.mp3"] == ["Country"]
    assert {name for values in stored.values() for name in values} <= set(LABELS.values())


def test_items_that_keep_their_genres_are_classified_only_for_an_item_that_gets_some(
    exported_baseline, monkeypatch, tmp_path, capsys
):
    """Without force, only the pools of items without genres are scored (`tag_items`, on items as beets has them)."""
    from types import SimpleNamespace

    from lyricgenre.interfaces.library.beets import settings_from, tag_items
    from lyricgenre.interfaces.progress import ProgressBar
    from lyricgenre.runtime import GenreClassifier

    def item(artist, style, number, genres):
        lyrics = synthetic_lyrics(style, number)
        return SimpleNamespace(lyrics=lyrics, artist=artist, title=str(number), album="", albumartist="", genres=genres)

    items = [
        item("Rockers", "rock", 1, []),
        item("The Rockers", "rock", 2, ["Jazz"]),
        item("Dusty", "country", 3, ["X"]),
    ]
    classifier = GenreClassifier.load(exported_baseline, threads=1)
    score, scored = GenreClassifier.predict_proba, []
    monkeypatch.setattr(
        GenreClassifier, "predict_proba", lambda self, texts: scored.extend(texts) or score(self, texts)
    )
    settings = settings_from({})
    outcomes = [
        result.outcome.status for result in tag_items(items, classifier, settings, "genres", force=False, write=True)
    ]
    assert outcomes == ["written", "kept", "kept"] and scored == [items[0].lyrics, items[1].lyrics]
    scored.clear()
    with ProgressBar(len(items), enabled=True) as progress:  # the command's bar, as on a terminal
        forced = tag_items(items, classifier, settings, "genres", force=True, write=True, progress=progress)
        assert [r.outcome.status for r in forced] == ["written", "written", "written"] and len(scored) == 3
    assert "3/3 songs 100%" in capsys.readouterr().err


def test_a_command_stopped_while_classifying_reads_back_the_scores_it_had_made(
    exported_baseline, monkeypatch, tmp_path
):
    from types import SimpleNamespace

    from lyricgenre.interfaces import classify
    from lyricgenre.interfaces.library.beets import settings_from, tag_items
    from lyricgenre.runtime import GenreClassifier

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setattr(classify, "BATCH", 2)
    items = [
        SimpleNamespace(
            lyrics=synthetic_lyrics(style, n), artist=f"A{n % 2}", title=str(n), album="", albumartist="", genres=[]
        )
        for n, style in enumerate(["rock", "rap", "country", "rock", "rap"])
    ]
    classifier, settings, saved = GenreClassifier.load(exported_baseline, threads=1), settings_from({}), tmp_path / "s"
    score, scored = GenreClassifier.predict_proba, []

    def stopped_in_the_second_batch(self, texts, *args, **kwargs):
        if scored:
            raise KeyboardInterrupt
        scored.extend(texts)
        return score(self, texts, *args, **kwargs)

    def decided():
        outcomes = tag_items(items, classifier, settings, "genres", force=False, write=True, saved=saved)
        return [result.outcome.values for result in outcomes]

    monkeypatch.setattr(GenreClassifier, "predict_proba", stopped_in_the_second_batch)
    with pytest.raises(KeyboardInterrupt):
        decided()
    assert saved.exists()
    scored.clear()
    monkeypatch.setattr(
        GenreClassifier, "predict_proba", lambda self, texts: scored.extend(texts) or score(self, texts)
    )
    values = decided()
    assert len(scored) == 3 and not saved.exists()  # the two songs scored before the stop were read back
    scored.clear()
    assert decided() == values and len(scored) == 5  # the same answers as a run from the start
