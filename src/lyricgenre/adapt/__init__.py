"""Adapt stage: learn a user's own labels on top of an exported model (numpy + onnxruntime, like the runtime).

`adapt(songs, base)` chooses and fits a head by cross-validation grouped by artist; `write_adapted` makes it a
model folder every interface loads like any other (`docs/adapt.md`).
"""

from lyricgenre.adapt.folder import write_adapted
from lyricgenre.adapt.learn import Adapted, AdaptSettings, LabelledSong, adapt
from lyricgenre.adapt.report import AdaptReport

__all__ = ["AdaptReport", "AdaptSettings", "Adapted", "LabelledSong", "adapt", "write_adapted"]
