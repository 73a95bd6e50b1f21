"""tools/carry_rules.py: a refit's export takes over the rules of the train-only model it came from, and no other's."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "carry_rules.py"


def _carry(tuned: Path, export: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, str(TOOL), "--tuned", str(tuned), "--export", str(export)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_an_export_takes_over_the_rules_of_its_own_train_only_model(trained, exported, tmp_path):
    tuned = shutil.copytree(trained["ensemble"], tmp_path / "tuned")
    description = json.loads((tuned / "model.json").read_text())
    description["families"]["relative"], description["families"]["relative_to"] = 0.7, "threshold"
    (tuned / "model.json").write_text(json.dumps(description))
    export = shutil.copytree(exported, tmp_path / "export")
    result = _carry(tuned, export)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((export / "manifest.json").read_text())
    assert manifest["families"] == description["families"] and manifest["thresholds"] == description["thresholds"]
    assert "0.7 of the song's best family over its threshold" in (export / "MODEL_CARD.md").read_text()


def test_rules_of_another_model_are_refused_and_nothing_is_written(trained, exported, tmp_path):
    other = shutil.copytree(trained["ensemble"], tmp_path / "other")
    description = json.loads((other / "model.json").read_text())
    description["validation_metrics"]["f1_micro"] -= 0.01  # as another training run of the same genres scores
    (other / "model.json").write_text(json.dumps(description))
    export = shutil.copytree(exported, tmp_path / "export")
    before = (export / "manifest.json").read_bytes()
    result = _carry(other, export)
    assert result.returncode == 1 and result.stderr.startswith("carry_rules: not the model the export was refitted")
    assert len(result.stderr.strip().splitlines()) == 1
    assert (export / "manifest.json").read_bytes() == before
