"""The page's results as the server draws them for the form without JavaScript."""

from lyricgenre.interfaces.web.page import render_results

LINE = {"line": 3, "text": "down the <dusty> road", "effect": 0.21}


def result(families: dict, genres: dict) -> dict:
    ranked = [{"genre": "rock", "score": 0.8, "predicted": True}]
    return {"genres": ranked, "families": [], "notes": [], "explanations": {"families": families, "genres": genres}}


def why(html: str) -> str:
    return html.split("<h2>Why</h2>")[1]


def test_every_predicted_family_is_under_why_with_its_lines_or_the_whole_song():
    page = render_results(result({"country": [LINE], "rock": []}, {"outlaw country": [LINE]}))
    assert '<strong>country</strong>: line 3 "down the &lt;dusty&gt; road" (−0.210)' in why(page)
    assert "<strong>rock</strong>: no one line lowers it: it comes from the song as a whole" in why(page)
    assert "outlaw country" not in why(page)  # families stand for the genres under them


def test_a_model_without_families_explains_its_genres_and_no_labels_no_heading():
    page = render_results(result({}, {"Death Metal": [LINE]}))
    assert '<strong>Death Metal</strong>: line 3 "down the &lt;dusty&gt; road"' in why(page)
    assert "<h2>Why</h2>" not in render_results(result({}, {}))
