"""A real browser (headless Chromium driven by Playwright) uses the page: paste, submit, see ranked genres."""

import os
import shutil
import socket
import threading
import time

import pytest
import uvicorn

from lyricgenre.interfaces.web.app import create_app
from tests.conftest import synthetic_lyrics

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
    pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run installs it)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def server_url(exported_baseline):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(exported_baseline, threads=1), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def test_paste_submit_and_see_ranked_genres(browser, server_url, tmp_path):
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone-sized screen
    page.goto(server_url)
    page.fill("#lyrics", synthetic_lyrics("rap", 4))
    page.click("button[type=submit]")
    page.wait_for_selector("#results .genres li")
    assert page.url.rstrip("/") == server_url  # fetch, no reload
    scores = [float(s) for s in page.locator("#results .genres .score").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    assert page.locator("#results .genres li.predicted").count() >= 1
    assert page.locator("#results .families li.predicted").count() >= 1  # families shown, before the genres
    headings = page.locator("#results h2").all_inner_texts()
    assert headings[:2] == ["Families", "Genres"] and headings[2].startswith("Lines")  # families first
    assert (
        page.evaluate("document.querySelector('#results .families').nextElementSibling.nextElementSibling.className")
        == "genres"
    )
    assert page.locator("#results .genres li.predicted em").first.is_visible()  # the mark shows on a phone too
    assert page.inner_text("#results .notes").startswith("only 60 words")
    assert page.evaluate("document.querySelector('#results').firstElementChild.className") == "notes"
    page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    if os.environ.get("LYRICGENRE_SCREENSHOT"):
        shutil.copy(tmp_path / "page.png", os.environ["LYRICGENRE_SCREENSHOT"])
    assert (tmp_path / "page.png").stat().st_size > 1000


def named_by_the_api(page, lyrics: str, family: str) -> list[dict]:
    """The lines the JSON API names behind a family of these lyrics, asked from the page itself."""
    return page.evaluate(
        """async ([lyrics, name]) => {
             const answer = await fetch("/api/v1/classify", {
               method: "POST", headers: {"Content-Type": "application/json"},
               body: JSON.stringify({lyrics, explain: true}),
             }).then((r) => r.json());
             return answer.explanations.families[name];
           }""",
        [lyrics, family],
    )


def test_a_click_on_a_family_marks_the_lines_behind_it(browser, server_url, tmp_path):
    """On a desktop and a phone: the lines are marked by strength with their effect written out (not by colour
    alone), the same lines the API names; a second click clears them."""
    lyrics = synthetic_lyrics("rap", 4)
    for viewport in ({"width": 1100, "height": 900}, {"width": 390, "height": 844}):
        page = browser.new_page(viewport=viewport)
        page.goto(server_url)
        page.fill("#lyrics", lyrics)
        page.click("button[type=submit]")
        page.wait_for_selector("#results .lines li")
        family = page.locator("#results .families li.predicted button.label").first
        name = family.inner_text()
        family.click()
        marked = page.locator("#results .lines li.why")
        assert marked.count() >= 1 and family.get_attribute("aria-pressed") == "true"
        assert "without it" in marked.first.inner_text() and marked.first.is_visible()
        expected = [effect["line"] for effect in named_by_the_api(page, lyrics, name)]
        numbers = {
            int(n) for n in page.eval_on_selector_all("#results .lines li.why", "ls => ls.map(l => l.dataset.line)")
        }
        assert set(expected) <= numbers  # every named line marked (with its repeats)
        if viewport["width"] > 1000:
            page.screenshot(path=str(tmp_path / "explain.png"), full_page=True)
            if os.environ.get("LYRICGENRE_EXPLAIN_SCREENSHOT"):
                shutil.copy(tmp_path / "explain.png", os.environ["LYRICGENRE_EXPLAIN_SCREENSHOT"])
        family.click()
        assert page.locator("#results .lines li.why").count() == 0


def test_a_song_given_on_one_line_is_shown_and_marked_in_the_parts_the_api_names(browser, server_url):
    lyrics = " ".join(synthetic_lyrics("rap", 4).splitlines())  # lyrics pasted without their line breaks
    page = browser.new_page()
    page.goto(server_url)
    page.fill("#lyrics", lyrics)
    page.click("button[type=submit]")
    page.wait_for_selector("#results .lines li")
    shown = page.locator("#results .lines li .text").all_inner_texts()
    assert len(shown) > 1 and " ".join(shown) == lyrics and all(len(part.split()) <= 12 for part in shown)
    family = page.locator("#results .families li.predicted button.label").first
    name = family.inner_text()
    family.click()
    named = [effect["text"] for effect in named_by_the_api(page, lyrics, name)]
    marked = page.eval_on_selector_all("#results .lines li.why .text", "ls => ls.map(l => l.textContent)")
    assert named and set(named) == set(marked)  # each part the API names is the part marked, and no other


def test_a_label_no_line_explains_says_so(browser, server_url):
    """A label whose score no one line lowers (it rests on the whole song) is not a click that does nothing."""
    page = browser.new_page()

    def first_family_unexplained(route):
        answer = route.fetch().json()
        first = next(iter(answer["explanations"]["families"]))
        answer["explanations"]["families"][first] = []
        route.fulfill(json=answer)

    page.route("**/api/v1/classify", first_family_unexplained)
    page.goto(server_url)
    page.fill("#lyrics", synthetic_lyrics("rap", 4))
    page.click("button[type=submit]")
    page.wait_for_selector("#results .lines li")
    family = page.locator("#results .families li.predicted button.label").first
    family.click()
    note = page.locator("#results .no-lines")
    assert note.is_visible() and f"“{family.inner_text()}”" in note.inner_text() and "as a whole" in note.inner_text()
    assert page.locator("#results .lines li.why").count() == 0
    family.click()
    assert not note.is_visible()


def test_errors_are_shown_in_the_page(browser, server_url):
    page = browser.new_page()
    page.goto(server_url)
    page.fill("#lyrics", "   ")
    page.evaluate("document.querySelector('#lyrics').removeAttribute('required')")
    page.click("button[type=submit]")
    page.wait_for_selector("#error .error")
    assert "blank" in page.inner_text("#error") and "Value error" not in page.inner_text("#error")


def test_page_works_with_javascript_disabled(browser, server_url):
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(server_url)
    page.fill("#lyrics", synthetic_lyrics("country", 5))
    page.click("button[type=submit]")
    page.wait_for_selector("#results .genres li")
    assert page.locator("#results .genres li.predicted").count() >= 1
    assert page.locator("#results .families li.predicted").count() >= 1
