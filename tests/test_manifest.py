import json
import shutil

import pytest

from lyricgenre.errors import UserError
from lyricgenre.manifest import FORMAT, MANIFEST, Manifest
from lyricgenre.runtime import GenreClassifier


def test_export_writes_the_typed_manifest_the_runtime_reads(exported_baseline):
    manifest = Manifest.read(exported_baseline)
    assert manifest.format == FORMAT and manifest.genres and manifest.components
    assert json.loads((exported_baseline / MANIFEST).read_text())["format"] == FORMAT


@pytest.mark.parametrize("version", [2, 0, "1"])
def test_a_model_of_an_unknown_format_is_refused_in_one_line_naming_it(exported_baseline, tmp_path, version):
    copy = shutil.copytree(exported_baseline, tmp_path / "model")
    data = json.loads((copy / MANIFEST).read_text())
    data["format"] = version
    (copy / MANIFEST).write_text(json.dumps(data))
    with pytest.raises(UserError) as refused:
        GenreClassifier.load(copy)
    message = str(refused.value)
    assert f"model format {version!r} is not one this lyricgenre reads" in message and "\n" not in message


def test_a_manifest_missing_an_entry_is_one_clear_error(exported_baseline, tmp_path):
    copy = shutil.copytree(exported_baseline, tmp_path / "model")
    data = json.loads((copy / MANIFEST).read_text())
    del data["genres"]
    (copy / MANIFEST).write_text(json.dumps(data))
    with pytest.raises(UserError, match="not a valid lyricgenre manifest.*genres"):
        Manifest.read(copy)
