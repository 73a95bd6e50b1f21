"""One-time hints: a line a user needs once (the first time something happens), never again after."""

from __future__ import annotations

import os
from pathlib import Path


def state_folder() -> Path:
    """Where the hints already given are remembered ($XDG_STATE_HOME/lyricgenre, else ~/.local/state/lyricgenre)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "lyricgenre"


def first_time(hint: str) -> bool:
    """Whether `hint` has not been given yet; remembered from now on (a folder that cannot be written: always new)."""
    marker = state_folder() / f"hint-{hint}"
    if marker.exists():
        return False
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass
    return True
