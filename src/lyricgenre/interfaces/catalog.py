"""`lyricgenre genres`: every vocabulary genre with its families, whether the model predicts it, and its support."""

from __future__ import annotations

from lyricgenre.runtime import GenreClassifier
from lyricgenre.taxonomy import Taxonomy


def genre_catalog(classifier: GenreClassifier, taxonomy: Taxonomy) -> list[dict]:
    """One entry per genre of the taxonomy (the whole vocabulary), then any model genre it lacks; for a model
    adapted to a user's labels, one per label (our vocabulary is not what it answers in).

    `families` are the model's own (stored with it when it was tuned) for the genres it predicts, else the
    taxonomy's; `training_songs` / `training_artists` count the model's training data (None for an export
    that does not record them).
    """
    model_families = classifier.genre_families
    support = classifier.genre_support or {}
    predicted = set(classifier.genres)
    names = [g for g in taxonomy.genre_families if not classifier.adapted]
    names += [g for g in classifier.genres if g not in names]
    return [
        {
            "genre": genre,
            "families": list(model_families.get(genre) or taxonomy.families_of(genre)),
            "predicted_by_model": genre in predicted,
            "training_songs": support.get(genre, {}).get("songs") if support else None,
            "training_artists": support.get(genre, {}).get("artists") if support else None,
        }
        for genre in names
    ]


def catalog_table(entries: list[dict]) -> str:
    """The catalog as aligned text columns, for a terminal."""
    width = max(len(entry["genre"]) for entry in entries) + 2
    lines = [f"{'genre':<{width}}{'model':<7}{'songs':>7}{'artists':>9}  families"]
    for entry in entries:
        songs = "" if entry["training_songs"] is None else str(entry["training_songs"])
        artists = "" if entry["training_artists"] is None else str(entry["training_artists"])
        model = "yes" if entry["predicted_by_model"] else "no"
        lines.append(f"{entry['genre']:<{width}}{model:<7}{songs:>7}{artists:>9}  {', '.join(entry['families'])}")
    return "\n".join(lines)
