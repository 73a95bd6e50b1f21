"""`lyricgenre export`: where an artifact may be written."""

import pytest

from lyricgenre.errors import UserError
from lyricgenre.export import export_model


def test_an_export_goes_into_a_new_folder_or_over_an_earlier_export_only(trained, tmp_path):
    fresh = tmp_path / "export"
    export_model(trained["tfidf"], fresh)
    export_model(trained["tfidf"], fresh)  # again over itself, as a re-export does
    assert (fresh / "manifest.json").is_file() and (fresh / "tfidf.npz").is_file()
    other = tmp_path / "src"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="holds other files and no export"):
        export_model(trained["tfidf"], other)
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]
