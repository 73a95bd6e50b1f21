"""Each model kind trained end to end on a tiny synthetic dataset: save, load, thresholds, genre order."""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from lyricgenre.data.dataset import label_matrix, load_dataset
from lyricgenre.decision import Families, pool_by_artist
from lyricgenre.evaluation.run import (
    Scored,
    comparison_markdown,
    evaluate_models,
    evaluate_random_split,
    paired_differences,
    report_names,
)
from lyricgenre.export import export_model
from lyricgenre.interfaces.cli import main
from lyricgenre.models import load_model
from lyricgenre.runtime import GenreClassifier
from lyricgenre.training import train_model


@pytest.mark.parametrize("kind", ["tfidf", "transformer", "ensemble"])
def test_every_kind_trains_saves_and_loads(dataset, trained, kind):
    songs, vocabulary = load_dataset(dataset)
    model = load_model(trained[kind])
    assert model.kind == kind
    assert model.genres == [g for g in vocabulary if g in set(model.genres)]  # vocabulary order
    description = json.loads((trained[kind] / "model.json").read_text())
    assert description["thresholds"]["strategy"] in ("global", "per_genre", "top_k")
    assert "f1_micro" in description["validation_metrics"]
    test = songs[songs["split"] == "test"]
    probabilities = model.predict_proba(list(test["lyrics"]))
    assert probabilities.shape == (len(test), len(model.genres))
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    assert model.predict(list(test["lyrics"][:3])).shape == (3, len(model.genres))


def test_tfidf_learns_the_synthetic_styles(dataset, trained):
    songs, _ = load_dataset(dataset)
    model = load_model(trained["tfidf"])
    test = songs[songs["split"] == "test"]
    predicted = model.predict(list(test["lyrics"]))
    truth = label_matrix(test["genres"], model.genres)
    assert (predicted == truth).mean() > 0.9


def test_reloaded_model_predicts_the_same(dataset, trained):
    songs, _ = load_dataset(dataset)
    texts = list(songs["lyrics"][:4])
    first, second = load_model(trained["transformer"]), load_model(trained["transformer"])
    np.testing.assert_allclose(first.predict_proba(texts), second.predict_proba(texts), atol=1e-6)


def test_ensemble_weights_are_tuned_and_sum_to_one(trained):
    weights = load_model(trained["ensemble"]).settings.weights
    assert len(weights) == 2 and sum(weights) == pytest.approx(1.0)


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
    assert "| ensemble | tfidf |" in (tmp_path / "comparison.md").read_text()


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
    predicted = families.default_genres(pool_by_artist(model.predict_proba(list(test["lyrics"])), list(test["artist"])))
    truth = label_matrix(test["genres"], model.genres)
    assert pooled["summary"]["f1_micro"] == pytest.approx(f1_score(truth, predicted, average="micro"))


def test_train_chooses_the_default_rule_across_validation_artists(wide_dataset, tmp_path):
    result = train_model(wide_dataset, "tfidf", tmp_path / "m", {"min_df": 1, "n_jobs": 1})
    scores = result["thresholds"]["validation_scores"]
    judged = {name: s["cross_validated"]["f1_micro"] + s["cross_validated"]["f1_macro"] for name, s in scores.items()}
    assert set(judged) == {"global", "per_genre", "top_k"}
    assert result["thresholds"]["strategy"] == max(judged, key=judged.get)


def test_random_split_retrains_an_ensembles_members(trained, tmp_path):
    result = evaluate_random_split(trained["ensemble"], None, tmp_path / "reports", tmp_path / "work").result
    members = json.loads((tmp_path / "work" / "model" / "members.json").read_text())
    assert [Path(m).parent for m in members] == [tmp_path / "work"] * 2  # not the artist-split members
    assert {load_model(Path(m)).kind for m in members} == {"tfidf", "transformer"}
    assert result["protocol"] == "random-split" and 0 <= result["summary"]["f1_micro"] <= 1


def test_cli_train_rejects_bad_input(dataset, tmp_path, capsys):
    assert main(["train", "--data", str(tmp_path / "none.parquet"), "--model", "tfidf", "--out", str(tmp_path)]) == 2
    assert "dataset not found" in capsys.readouterr().err
    config = tmp_path / "bad.json"
    config.write_text("[1, 2]")
    arguments = ["train", "--data", str(dataset), "--model", "tfidf", "--out", str(tmp_path / "m")]
    assert main([*arguments, "--config", str(config)]) == 2
    assert "must be a JSON object" in capsys.readouterr().err
    assert main(["evaluate", "--model", str(tmp_path)]) == 2
    assert "not a trained model folder" in capsys.readouterr().err


def test_cli_tune_rewrites_only_the_decision_rules(dataset, trained, tmp_path, capsys):
    folder = tmp_path / "tfidf"
    shutil.copytree(trained["tfidf"], folder)
    description = json.loads((folder / "model.json").read_text())
    description["thresholds"]["strategy"], description["thresholds"]["validation_scores"] = "top_k", {}
    (folder / "model.json").write_text(json.dumps(description))
    weights = (folder / "tfidf.joblib").read_bytes()
    assert main(["tune", "--model", str(folder), "--data", str(dataset)]) == 0
    assert "validation F1 micro" in capsys.readouterr().out
    tuned = json.loads((folder / "model.json").read_text())
    assert set(tuned["thresholds"]["validation_scores"]) == {"global", "per_genre", "top_k"}
    assert (folder / "tfidf.joblib").read_bytes() == weights
    assert main(["tune", "--model", str(tmp_path / "nothing")]) == 2
    assert "not a trained model folder" in capsys.readouterr().err


def test_cli_refit_trains_again_on_train_and_validation_keeping_what_was_tuned(dataset, trained, tmp_path, capsys):
    out = tmp_path / "ensemble-refit"
    assert main(["refit", "--model", str(trained["ensemble"]), "--out", str(out), "--data", str(dataset)]) == 0
    assert "refitted on" in capsys.readouterr().out
    tuned, refit = load_model(trained["ensemble"]), load_model(out)
    songs, _ = load_dataset(dataset)
    train_and_validation = int(songs["split"].isin(["train", "validation"]).sum())
    assert train_and_validation > int((songs["split"] == "train").sum())
    assert refit.genres == tuned.genres and refit.thresholds == tuned.thresholds
    assert refit.settings.weights == tuned.settings.weights
    for member, tuned_member in zip(refit.members_, tuned.members_):
        training = member.metadata["training"]
        assert training["train_split"] == "train+validation" and training["train_songs"] == train_and_validation
        assert member.thresholds == tuned_member.thresholds and member.settings == tuned_member.settings
    assert [Path(m).parent for m in refit.settings.members] == [out / "members"] * 2
    texts = list(songs.loc[songs["split"] == "test", "lyrics"])
    assert not np.allclose(refit.members_[0].predict_proba(texts), tuned.members_[0].predict_proba(texts))
    export_model(out, tmp_path / "artifact")
    card = (tmp_path / "artifact" / "MODEL_CARD.md").read_text()
    assert f"{train_and_validation} training songs (train+validation split)" in card and "lyricgenre refit" in card
    assert main(["tune", "--model", str(out)]) == 2
    assert "cannot tune it" in capsys.readouterr().err
    assert main(["refit", "--model", str(out), "--out", str(tmp_path / "again")]) == 2
    assert "already refitted" in capsys.readouterr().err


def test_rare_genre_weight_up_weights_rare_positives_with_a_cap():
    from lyricgenre.models.transformer import TransformerModel

    prior = np.array([0.5, 0.01, 0.0001])
    plain = TransformerModel(["a", "b", "c"])._positive_weights(prior)
    weighted = TransformerModel(["a", "b", "c"], {"rare_genre_weight": 0.5})._positive_weights(prior)
    assert plain.tolist() == [1.0, 1.0, 1.0]
    assert weighted == pytest.approx([1.0, 99**0.5, 10.0], rel=1e-5)


def test_transformer_trains_from_a_copy_of_the_base_weights_and_refuses_a_missing_gpu(dataset, tmp_path, monkeypatch):
    import torch

    from lyricgenre.errors import UserError
    from lyricgenre.models.transformer import pretrained_minilm_path

    copy = tmp_path / "base"
    shutil.copytree(pretrained_minilm_path(), copy)
    config = {"epochs": 1, "batch_size": 8, "max_length": 48, "max_windows": 2, "base_weights": str(copy)}
    train_model(dataset, "transformer", tmp_path / "model", config)
    model = load_model(tmp_path / "model")
    assert model.predict_proba(["la la la"]).shape == (1, len(model.genres))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(UserError, match="no GPU"):
        train_model(dataset, "transformer", tmp_path / "gpu", {**config, "device": "cuda"})


def test_training_windows_split_or_crop():
    """Training: "split" draws one of the song's windows (possibly a short tail); "crop" a full-length random span."""
    import random

    from lyricgenre.errors import UserError
    from lyricgenre.models.transformer import TransformerModel, pretrained_minilm_path
    from lyricgenre.text import load_tokenizer

    text = " ".join(f"word{i % 50} night" for i in range(300))
    rng = random.Random(0)
    models = {}
    for mode in ("split", "crop"):
        models[mode] = TransformerModel(["a"], {"max_length": 64, "max_windows": 8, "train_windows": mode})
        models[mode].tokenizer_ = load_tokenizer(pretrained_minilm_path() / "tokenizer.json")
    (split_windows,) = models["split"]._training_windows([text])
    (crop_tokens,) = models["crop"]._training_windows([text])
    assert len(split_windows) > 2 and len(split_windows[-1]) < 64
    assert crop_tokens[0] == models["crop"].tokenizer_.encode(text, add_special_tokens=False).ids
    crops = [models["crop"]._sample_window(crop_tokens, rng) for _ in range(200)]
    assert {len(c) for c in crops} == {64}
    assert len({tuple(c) for c in crops}) > 20  # random starts, not one fixed window
    assert models["split"]._sample_window(split_windows, rng) in split_windows
    with pytest.raises(UserError, match="train_windows"):
        TransformerModel(["a"], {"train_windows": "middle"})


def test_freeze_embeddings_keeps_the_pretrained_token_embeddings(dataset, tmp_path):
    import torch
    from transformers import AutoModel

    from lyricgenre.models.transformer import pretrained_minilm_path

    config = {"epochs": 1, "batch_size": 8, "max_length": 48, "max_windows": 2, "freeze_embeddings": True}
    train_model(dataset, "transformer", tmp_path / "model", config)
    before = AutoModel.from_pretrained(str(pretrained_minilm_path())).float().state_dict()
    after = load_model(tmp_path / "model").network_.encoder.state_dict()
    assert torch.equal(after["embeddings.word_embeddings.weight"], before["embeddings.word_embeddings.weight"])
    assert not torch.equal(after["encoder.layer.0.output.dense.weight"], before["encoder.layer.0.output.dense.weight"])


def test_strip_punctuation_reads_words_only_in_training_and_in_the_exported_runtime(dataset, trained, tmp_path):
    from lyricgenre.export import export_model
    from lyricgenre.runtime import GenreClassifier

    config = {"epochs": 1, "batch_size": 8, "max_length": 48, "max_windows": 2, "strip_punctuation": True}
    train_model(dataset, "transformer", tmp_path / "model", config)
    raw, flat = "Don't stop — the night's young, rock-and-roll!\nYeah", "dont stop the nights young rock and roll yeah"
    model = load_model(tmp_path / "model")
    np.testing.assert_array_equal(model.predict_proba([raw]), model.predict_proba([flat]))
    export_model(tmp_path / "model", tmp_path / "export")
    classifier = GenreClassifier.load(tmp_path / "export")
    np.testing.assert_array_equal(classifier.predict_proba([raw]), classifier.predict_proba([flat]))
    reads_punctuation = load_model(trained["transformer"])  # the default: the text as it is
    assert not np.array_equal(reads_punctuation.predict_proba([raw]), reads_punctuation.predict_proba([flat]))


def test_length_groups_split_a_batch_into_runs_of_similar_length():
    from lyricgenre.models.transformer import length_groups

    lengths = [256, 40, 256, 38, 120, 256, 41]
    groups = length_groups(lengths, call_cost=64)
    assert sorted(k for group in groups for k in group) == list(range(len(lengths)))
    assert [sorted(lengths[k] for k in group) for group in groups] == [[38, 40, 41], [120], [256, 256, 256]]
    assert length_groups(lengths, call_cost=10_000) == [[3, 1, 6, 4, 0, 2, 5]]  # calls dearer than padding: one


def test_training_gradients_from_length_groups_equal_one_padded_batch():
    """Padding is masked out, so sub-batches of similar length give the gradients of the whole padded batch."""
    import torch

    from lyricgenre.models.transformer import TransformerModel, length_groups, pretrained_minilm_path
    from lyricgenre.text import pad_batch

    model = TransformerModel(["a", "b"])
    model._load_pretrained(pretrained_minilm_path())
    model.network_.eval()  # no dropout: both ways see the same network
    samples = [[101, *range(1000, 1000 + n), 102] for n in (250, 5, 240, 7)]
    assert len(length_groups([len(s) for s in samples])) == 2
    targets = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    loss_function = torch.nn.BCEWithLogitsLoss()

    def gradients() -> dict[str, torch.Tensor]:
        grads = {name: w.grad.clone() for name, w in model.network_.named_parameters() if w.grad is not None}
        model.network_.zero_grad(set_to_none=True)
        return grads

    loss = model._backward(samples, targets, loss_function)
    grouped = gradients()
    input_ids, attention = pad_batch(samples)
    padded_loss = loss_function(model.network_(torch.from_numpy(input_ids), torch.from_numpy(attention)), targets)
    padded_loss.backward()
    assert loss == pytest.approx(padded_loss.item(), rel=1e-5)
    padded = gradients()
    assert grouped.keys() == padded.keys() and "head.weight" in grouped
    for name, gradient in grouped.items():
        torch.testing.assert_close(gradient, padded[name], rtol=1e-4, atol=1e-6)


def test_paired_differences_compare_only_models_scored_on_the_same_songs_and_genres():
    truth = np.array([[1, 0], [0, 1], [1, 1], [0, 1]], dtype=bool)
    artists = np.array([0, 0, 1, 2])

    def scored(protocol, predicted, songs=range(4), genres=("a", "b")):
        result = {"protocol": protocol}
        return Scored(result, pd.Index(songs), list(genres), artists, truth, np.array(predicted, dtype=bool))

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
