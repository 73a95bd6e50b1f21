from lyricgenre.data.cleaning import clean_lyrics, is_placeholder, strip_artist_header
from lyricgenre.text import is_likely_non_english, word_count


def test_clean_lyrics_drops_markers_boilerplate_and_urls_but_keeps_line_breaks():
    raw = (
        "Some Song Lyrics\n[Verse 1: Somebody]\nfirst line here  \n(Chorus)\nChorus x2\nHook:\n"
        "Hook, line and sinker\n(Ooh, ooh)\nsee www.example.com now\n\n\n\nlast   line\n"
        "Unfortunately, we are not licensed to display the full lyrics for this song at the moment.\n12Embed"
    )
    assert clean_lyrics(raw) == "first line here\nHook, line and sinker\n(Ooh, ooh)\nsee now\n\nlast line"


def test_clean_lyrics_keeps_single_line_sources_single_line():
    assert clean_lyrics("  you and i  were young   ") == "you and i were young"


def test_strip_artist_header_only_removes_a_short_by_line():
    assert strip_artist_header("By Patti Page\nI was dancing", "Patti Page") == "I was dancing"
    assert strip_artist_header("By the river we sat and talked all night long\nx", "Ann").startswith("By the river")


def test_placeholders_and_word_counts():
    assert is_placeholder("Instrumental")
    assert is_placeholder("lyrics for this song have yet to be released please check back")
    assert not is_placeholder("an instrumental break in my heart tonight")
    assert word_count("don't stop me now") == 5  # "don" and "t" are separate word tokens


def test_language_flag():
    assert not is_likely_non_english("I know you want me, baby, and I love the way you move")
    assert is_likely_non_english("Dame tiempo que no estoy en mi mejor momento pero yo mejoro contigo")
    assert is_likely_non_english("")
