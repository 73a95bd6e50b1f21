import pytest

from lyricgenre.models.transformer import pretrained_minilm_path
from lyricgenre.text import (
    SHORT_LYRICS_WORDS,
    batch_windows,
    input_notes,
    load_tokenizer,
    pad_batch,
    songs_tokens,
    token_windows,
)
from tests.conftest import synthetic_lyrics


@pytest.fixture(scope="module")
def tokenizer():
    return load_tokenizer(pretrained_minilm_path() / "tokenizer.json")


def song_windows(tokenizer, text: str, max_length: int, max_windows: int) -> list[list[int]]:
    (ids,) = songs_tokens(tokenizer, [text])
    return token_windows(tokenizer, ids, max_length, max_windows)


def test_windows_cover_the_whole_song(tokenizer):
    text = " ".join(f"word{i}" for i in range(300))
    ids = tokenizer.encode(text, add_special_tokens=False).ids
    windows = song_windows(tokenizer, text, max_length=64, max_windows=100)
    assert all(len(w) <= 64 and w[0] == tokenizer.token_to_id("[CLS]") for w in windows)
    assert [t for w in windows for t in w[1:-1]] == ids


def test_long_songs_keep_evenly_spaced_windows(tokenizer):
    text = " ".join(f"word{i}" for i in range(2000))
    windows = song_windows(tokenizer, text, max_length=64, max_windows=3)
    all_windows = song_windows(tokenizer, text, max_length=64, max_windows=10_000)
    assert len(windows) == 3
    assert windows[0] == all_windows[0] and windows[-1] == all_windows[-1]


def test_pad_batch():
    ids, mask = pad_batch([[1, 2, 3], [4]])
    assert ids.tolist() == [[1, 2, 3], [4, 0, 0]] and mask.tolist() == [[1, 1, 1], [1, 0, 0]]


def test_a_single_window_is_the_start_of_the_song(tokenizer):
    text = " ".join(f"word{i}" for i in range(2000))
    (window,) = song_windows(tokenizer, text, max_length=64, max_windows=1)
    assert window == song_windows(tokenizer, text, max_length=64, max_windows=10_000)[0]


def test_batch_tokenising_matches_one_song_at_a_time(tokenizer):
    texts = ["first line of a song", "", "!!!", " ".join(f"word{i}" for i in range(400))]
    unknown = tokenizer.token_to_id("[UNK]")
    one_by_one = [tokenizer.encode(text, add_special_tokens=False).ids or [unknown] for text in texts]
    assert songs_tokens(tokenizer, texts) == one_by_one
    assert songs_tokens(tokenizer, [""]) == [[unknown]]
    windows, owners, _ = batch_windows(tokenizer, texts, max_length=64, max_windows=100)
    assert windows == [w for text in texts for w in song_windows(tokenizer, text, max_length=64, max_windows=100)]
    assert owners.tolist() == [i for i, text in enumerate(texts) for _ in song_windows(tokenizer, text, 64, 100)]


def test_input_notes_say_when_lyrics_are_short_or_not_english():
    assert input_notes(synthetic_lyrics("rock", 1, words=SHORT_LYRICS_WORDS)) == []
    (short,) = input_notes(synthetic_lyrics("rock", 1, words=12))
    assert short.startswith("only 12 words:")
    spanish = " ".join(["dame tiempo que no estoy en mi mejor momento pero yo mejoro contigo"] * 10)
    assert input_notes(spanish) == ["few English words: the model learnt from English lyrics"]
    (only_short,) = input_notes("Purple rain, purple rain")  # too short to judge its language
    assert only_short.startswith("only 4 words")
    assert len(input_notes(" ".join(spanish.split()[:20]))) == 2


def test_lyrics_problem_names_what_is_not_lyrics():
    from lyricgenre.text import lyrics_problem

    assert lyrics_problem("la la la") is None
    assert lyrics_problem(3) == "lyrics must be text, got int"
    assert lyrics_problem("  \n") == "empty lyrics"
    assert "lone surrogate (\\ud800) at 3" in lyrics_problem("la \ud800")
    for blank_looking in ("\x00\x00", "\u200b\u200d", "🎸🎸 !!", "___"):
        assert "contain no words" in lyrics_problem(blank_looking)
    assert lyrics_problem(b"la la") == "lyrics must be text, got bytes"  # text to decode first (`as_text`)
    assert lyrics_problem(b"\xff la") == "lyrics are bytes that are not UTF-8 text"


def test_input_notes_say_what_was_cut_and_use_plurals():
    from lyricgenre.text import MAX_LYRICS_CHARS, input_notes

    assert input_notes("hello")[0].startswith("only 1 word:")
    long_text = "love " * (MAX_LYRICS_CHARS // 4)
    cut = f"longer than {MAX_LYRICS_CHARS:,} characters: only the first {MAX_LYRICS_CHARS:,} were read"
    assert input_notes(long_text)[0] == cut
