"""What the JSON API takes and answers: request schemas (validated by FastAPI, documented in the OpenAPI schema)
and a `Prediction` shaped as the API answers it."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from lyricgenre.runtime import Prediction, Ranked
from lyricgenre.text import unencodable

MAX_BATCH = 64
MAX_EXPLAINED_BATCH = 8  # songs of one batch request with explanations (each costs about ten plain songs)
SHOWN_GENRES = 10  # genres listed per song: every predicted one, and the closest others up to this many


def _text(value: str) -> str:
    """Text that can be written back out (`lyricgenre.text.unencodable`)."""
    problem = unencodable(value)
    if problem:
        raise ValueError(f"not valid text: {problem}")
    return value


def _not_blank(value: str) -> str:
    """The one rule of the schema itself; what else makes a text unclassifiable the runtime says."""
    if not value.strip():
        raise ValueError("lyrics must not be blank")
    return value


Text = Annotated[str, AfterValidator(_text)]
Lyrics = Annotated[
    str,
    AfterValidator(_not_blank),
    Field(
        description="the song's lyrics: text with at least one letter or digit (not blank, not only symbols or emoji); "
        "up to 100,000 characters are read, the rest is ignored and a note says so"
    ),
]


class ErrorBody(BaseModel):
    """Every error answer: one message saying what is wrong."""

    error: str = Field(description="what is wrong, in one line")


ERRORS = {
    404: {"model": ErrorBody, "description": "no such path"},
    413: {"model": ErrorBody, "description": "a body over 1,000,000 bytes"},
    422: {"model": ErrorBody, "description": "invalid JSON or fields, or lyrics that cannot be classified"},
    503: {"model": ErrorBody, "description": "every worker busy and the queue full; retry after Retry-After"},
}


class Options(BaseModel):
    model_config = ConfigDict(strict=True)  # top_k true or "5" is an error, not 1 or 5

    top_k: int | None = Field(default=None, ge=1, le=200, description="keep at most K predicted genres")
    threshold: float | None = Field(default=None, ge=0.0, le=1.0, description="global threshold override")
    fast: bool = Field(
        default=False,
        description="read the first 128 tokens of the lyrics: about twice as fast, a little less accurate",
    )
    explain: bool = Field(
        default=False,
        description="add `explanations`: for each predicted family and genre, the lines whose removal lowers its "
        "score most (line number, text, effect), strongest first; about ten times the work"
        + f" (a batch with it holds at most {MAX_EXPLAINED_BATCH} songs)",
    )


class ClassifyRequest(Options):
    lyrics: Lyrics


class Song(BaseModel):
    model_config = ConfigDict(strict=True)
    id: Text | int | None = None
    artist: Text | None = Field(default=None, max_length=500, description="the song's artist (for pool_artist)")
    # Any string: blank, wordless or invalid lyrics are that song's `error`, and the rest of the batch is answered.
    lyrics: str = Field(description="the song's lyrics")


class BatchRequest(Options):
    songs: list[Song] = Field(min_length=1, max_length=MAX_BATCH, description=f"1 to {MAX_BATCH} songs")
    pool_artist: bool = Field(
        default=False,
        description="tag the songs of each artist together: each gets its artist's mean scores, decided by the "
        "model's rule for pooled scores",
    )

    @model_validator(mode="after")
    def _explained_batches_are_small(self) -> BatchRequest:
        if self.explain and len(self.songs) > MAX_EXPLAINED_BATCH:
            raise ValueError(f"explain: a batch with explanations holds at most {MAX_EXPLAINED_BATCH} songs")
        return self


def shown_genres(ranked: list[Ranked]) -> list[dict]:
    """Every predicted genre and the closest others, at least SHOWN_GENRES, best first."""
    shown = max(SHOWN_GENRES, sum(predicted for _, _, predicted in ranked))
    return [{"genre": g, "score": round(p, 4), "predicted": c} for g, p, c in ranked[:shown]]


def family_list(ranked: list[Ranked]) -> list[dict]:
    """Every family, best first (empty for a model without families)."""
    return [{"family": f, "score": round(p, 4), "predicted": c} for f, p, c in ranked]


def answer(prediction: Prediction) -> dict:
    """A song's answer: every family and the shown genres, best first, the notes on its reliability, and the
    lines behind its labels when they were asked for (as `lyricgenre predict --explain` writes them)."""
    shown = {
        "families": family_list(prediction.ranked_families),
        "genres": shown_genres(prediction.ranked_genres),
        "notes": prediction.notes,
    }
    return shown if prediction.explanation is None else {**shown, "explanations": prediction.explanation.to_record()}
