"""`lyricgenre evaluate`: reports per model, paired differences, random split, artist pooling, exported models."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from lyricgenre.data.dataset import label_matrix, load_dataset
from lyricgenre.decision import Families, pool_artists
from lyricgenre.evaluation.report import Decisions
from lyricgenre.evaluation.run import (
    Scored,
    comparison_markdown,
    evaluate_models,
    evaluate_random_split,
    paired_differences,
    report_names,
)
from lyricgenre.interfaces.cli import main
from lyricgenre.models import load_model
from lyricgenre.runtime import GenreClassifier


def test_evaluate_writes_reports_for_each_model(trained, tmp_path):
    results = evaluate_models([trained["tfidf"], trained["ensemble"]], None, "test", tmp_path)
    for name in ("tfidf", "ensemble"):
        folder = tmp_path / name
        assert {p.name for p in folder.iterdir()} >= {
            "metrics.json",
            "report.md",
            "per_genre_f1.png",
            "precision_recall.png",
            "calibration.png",
            "per_family_f1.png",
        }
        report = (folder / "report.md").read_text()
        assert (
            "artist-disjoint" in report and "## Families" in report and "rolled up from the tuned genre rule" in report
        )
        assert results[name]["protocol"] == "artist-disjoint" and results[name]["strategy"] == "precise"
        families = results[name]["families"]
        assert {f["genre"] for f in families["per_family"]} >= {"rock", "pop", "hip hop", "country"}
        assert 0 <= families["summary"]["f1_micro"] <= 1 and families["rolled_up_from_genres"]["f1_macro"] >= 0
        assert results[name]["summary"] == results[name]["by_strategy"]["precise"]
    assert "| tfidf |" in (tmp_path / "comparison.md").read_text()
    paired = json.loads((tmp_path / "comparison.json").read_text())
    assert list(paired) == ["ensemble"] and paired["ensemble"]["versus"] == "tfidf"
    for metric in ("f1_micro", "f1_macro"):
        gain = results["ensemble"]["summary"][metric] - results["tfidf"]["summary"][metric]
        assert paired["ensemble"][metric]["difference"] == pytest.approx(gain)
        ensemble, tfidf = (results[name]["families"]["summary"][metric] for name in ("ensemble", "tfidf"))
        assert paired["ensemble"]["families"][metric]["difference"] == pytest.approx(ensemble - tfidf)
    comparison = (tmp_path / "comparison.md").read_text()
    assert "| ensemble | tfidf |" in comparison and "| ensemble, families | tfidf |" in comparison


def test_cli_evaluate_with_random_split(trained, tmp_path, capsys):
    assert main(["evaluate", "--model", str(trained["tfidf"]), "--reports", str(tmp_path), "--random-split"]) == 0
    output = capsys.readouterr().out
    assert "artist-disjoint" in output and "random-split" in output
    assert "leaky" in (tmp_path / "tfidf-random-split" / "report.md").read_text()
    comparison = (tmp_path / "comparison.md").read_text()
    assert "| tfidf | tfidf | artist-disjoint |" in comparison
    assert "| tfidf-random-split | tfidf | random-split |" in comparison
    assert "versus" not in comparison  # one model per protocol: nothing to compare


def test_evaluate_pool_artist_scores_the_artist_pooled_probabilities(dataset, trained, tmp_path, capsys):
    assert main(["evaluate", "--model", str(trained["tfidf"]), "--reports", str(tmp_path), "--pool-artist"]) == 0
    assert "artist-pooled" in capsys.readouterr().out
    pooled = json.loads((tmp_path / "tfidf-artist-pooled" / "metrics.json").read_text())
    assert pooled["protocol"] == "artist-disjoint, artist-pooled"
    assert "averaged over its artist's songs" in (tmp_path / "tfidf-artist-pooled" / "report.md").read_text()
    songs, _ = load_dataset(dataset)
    test = songs[songs["split"] == "test"]
    model = load_model(trained["tfidf"])
    families = Families.from_dict(model.metadata["families"])
    pooled_scores, sizes = pool_artists(model.predict_proba(list(test["lyrics"])), list(test["artist"]))
    predicted = families.default_genres(pooled_scores, sizes > 1)
    truth = label_matrix(test["genres"], model.genres)
    assert pooled["summary"]["f1_micro"] == pytest.approx(f1_score(truth, predicted, average="micro"))


def test_random_split_retrains_an_ensembles_members(trained, tmp_path):
    result = evaluate_random_split(trained["ensemble"], None, tmp_path / "reports", tmp_path / "work").result
    members = json.loads((tmp_path / "work" / "model" / "members.json").read_text())
    assert [Path(m).parent for m in members] == [tmp_path / "work"] * 2  # not the artist-split members
    assert {load_model(Path(m)).kind for m in members} == {"tfidf", "transformer"}
    assert result["protocol"] == "random-split" and 0 <= result["summary"]["f1_micro"] <= 1


def test_paired_differences_compare_only_models_scored_on_the_same_songs_and_genres():
    truth = np.array([[1, 0], [0, 1], [1, 1], [0, 1]], dtype=bool)
    artists = np.array([0, 0, 1, 2])

    def scored(protocol, predicted, songs=range(4), genres=("a", "b")):
        result = {"protocol": protocol}
        return Scored(result, pd.Index(songs), list(genres), artists, truth, Decisions(np.array(predicted, dtype=bool)))

    differences = paired_differences(
        {
            "reference": scored("artist-disjoint", truth),
            "worse": scored("artist-disjoint", ~truth),
            "other-songs": scored("artist-disjoint", truth, songs=range(1, 5)),
            "other-genres": scored("artist-disjoint", truth, genres=("a", "c")),
            "alone": scored("random-split", truth),
        }
    )
    assert set(differences) == {"worse", "other-songs", "other-genres"}  # "alone" is its protocol's reference
    assert differences["worse"]["versus"] == "reference" and differences["worse"]["f1_micro"]["difference"] == -1.0
    assert differences["other-songs"] == {"versus": "reference", "not_compared": "scored on other songs or genres"}
    assert "not_compared" in differences["other-genres"]
    summary = dict.fromkeys(("f1_micro", "f1_macro", "f1_samples", "precision_micro", "recall_micro"), 0.5)
    row = {"kind": "tfidf", "protocol": "artist-disjoint", "split": "test", "summary": summary}
    markdown = comparison_markdown(
        {"reference": row, **{name: {**row, "paired_difference": d} for name, d in differences.items()}}
    )
    assert "| worse | reference | 3 | -1.0000 |" in markdown
    assert "| other-songs | reference | not compared: scored on other songs or genres |" in markdown


def test_evaluate_scores_an_exported_model_as_shipped(dataset, trained, exported_baseline, tmp_path, capsys):
    arguments = ["evaluate", "--model", str(trained["tfidf"]), "--model", str(exported_baseline)]
    assert main([*arguments, "--data", str(dataset), "--reports", str(tmp_path)]) == 0
    assert "minus tfidf" in capsys.readouterr().out  # the export is compared with its trained model
    shipped_name = f"{exported_baseline.parent.name}-tfidf"  # both folders are named "tfidf"
    report = json.loads((tmp_path / shipped_name / "metrics.json").read_text())
    assert report["kind"] == "exported tfidf, int8" and report["protocol"] == "artist-disjoint"
    songs, _ = load_dataset(dataset)
    test = songs[songs["split"] == "test"]
    classifier = GenreClassifier.load(exported_baseline)
    predicted = classifier.decide(classifier.predict_proba(list(test["lyrics"])))
    truth = label_matrix(test["genres"], classifier.genres)
    assert report["summary"]["f1_micro"] == pytest.approx(f1_score(truth, predicted, average="micro"))
    assert main([*arguments, "--reports", str(tmp_path), "--random-split"]) == 2
    assert "not exported ones" in capsys.readouterr().err


def test_report_names_stay_apart_when_folders_are_named_alike():
    folders = [Path("models/baseline"), Path("export/baseline"), Path("export/baseline"), Path("models/ensemble")]
    assert report_names(folders) == ["baseline", "export-baseline", "export-baseline-2", "ensemble"]
