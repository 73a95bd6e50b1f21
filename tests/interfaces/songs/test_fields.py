from lyricgenre.interfaces.songs.fields import as_text, matching_fields


def test_as_text_reads_utf8_bytes_and_leaves_the_rest_as_it_is():
    assert as_text("caf\u00e9".encode()) == "caf\u00e9" and as_text("la") == "la" and as_text(5) == 5
    assert as_text(b"\xff") == b"\xff"


def test_matching_fields_finds_the_wanted_names_in_another_case_or_with_spaces():
    wanted = ("lyrics", "artist", "title")
    assert matching_fields(["Artist", " Title ", "Lyrics", "Year"], wanted) == {
        "Artist": "artist",
        " Title ": "title",
        "Lyrics": "lyrics",
    }
    assert matching_fields(["lyrics", "Lyrics"], wanted) == {}  # the name as it is wins
    assert matching_fields(["Lyrics", "LYRICS"], wanted) == {}  # two candidates: neither is guessed
