"""The model shipped inside the package: present, small, documented, and it tags lyrics."""

import json

from lyricgenre import GenreClassifier
from lyricgenre.runtime import default_model_path

SHIPPED_LIMIT_BYTES = 25_000_000


def test_shipped_model_fits_the_size_budget_and_has_a_card():
    folder = default_model_path()
    files = [p for p in folder.iterdir() if p.is_file()]
    assert sum(p.stat().st_size for p in files) <= SHIPPED_LIMIT_BYTES
    assert not (folder / "encoder.onnx").exists()  # only the int8 encoder ships
    card = (folder / "MODEL_CARD.md").read_text()
    assert "Apache-2.0" in card and "test (artist-disjoint" in card
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(manifest["genres"]) >= 100
    assert len(manifest["families"]["names"]) >= 12 and "Families:" in card and "`precise`" in card
    assert manifest["genre_support"] and manifest["components"][0]["architecture"]["layers"] == 6


def test_shipped_model_tags_lyrics():
    classifier = GenreClassifier.load(threads=1)
    lyrics = [
        "Started from the bottom now we here, money on my mind and the block on my back",
        "Whiskey on the porch and my old pickup truck, dirt road down to the river in the summer",
    ]
    probabilities = classifier.predict_proba(lyrics)
    assert probabilities.shape == (2, len(classifier.genres))
    ranked = [[classifier.genres[j] for j in row.argsort()[::-1][:10]] for row in probabilities]
    assert any("rap" in g or "hip hop" in g for g in ranked[0])
    assert any("country" in g for g in ranked[1])
    assert all(isinstance(genres, list) for genres in classifier.predict(lyrics))
    families = classifier.rank_families(probabilities)
    assert "hip hop" in [f for f, _, _ in families[0][:2]] and "country" in [
        f for f, _, chosen in families[1] if chosen
    ]
