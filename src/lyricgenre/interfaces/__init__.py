"""Interfaces: the command line, batch files and folders, music-library tagging, audio tags, the web app.

Everything here reaches the model only through the runtime's public API (`lyricgenre.runtime`).
"""
