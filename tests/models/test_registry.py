"""The registry of model kinds: a new kind is one module + one line; old names still load; typos are errors."""

import json
import shutil

import numpy as np
import pytest

from lyricgenre.errors import UserError
from lyricgenre.interfaces.cli import main
from lyricgenre.models import load_model, model_class
from lyricgenre.models.registry import KINDS, canonical_kind
from lyricgenre.runtime import GenreClassifier


@pytest.fixture
def toy_kind(monkeypatch):
    monkeypatch.setitem(KINDS, "prior", "tests.models.toy_kind:PriorModel")  # the one registry line


def test_a_toy_kind_trains_exports_and_runs_from_the_cli(toy_kind, dataset, tmp_path, capsys):
    folder, artifact = tmp_path / "prior", tmp_path / "export"
    config = tmp_path / "prior.json"
    config.write_text(json.dumps({"smoothing": 2.0}))
    arguments = ["train", "--data", str(dataset), "--model", "prior", "--out", str(folder), "--config", str(config)]
    assert main(arguments) == 0
    model = load_model(folder)
    assert model.kind == "prior" and model.settings.smoothing == 2.0
    assert main(["export", "--model", str(folder), "--out", str(artifact)]) == 0
    classifier = GenreClassifier.load(artifact)
    texts = ["a song about the open road and the night", "another one"]
    np.testing.assert_allclose(classifier.predict_proba(texts), model.predict_proba(texts), rtol=2e-2)
    assert "genre frequencies" in (artifact / "MODEL_CARD.md").read_text()
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["train", "--data", str(dataset), "--model", "nonesuch", "--out", str(folder)])
    assert "choose from 'tfidf', 'transformer', 'ensemble', 'prior'" in capsys.readouterr().err  # from the registry


def test_old_kind_names_still_load(trained, tmp_path):
    folder = tmp_path / "old"
    shutil.copytree(trained["tfidf"], folder)
    description = json.loads((folder / "model.json").read_text())
    (folder / "model.json").write_text(json.dumps({**description, "kind": "baseline"}))
    assert load_model(folder).kind == "tfidf" and canonical_kind("baseline") == "tfidf"
    with pytest.raises(UserError, match="choose tfidf, transformer, ensemble"):
        model_class("bert")


def test_old_component_type_names_still_load(exported_baseline, tmp_path):
    folder = tmp_path / "old-export"
    shutil.copytree(exported_baseline, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["components"] = [{**c, "type": "tfidf_linear"} for c in manifest["components"]]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    texts = ["some words of a song"]
    np.testing.assert_array_equal(
        GenreClassifier.load(folder).predict_proba(texts), GenreClassifier.load(exported_baseline).predict_proba(texts)
    )


def test_a_typo_in_a_training_config_is_an_error_naming_the_valid_keys(dataset, tmp_path, capsys):
    config = tmp_path / "typo.json"
    config.write_text(json.dumps({"epoch": 5}))
    arguments = ["train", "--data", str(dataset), "--model", "transformer", "--out", str(tmp_path / "m")]
    assert main([*arguments, "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "unknown transformer setting(s) 'epoch'" in err and "epochs" in err and "max_songs_per_artist" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "m").exists()
    config.write_text(json.dumps({"epochs": "two"}))
    assert main([*arguments, "--config", str(config)]) == 2
    assert "'epochs' must be an integer, got 'two'" in capsys.readouterr().err
