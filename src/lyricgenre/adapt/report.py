"""What `lyricgenre adapt` tells the user it learnt: cross-validated scores per label, a confusion table, the
labels left out, and the base model's score on the same songs where its names match the user's labels."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from lyricgenre.decision import top_k_mask
from lyricgenre.metrics import f1_macro, per_genre


def decide(scores: np.ndarray, cut: float | None) -> np.ndarray:
    """Boolean answers: the best label of each song, and with a multi-label `cut` every other label above it."""
    best = top_k_mask(scores, 1)
    return best if cut is None else best | (scores >= cut)


def best_label_accuracy(scores: np.ndarray, targets: np.ndarray) -> float:
    """Share of songs whose best-scored label is one of theirs."""
    best = scores.argmax(axis=1)
    return float(targets[np.arange(len(targets)), best].mean()) if len(targets) else 0.0


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    songs: int  # songs with the label (support)
    artists: int


@dataclass(frozen=True)
class Scores:
    accuracy: float  # the best label is one of the song's
    macro_f1: float


@dataclass(frozen=True)
class AdaptReport:
    """Cross-validated (grouped by artist) results of the chosen setting."""

    songs: int
    artists: int
    folds: int
    setting: dict
    per_song: Scores
    pooled: Scores  # each artist's songs scored together, as `tag` does by default
    labels: list[LabelScore]
    confusion: list[list[int]] | None  # [true label][best label] counts; None for multi-label data
    left_out: dict[str, tuple[int, int]]  # label -> (songs, artists): too few to learn
    baseline: Scores | None  # the base model alone on the same songs, its best matching name as the answer
    matched: list[tuple[str, str]]  # (label, the base model's genre or family it was matched to)

    @classmethod
    def build(
        cls,
        labels: list[str],
        left_out: dict,
        truth: np.ndarray,
        scores: np.ndarray,
        pooled_scores: np.ndarray,
        cut: float | None,
        groups: np.ndarray,
        baseline: np.ndarray | None,
        matched: list[tuple[str, str]],
        setting: dict,
        folds: int,
    ) -> AdaptReport:
        answers = decide(scores, cut)
        per_label = [
            LabelScore(
                label,
                round(score["precision"], 3),
                round(score["recall"], 3),
                round(score["f1"], 3),
                score["support"],
                len(set(groups[truth[:, j] > 0].tolist())),
            )
            for j, (label, score) in enumerate(zip(labels, per_genre(truth, answers, labels)))
        ]
        single = bool((truth.sum(axis=1) == 1).all())
        confusion = None
        if single:
            table = np.zeros((len(labels), len(labels)), dtype=int)
            np.add.at(table, (truth.argmax(axis=1), scores.argmax(axis=1)), 1)
            confusion = table.tolist()
        return cls(
            songs=len(truth),
            artists=len(set(groups.tolist())),
            folds=folds,
            setting=setting,
            per_song=_scores(scores, truth, cut),
            pooled=_scores(pooled_scores, truth, cut),
            labels=per_label,
            confusion=confusion,
            left_out=dict(left_out),
            baseline=None if baseline is None else _scores(baseline, truth, None),
            matched=matched,
        )

    def to_dict(self) -> dict:
        return asdict(self)

    def markdown(self) -> str:
        """The report as markdown (the model card's and the command's)."""
        lines = [
            f"Cross-validated on {self.songs} songs by {self.artists} artists, {self.folds} folds grouped by "
            "artist (no artist on both sides), with the chosen setting "
            + ", ".join(f"{key} {value}" for key, value in self.setting.items())
            + ".",
            "",
            "| | best label right (accuracy) | macro-F1 |",
            "|---|---|---|",
            f"| adapted, per song | {self.per_song.accuracy:.3f} | {self.per_song.macro_f1:.3f} |",
            f"| adapted, pooled by artist | {self.pooled.accuracy:.3f} | {self.pooled.macro_f1:.3f} |",
        ]
        if self.baseline:
            names = ", ".join(f"{label} = {name}" for label, name in self.matched)
            lines.append(
                f"| the base model alone, per song | {self.baseline.accuracy:.3f} | {self.baseline.macro_f1:.3f} |"
            )
            lines += ["", f"The base model alone answers the label whose matched name it scores highest ({names})."]
        else:
            lines += ["", "None of these labels matches a name the base model knows, so it has no score to compare."]
        lines += ["", "| label | precision | recall | F1 | songs | artists |", "|---|---|---|---|---|---|"]
        lines += [
            f"| {s.label} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.songs} | {s.artists} |"
            for s in self.labels
        ]
        if self.confusion:
            names = [s.label for s in self.labels]
            lines += ["", "Confusion (rows: the song's label, columns: the answer):", ""]
            lines += ["| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
            lines += [f"| {name} | " + " | ".join(map(str, row)) + " |" for name, row in zip(names, self.confusion)]
        if self.left_out:
            left = ", ".join(
                f"{label} ({_count(songs, 'song')}, {_count(artists, 'artist')})"
                for label, (songs, artists) in self.left_out.items()
            )
            lines += ["", f"Left out, too few songs or artists to learn: {left}."]
        return "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _scores(scores: np.ndarray, truth: np.ndarray, cut: float | None) -> Scores:
    return Scores(round(best_label_accuracy(scores, truth), 3), round(f1_macro(truth, decide(scores, cut)), 3))
