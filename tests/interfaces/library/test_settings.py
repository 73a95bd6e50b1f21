"""What `lyricgenre tag` writes (`TagSettings.values`) and the TOML config file that sets it."""

import pytest

from lyricgenre.errors import UserError
from lyricgenre.interfaces.library.settings import TagSettings, load_tag_settings

FAMILIES = ["rock", "metal"]
GENRES = ["hard rock", "alternative metal", "album rock", "nu metal"]


def test_levels_choose_families_genres_or_both_families_first():
    assert TagSettings(level="family").values(FAMILIES, GENRES, []) == ["rock", "metal"]
    assert TagSettings(level="genre").values(FAMILIES, GENRES, []) == GENRES
    assert TagSettings().values(FAMILIES, GENRES, []) == FAMILIES + GENRES


def test_the_level_left_unset_is_both_and_with_a_model_adapted_to_your_labels_only_your_words():
    assert TagSettings().for_model(adapted=False).level == "both"
    assert TagSettings().for_model(adapted=True).values(FAMILIES, GENRES, []) == GENRES
    assert TagSettings(level="both").for_model(adapted=True).level == "both"  # asked for, kept
    with pytest.raises(UserError, match="would never write a genre"):
        TagSettings(max_genres=0).for_model(adapted=True)


def test_max_genres_caps_fine_genres_and_the_genre_field_gets_few_names_in_title_case():
    assert TagSettings(max_genres=1).values(FAMILIES, GENRES, []) == ["rock", "metal", "hard rock"]
    assert TagSettings(field="genre").values(["rock", "metal", "pop"], GENRES, []) == ["Rock", "Metal", "Hard Rock"]
    assert TagSettings(field="genre", max_genres=0, case="lower").values(FAMILIES, GENRES, []) == FAMILIES
    assert TagSettings(max_families=1).values(FAMILIES, GENRES, []) == ["rock", *GENRES]
    assert (
        TagSettings(field="genre", case="lower", max_genres=2).values(FAMILIES, GENRES, [])[-1] == "alternative metal"
    )


@pytest.mark.parametrize(
    "options",
    [
        {"level": "genre", "max_genres": 0},
        {"level": "family", "max_families": 0},
        {"max_genres": 0, "max_families": 0},
        {"allow": ("Rock",), "deny": ("rock",)},
    ],
)
def test_settings_that_would_never_write_a_genre_are_refused(options):
    with pytest.raises(UserError, match="^these settings would never write a genre: "):
        TagSettings(**options)


def test_separator_joins_into_one_value_and_splits_what_the_file_has():
    settings = TagSettings(level="family", separator="; ", keep_existing=True)
    assert settings.values(FAMILIES, GENRES, ["Rock; Grunge"]) == ["Rock; Grunge; metal"]  # "rock" = "Rock"
    assert TagSettings(level="family", separator=" / ").values(FAMILIES, [], []) == ["rock / metal"]


def test_keep_existing_merges_instead_of_replacing():
    assert TagSettings(level="family", keep_existing=True).values(FAMILIES, [], ["Jazz"]) == ["Jazz", "rock", "metal"]
    assert TagSettings(level="family").values(FAMILIES, [], ["Jazz"]) == FAMILIES


def test_a_genre_is_one_name_whatever_its_case_hyphens_or_spacing():
    keep = TagSettings(level="both", keep_existing=True)
    existing = ["Hip-Hop", "POP  Rap"]
    assert keep.values(["hip hop"], ["pop rap", "trap", "post-punk"], existing) == [
        "Hip-Hop",
        "POP  Rap",
        "trap",
        "post-punk",
    ]
    assert keep.values([], ["post punk"], ["Post-Punk"]) == ["Post-Punk"]
    assert keep.values(["hip hop", "pop"], ["rap", "pop rap"], ["Hip Hop; POP", "Hip-Hop/Rap"]) == [
        "Hip Hop; POP",
        "Hip-Hop/Rap",
        "pop rap",
    ]
    settings = TagSettings(deny=("Hip-Hop",), allow=(), aliases={"pop-rap": "Pop Rap"})
    assert settings.values(["hip hop", "pop"], ["pop rap"], []) == ["pop", "Pop Rap"]
    assert TagSettings(allow=("HIP HOP",)).values(["hip hop", "pop"], [], []) == ["hip hop"]
    assert TagSettings(families={"Nu-Metal": ("crossover",)}).values(["metal"], ["nu metal"], []) == [
        "metal",
        "crossover",
        "nu metal",
    ]


def test_allow_deny_aliases_case_and_own_families():
    settings = TagSettings(
        deny=("Album Rock",),
        allow=(),
        aliases={"hip hop": "Hip-Hop"},
        case="title",
        families={"nu metal": ("crossover",)},
    )
    assert settings.values(["rock", "hip hop"], ["album rock", "nu metal", "r&b"], []) == [
        "Rock",
        "Hip-Hop",
        "Crossover",
        "Nu Metal",
        "R&B",
    ]
    assert TagSettings(allow=("rock", "hard rock")).values(FAMILIES, GENRES, []) == ["rock", "hard rock"]


def test_nothing_to_write_gives_no_values():
    assert TagSettings(allow=("jazz",)).values(FAMILIES, GENRES, ["Rock"]) == []


def test_config_file_sets_options_and_the_command_line_overlays_it(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        'field = "genre"\nlevel = "family"\nseparator = "; "\nkeep_existing = true\ndeny = ["comedy"]\n'
        '[aliases]\n"hip hop" = "Hip-Hop"\n[families]\n"nu metal" = ["crossover"]\n'
    )
    settings = load_tag_settings(config)
    assert (settings.field, settings.level, settings.separator, settings.keep_existing) == (
        "genre",
        "family",
        "; ",
        True,
    )
    assert settings.aliases == {"hip hop": "Hip-Hop"} and settings.families == {"nu metal": ("crossover",)}
    overlaid = settings.overlay(level="both", max_genres=3, separator=None)
    assert (overlaid.level, overlaid.max_genres, overlaid.separator) == ("both", 3, "; ")


def test_default_config_location_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_tag_settings() == TagSettings()  # no file: the defaults
    (tmp_path / "lyricgenre").mkdir()
    (tmp_path / "lyricgenre" / "config.toml").write_text('level = "genre"\n')
    assert load_tag_settings().level == "genre"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("levle = 'family'\n", "unknown tag setting key(s) 'levle'; valid: field, level"),
        (
            "level = 'everything'\n",
            "tag setting 'level' must be 'family' or 'genre' or 'both' or null, got 'everything'",
        ),
        ("max_genres = 'two'\n", "tag setting 'max_genres' must be an integer or null, got 'two'"),
        ("max_genres = -1\n", "max_genres (--max-genres) must be a whole number from 0"),
        ("keep_existing = 'yes'\n", "tag setting 'keep_existing' must be true or false"),
        ("deny = 'comedy'\n", "tag setting 'deny' must be a list of strings"),
        ("[aliases]\nrock = 1\n", "tag setting 'aliases' must be a table of strings"),
        ("[families]\nrock = 'x'\n", "tag setting 'families' must be a table of lists of strings"),
        ("separator = ''\n", "separator (--separator) must not be empty"),
        ("level = \n", "not valid TOML"),
    ],
)
def test_bad_config_is_one_line_naming_the_key(tmp_path, text, message):
    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(UserError, match="^" + str(config)) as error:
        load_tag_settings(config)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_unreadable_config(tmp_path):
    with pytest.raises(UserError, match="cannot read the config file"):
        load_tag_settings(tmp_path / "missing.toml")
