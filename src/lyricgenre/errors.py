"""Errors caused by the user's input: the CLI prints them as one line and exits non-zero."""


class UserError(Exception):
    """Bad input (a missing file, a malformed row, an unknown option value); the message says which."""
