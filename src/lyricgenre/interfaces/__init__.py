"""Interfaces: the command line, batch files and folders, music-library tagging, audio tags, the web app.

Everything here reaches the model only through the runtime's public API (`lyricgenre.runtime`). The
Python API of batch tagging is re-exported here: `predict_file` (a CSV/JSONL/folder → records) and
`tag_library` (genres into a library's audio tags), with their plain-argument settings.
"""

from lyricgenre.interfaces.batch import FileOptions, predict_file
from lyricgenre.interfaces.library import tag_library
from lyricgenre.interfaces.tag_settings import TagSettings, load_tag_settings

__all__ = ["FileOptions", "TagSettings", "load_tag_settings", "predict_file", "tag_library"]
