"""The generated reference pages (settings, every command's --help) match the code."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_reference_pages_are_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "docs.py"), "--check"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
