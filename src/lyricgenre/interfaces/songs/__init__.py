"""The songs wing: songs in (`readers`: CSV, JSONL, Parquet, lyrics and audio files, folders) as `SongRow`s,
and records out (`writers`: JSONL, CSV, Parquet, safely written), for every interface that reads or writes
files of songs."""

from lyricgenre.interfaces.songs.readers import INPUT_FORMATS, count_songs, input_formats_help, read_songs
from lyricgenre.interfaces.songs.rows import SongRow
from lyricgenre.interfaces.songs.writers import OUTPUT_FORMATS, RecordWriter, output_formats_help

__all__ = [
    "INPUT_FORMATS",
    "OUTPUT_FORMATS",
    "RecordWriter",
    "SongRow",
    "count_songs",
    "input_formats_help",
    "output_formats_help",
    "read_songs",
]
