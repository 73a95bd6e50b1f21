"""The web page: the form, and the results drawn as family chips and genre bars (server-side for the no-JavaScript
form; `static/app.js` draws the same from the API's answers)."""

from __future__ import annotations

import html
import re
from importlib import resources

from lyricgenre.runtime import WHOLE_SONG

SHOWN_FAMILIES = 2  # families shown beside the predicted ones


def render_results(result: dict) -> str:
    """The notes on how reliable the tags are (if any), the families, then the ranked genres as bars."""
    genres, families = result["genres"], result["families"]
    shown = [f for f in families if f["predicted"]] + [f for f in families if not f["predicted"]][:SHOWN_FAMILIES]
    chips = "".join(
        f'<li class="{"predicted" if f["predicted"] else ""}">{html.escape(f["family"])} '
        f'<span class="score">{f["score"]:.2f}</span></li>'
        for f in shown
    )
    rows = "".join(
        f'<li class="{"predicted" if g["predicted"] else ""}"><span class="name">{html.escape(g["genre"])}</span>'
        f'<span class="bar"><span style="width:{g["score"] * 100:.1f}%"></span></span>'
        f'<span class="score">{g["score"]:.2f}</span>{"<em>predicted</em>" if g["predicted"] else ""}</li>'
        for g in genres
    )
    remarks = "".join(f"<li>{html.escape(note)}</li>" for note in result["notes"])
    return (
        (f'<ul class="notes">{remarks}</ul>' if remarks else "")
        + (f'<h2>Families</h2><ul class="families" aria-label="families">{chips}</ul>' if chips else "")
        + f'<h2>Genres</h2><ol class="genres">{rows}</ol>'
        + _why(result.get("explanations"))
    )


def _why(explanations: dict | None) -> str:
    """The strongest lines behind each predicted family, or, for a model without families (adapted to labels
    of the user's own), each predicted genre: the page without JavaScript; with it, a click on a family or genre
    marks its lines in the lyrics."""
    if not explanations:
        return ""
    labels = explanations["families"] or explanations["genres"]
    items = "".join(
        f"<li><strong>{html.escape(name)}</strong>: {_strongest(lines[:2])}</li>" for name, lines in labels.items()
    )
    return f'<h2>Why</h2><ul class="why">{items}</ul>' if items else ""


def _strongest(effects: list[dict]) -> str:
    """A label's lines as a sentence, or that its score comes from the song as a whole."""
    if not effects:
        return html.escape(WHOLE_SONG)
    return "; ".join(f'line {e["line"]} "{html.escape(e["text"])}" (−{e["effect"]:.3f})' for e in effects)


def render_page(
    lyrics: str = "",
    form: dict | None = None,
    result: dict | None = None,
    error: str | None = None,
) -> str:
    form = form or {}
    template = (resources.files("lyricgenre.interfaces.web") / "static" / "index.html").read_text(encoding="utf-8")
    values = {
        "lyrics": html.escape(lyrics),
        "top_k": html.escape(form.get("top_k", "")),
        "threshold": html.escape(form.get("threshold", "")),
        "error": f'<p class="error" role="alert">{html.escape(error)}</p>' if error else "",
        "results": render_results(result) if result else "",
    }
    # One pass over the template: text substituted in (the user's lyrics) is never searched for placeholders.
    return re.sub(r"\{\{(\w+)\}\}", lambda match: values[match.group(1)], template)
