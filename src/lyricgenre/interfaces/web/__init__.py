"""The web page and the JSON HTTP API (`app.py`), with the page's files in `static/`."""
