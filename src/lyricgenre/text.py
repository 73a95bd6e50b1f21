"""Turning lyrics into model inputs the same way at training and at run time (tokenizers + numpy only).

Lyrics average ~310 word-piece tokens, more than a 256-token window, so a song is cut into
consecutive windows; a model scores every window and averages the logits over the song. Also the checks
on a text both stages share: the dataset's English check and, at run time, `input_notes` on inputs unlike
the training songs.
"""

from __future__ import annotations

import re

import numpy as np
from tokenizers import Regex, Tokenizer, normalizers

# Frequent English function words; lyrics in English use them constantly.
_ENGLISH_WORDS = frozenset(
    "the a an and or but i you me my your we our he she it they them his her its is are was were "
    "be been am do does did don't dont not no yes in on at to of for from with up down out all "
    "so that this what when where why how can can't cant will won't wont just like love baby "
    "oh yeah know want get got go gonna wanna one now never there here if im i'm youre you're".split()
)

# Below this many words, `input_notes` says the tags are less reliable: how F1 falls with the words read is
# measured by `benchmarks/excerpt_length.py` (docs/cli.md, "notes").
SHORT_LYRICS_WORDS = 80
LANGUAGE_CHECK_WORDS = 20  # the dataset's shortest songs; its English check was made on songs at least this long
# What the runtime reads of one text: the dataset's longest song is ~40,000 characters, so real lyrics are
# read whole; a pasted book or a runaway file is cut (and the notes say so) instead of costing gigabytes.
MAX_LYRICS_CHARS = 100_000

# Windows per encoder call when scoring with PyTorch (training's validation): small batches of
# length-sorted windows carry almost no padding and stay in cache. The int8 runtime runs one window per
# call instead (`lyricgenre.runtime.encoder.TransformerScorer.window_logits`): dynamic int8 quantisation
# computes its scales over the whole call, so a window's batch-mates and padding would change its scores.
WINDOW_BATCH = 4


def load_tokenizer(path) -> Tokenizer:
    """A word-piece tokenizer that neither pads nor truncates: windows are cut by `token_windows`."""
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def without_punctuation(tokenizer: Tokenizer) -> Tokenizer:
    """The same tokenizer, also dropping apostrophes and turning other punctuation into spaces.

    The lyrics sources differ in format (some are lower-case word streams without punctuation or line
    breaks, others raw text), and a fine-tuned encoder learns the format as a genre cue that fails on other
    sources and on pasted lyrics. Stored in the model's tokenizer.json, so prediction reads text the same way.
    """
    steps = [tokenizer.normalizer] if tokenizer.normalizer else []
    tokenizer.normalizer = normalizers.Sequence(
        [*steps, normalizers.Replace(Regex("['’`]"), ""), normalizers.Replace(Regex(r"[^\w\s]|_"), " ")]
    )
    return tokenizer


def songs_tokens(tokenizer: Tokenizer, texts: list[str]) -> list[list[int]]:
    """Each song's word-piece ids without [CLS]/[SEP] ([UNK] alone for text with no tokens).

    One `encode_batch` call tokenises the songs in parallel, on every core.
    """
    unknown = tokenizer.token_to_id("[UNK]")
    return [encoding.ids or [unknown] for encoding in tokenizer.encode_batch(texts, add_special_tokens=False)]


def framed(tokenizer: Tokenizer, ids: list[int]) -> list[int]:
    """One encoder window: [CLS] ids [SEP]."""
    return [tokenizer.token_to_id("[CLS]"), *ids, tokenizer.token_to_id("[SEP]")]


def token_windows(tokenizer: Tokenizer, ids: list[int], max_length: int, max_windows: int) -> list[list[int]]:
    """A song's ids (from `songs_tokens`) as up to `max_windows` windows of at most `max_length` tokens,
    [CLS] … [SEP] each.

    When a song is longer than `max_windows` windows, evenly spaced windows are kept so that the
    whole song (start, middle, end) is represented.
    """
    body = max_length - 2
    starts = list(range(0, len(ids), body))
    if len(starts) > max_windows:
        spacing = (len(starts) - 1) / max(max_windows - 1, 1)
        starts = [starts[round(i * spacing)] for i in range(max_windows)]
    return [framed(tokenizer, ids[start : start + body]) for start in starts]


def pad_batch(windows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad windows to the longest one: (input_ids, attention_mask) as int64 arrays."""
    longest = max(len(w) for w in windows)
    input_ids = np.zeros((len(windows), longest), dtype=np.int64)
    attention = np.zeros((len(windows), longest), dtype=np.int64)
    for row, window in enumerate(windows):
        input_ids[row, : len(window)] = window
        attention[row, : len(window)] = 1
    return input_ids, attention


def batch_windows(tokenizer: Tokenizer, texts: list[str], max_length: int, max_windows: int):
    """All windows of all songs, the song each belongs to, and batches of window indices of similar length."""
    windows, owners = [], []
    for song, ids in enumerate(songs_tokens(tokenizer, texts)):
        for window in token_windows(tokenizer, ids, max_length, max_windows):
            windows.append(window)
            owners.append(song)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
    return windows, np.asarray(owners, dtype=np.int64), order


def encoder_batches(windows: list[list[int]], order: list[int], per_call: int = WINDOW_BATCH):
    """Yield (window indices, input_ids, attention_mask) for `per_call` windows at a time, in `order`."""
    for first in range(0, len(order), per_call):
        chunk = order[first : first + per_call]
        yield (chunk, *pad_batch([windows[i] for i in chunk]))


def song_probabilities(window_logits: np.ndarray, owners: np.ndarray, n_songs: int) -> np.ndarray:
    """Average each song's window logits, then the sigmoid: one probability per song and genre."""
    song_logits = np.zeros((n_songs, window_logits.shape[1]), dtype=np.float64)
    np.add.at(song_logits, owners, window_logits)
    song_logits /= np.bincount(owners, minlength=n_songs)[:, None]
    return (1.0 / (1.0 + np.exp(-song_logits))).astype(np.float32)


def word_count(lyrics: str) -> int:
    return len(re.findall(r"\w+", lyrics))


def english_word_share(lyrics: str) -> float:
    """Share of the words that are frequent English function words (0 for an empty text)."""
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", lyrics.lower())
    if not words:
        return 0.0
    return sum(word in _ENGLISH_WORDS for word in words) / len(words)


def is_likely_non_english(lyrics: str, min_share: float = 0.18) -> bool:
    """Flag lyrics whose share of English function words is far below that of English songs."""
    return english_word_share(lyrics) < min_share


def unencodable(text: str) -> str | None:
    """Why `text` cannot be written out as UTF-8 (a lone surrogate, as JSON "\\ud800" decodes), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return f"a lone surrogate (\\u{ord(text[error.start]):04x}) at {error.start}"
    return None


def lyrics_problem(lyrics) -> str | None:
    """Why a value cannot be classified as lyrics (None when it can): not text, blank, no words, or not encodable
    text (a lone surrogate, as JSON "\\ud800" decodes)."""
    if isinstance(lyrics, bytes):  # readers decode the bytes of UTF-8 text (a Parquet binary column) already
        try:
            lyrics.decode("utf-8")
        except UnicodeDecodeError:
            return "lyrics are bytes that are not UTF-8 text"
    if not isinstance(lyrics, str):
        return f"lyrics must be text, got {type(lyrics).__name__}"
    if not lyrics.strip():
        return "empty lyrics"
    if problem := unencodable(lyrics):
        return f"lyrics are not valid text: {problem}"
    if not re.search(r"[^\W_]", lyrics):
        return "lyrics contain no words (only spaces, control or zero-width characters, symbols or emoji)"
    return None


def input_notes(lyrics: str) -> list[str]:
    """Why tags for these lyrics may be less reliable than the model's measured scores (empty if none).

    The models learnt from whole songs (at least 20 words, median 324) in English. The language check needs
    those 20 words too: a short line ("purple rain, purple rain") can hold no English function word.
    """
    notes = []
    if len(lyrics) > MAX_LYRICS_CHARS:
        notes.append(f"longer than {MAX_LYRICS_CHARS:,} characters: only the first {MAX_LYRICS_CHARS:,} were read")
        lyrics = lyrics[:MAX_LYRICS_CHARS]
    words = word_count(lyrics)
    if words < SHORT_LYRICS_WORDS:
        plural = "word" if words == 1 else "words"
        notes.append(f"only {words} {plural}: tags from a short excerpt are less reliable than from a whole song")
    if words >= LANGUAGE_CHECK_WORDS and is_likely_non_english(lyrics):
        notes.append("few English words: the model learnt from English lyrics")
    return notes
