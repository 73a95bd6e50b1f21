"""`python -m lyricgenre`: the same as the `lyricgenre` command."""

import sys

from lyricgenre.interfaces.cli import main

sys.exit(main())
