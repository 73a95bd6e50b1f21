from lyricgenre.names import artist_identities, normalize_name, normalize_title, primary_artist_key, split_credit


def test_normalize_name_folds_unicode_case_ampersand_and_leading_the():
    assert normalize_name("Beyoncé") == "beyonce"
    assert normalize_name("The Rolling Stones") == "rolling stones"
    assert normalize_name("Simon & Garfunkel") == normalize_name("simon and garfunkel")
    assert normalize_name("Ke$ha") == "kesha"
    assert normalize_name("  AC/DC!! ") == "ac dc"


def test_normalize_title_matches_precleaned_and_raw_spellings():
    assert normalize_title("I Can't Help Myself (Sugar Pie Honey Bunch)") == normalize_title(
        "i cant help myself sugar pie honey bunch"
    )
    assert normalize_title("Suit & Tie") == normalize_title("suit  tie")
    assert normalize_title("My Love (feat. T.I.)") == "my love"
    assert normalize_title("Yesterday - Remastered 2009") == "yesterday"


def test_split_credit_separates_featured_and_joint_artists():
    acts, parts = split_credit("Post Malone & Swae Lee featuring Nicki Minaj")
    assert acts == ["Post Malone & Swae Lee", "Nicki Minaj"]
    assert parts == ["Post Malone", "Swae Lee", "Nicki Minaj"]
    assert split_credit("A, B ft. C")[1] == ["A", "B", "C"]
    assert split_credit("Malcolm X")[0] == ["Malcolm X"]


def test_primary_artist_keeps_known_duos_whole():
    known = {"simon and garfunkel", "post malone"}
    assert primary_artist_key("Simon & Garfunkel featuring X", known) == "simon and garfunkel"
    assert primary_artist_key("Post Malone & Swae Lee", known) == "post malone"
    assert primary_artist_key("112 featuring Foxy Brown", known) == "112"


def test_one_identity_per_artist_across_spellings_credits_and_collaborations():
    credits = [
        "The Beatles",
        "Beatles",
        "BEATLES",
        "Drake feat. Rihanna",
        "Drake & Future",
        "Drake and Future",
        "Drake",
    ]
    identities = artist_identities(credits)
    assert identities[:3] == ["beatles"] * 3 and identities[3:] == ["drake"] * 4
    assert artist_identities(["Simon & Garfunkel", "Simon & Garfunkel feat. X"]) == ["simon"] * 2
    assert artist_identities(["Simon & Garfunkel", "Simon & Garfunkel"] + ["Simon & Garfunkel"]) == ["simon"] * 3
    assert artist_identities([None, "  ", "!!!"]) == [None, None, None]
