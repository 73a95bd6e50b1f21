"""Each model kind trained end to end on a tiny synthetic dataset: save, load, settings, kind-specific training."""

import json
import shutil

import numpy as np
import pytest

from lyricgenre.data.dataset import label_matrix, load_dataset
from lyricgenre.export import export_model
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
