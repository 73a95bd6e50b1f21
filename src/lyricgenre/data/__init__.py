"""Data stage: raw sources -> clean, artist-split dataset (`lyricgenre data build`)."""
