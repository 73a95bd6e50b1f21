"""Interfaces: the command line, batch files and folders, music-library tagging, audio tags, the web app.

Everything here reaches the model only through the runtime's public API (`lyricgenre.runtime`), and every
interface that reads songs classifies them through one path (`classify.classify_rows`). The Python API of
batch tagging is re-exported here: `predict_file` (a CSV/JSONL/Parquet file or folder → records) and
`tag_library` (genres into a library's audio tags), with their plain-argument settings.
"""

from lyricgenre.interfaces.batch import FileOptions, predict_file
from lyricgenre.interfaces.library.settings import TagSettings, load_tag_settings
from lyricgenre.interfaces.library.tagger import tag_library

__all__ = ["FileOptions", "TagSettings", "load_tag_settings", "predict_file", "tag_library"]
