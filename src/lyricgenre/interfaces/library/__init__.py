"""The library wing: genres written into a music library's audio files (`tagger`), what is written
(`settings`, the tagger's options declared once) and lyrics fetched for files that have none (`lyrics_fetch`)."""
