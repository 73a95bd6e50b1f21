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


def test_extending_quotes_its_examples_as_the_code_that_runs():
    """Each `<!-- example: PATH -->` block of docs/extending.md is a part of PATH as it is; PATH is a module the
    tests import and run (tests/models/test_registry.py, tests/extending/test_examples.py)."""
    import re

    page = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
    examples = re.findall(r"<!-- example: (\S+) -->\n```python\n(.*?)```", page, re.S)
    assert len(examples) == 4
    for path, code in examples:
        assert code in (ROOT / path).read_text(encoding="utf-8"), path
