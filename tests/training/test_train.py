"""`train`, `tune` and `refit`: the decision rules tuned on validation, the final fit on train + validation."""

import json
import shutil
from pathlib import Path

import numpy as np

from lyricgenre.data.dataset import load_dataset
from lyricgenre.export import export_model
from lyricgenre.interfaces.cli import main
from lyricgenre.models import load_model
from lyricgenre.training import train_model


def test_train_chooses_the_default_rule_across_validation_artists(wide_dataset, tmp_path):
    result = train_model(wide_dataset, "tfidf", tmp_path / "m", {"min_df": 1, "n_jobs": 1})
    scores = result["thresholds"]["validation_scores"]
    judged = {name: s["cross_validated"]["f1_micro"] + s["cross_validated"]["f1_macro"] for name, s in scores.items()}
    assert set(judged) == {"global", "per_genre", "top_k"}
    assert result["thresholds"]["strategy"] == max(judged, key=judged.get)


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
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    for command in (["train", "--data", str(dataset), "--model", "tfidf"], ["refit", "--model", str(tmp_path)]):
        assert main([*command, "--out", str(mine)]) == 2  # refused before any training
        assert "holds other files and no model" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


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


def test_refit_keeps_a_member_refitted_already(dataset, trained, tmp_path, capsys):
    """A member refitted on its own (or by a refit that stopped) is not trained again by the ensemble's refit."""
    tuned = load_model(trained["ensemble"])
    first = tuned.member_folders()[0]
    out = tmp_path / "ensemble-refit"
    member_out = out / "members" / first.name
    assert main(["refit", "--model", str(first), "--out", str(member_out), "--data", str(dataset)]) == 0
    before = {p.name: p.stat().st_mtime_ns for p in member_out.iterdir()}
    capsys.readouterr()
    assert main(["refit", "--model", str(trained["ensemble"]), "--out", str(out), "--data", str(dataset)]) == 0
    assert f"{member_out}: refitted from {first} already; kept" in capsys.readouterr().out
    assert {p.name: p.stat().st_mtime_ns for p in member_out.iterdir()} == before
    refit = load_model(out)
    assert [Path(m) for m in refit.settings.members] == [member_out, out / "members" / tuned.member_folders()[1].name]


def test_capping_songs_per_artist_keeps_every_column_and_is_deterministic(dataset):
    from lyricgenre.training.train import cap_songs_per_artist, genre_support

    songs, _ = load_dataset(dataset)
    capped = cap_songs_per_artist(songs, 2, seed=13)
    assert list(capped.columns) == list(songs.columns)  # pandas 3's groupby-apply dropped `artist_key`
    assert (
        capped.groupby("artist_key").size().max() == 2
        and capped["artist_key"].nunique() == songs["artist_key"].nunique()
    )
    assert capped.index.equals(cap_songs_per_artist(songs, 2, seed=13).index)
    assert genre_support(capped, sorted({g for gs in capped["genres"] for g in gs}))


def test_train_and_refit_with_a_cap_on_songs_per_artist(dataset, tmp_path, capsys):
    out, config = tmp_path / "capped", tmp_path / "capped.json"
    config.write_text(json.dumps({"max_songs_per_artist": 2, "max_features": 500}))
    assert main(["train", "--model", "tfidf", "--config", str(config), "--data", str(dataset), "--out", str(out)]) == 0
    assert main(["refit", "--model", str(out), "--out", str(tmp_path / "capped-refit"), "--data", str(dataset)]) == 0
    refit = load_model(tmp_path / "capped-refit")
    songs, _ = load_dataset(dataset)
    pool = songs[songs["split"].isin(["train", "validation"])]
    assert refit.metadata["training"]["train_songs"] == int(pool.groupby("artist_key").size().clip(upper=2).sum())
