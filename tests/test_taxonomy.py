"""The packaged genre taxonomy: complete over the vocabulary, a DAG of known families, and user overrides."""

from pathlib import Path

import numpy as np
import pytest

from lyricgenre.data.sources import read_seed_vocabulary
from lyricgenre.errors import UserError
from lyricgenre.runtime import GenreClassifier
from lyricgenre.taxonomy import Taxonomy, load_taxonomy

SHARED_RAW = Path(__file__).resolve().parents[2] / "shared" / "data" / "raw"


@pytest.mark.skipif(not SHARED_RAW.is_dir(), reason="../shared/data/raw is not present")
def test_every_vocabulary_genre_has_a_family():
    taxonomy = load_taxonomy()
    vocabulary = read_seed_vocabulary(SHARED_RAW)
    assert len(vocabulary) == 137
    missing = [genre for genre in vocabulary if not taxonomy.families_of(genre)]
    assert missing == []


def test_the_shipped_models_genres_all_have_families_and_there_are_at_least_12():
    taxonomy = load_taxonomy()
    assert len(taxonomy.families) >= 12
    assert taxonomy.membership(GenreClassifier.load().genres).any(axis=1).all()
    assert set(taxonomy.descriptions) == set(taxonomy.families)


def test_crossover_genres_belong_to_both_families():
    taxonomy = load_taxonomy()
    assert set(taxonomy.families_of("country rock")) == {"country", "rock"}
    assert set(taxonomy.families_of("pop rap")) == {"pop", "hip hop"}


def test_family_labels_are_the_union_over_a_songs_genres():
    taxonomy = load_taxonomy()
    genres = ["rock", "pop rap", "country"]
    labels = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 0]])
    families = taxonomy.family_labels(labels, genres)
    names = list(taxonomy.families)
    assert families[0, names.index("rock")] == 1 and families[0].sum() == 1
    assert families[1, names.index("pop")] == 1 and families[1, names.index("hip hop")] == 1
    assert families[2].sum() == 0


def test_a_genre_without_a_family_or_an_unknown_family_is_refused():
    with pytest.raises(UserError, match="no family"):
        load_taxonomy().membership(["rock", "polka"])
    with pytest.raises(UserError, match="unknown family 'polka music'"):
        Taxonomy(("rock",), {"polka": ("polka music",)})
    with pytest.raises(UserError, match="has no family"):
        Taxonomy(("rock",), {"polka": ()})


def test_a_broken_taxonomy_file_is_one_clear_error(tmp_path):
    (tmp_path / "t.json").write_text("{not json")
    with pytest.raises(UserError, match="cannot read the taxonomy"):
        load_taxonomy(tmp_path / "t.json")
    (tmp_path / "t.json").write_text('{"families": 3}')
    with pytest.raises(UserError, match="malformed taxonomy"):
        load_taxonomy(tmp_path / "t.json")
