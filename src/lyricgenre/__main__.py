"""`python -m lyricgenre`: the same as the `lyricgenre` command."""

import sys

from lyricgenre.launch import main

sys.exit(main())
