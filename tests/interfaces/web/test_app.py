"""The JSON API and the no-JavaScript page, on a small exported model."""

import json
import time

import pytest
from fastapi.testclient import TestClient

from lyricgenre.interfaces.web.app import create_app
from lyricgenre.interfaces.web.guard import MAX_BODY_BYTES
from lyricgenre.interfaces.web.schemas import MAX_BATCH
from tests.conftest import synthetic_lyrics

pytestmark = pytest.mark.server


@pytest.fixture
def client(exported_baseline):
    with TestClient(create_app(exported_baseline, threads=1), raise_server_exceptions=False) as test_client:
        yield test_client


def test_classify_ranks_genres_and_marks_predictions(client):
    answer = client.post("/api/v1/classify", json={"lyrics": synthetic_lyrics("rap", 3)})
    assert answer.status_code == 200
    body = answer.json()
    scores = [g["score"] for g in body["genres"]]
    assert scores == sorted(scores, reverse=True) and any(g["predicted"] for g in body["genres"])
    assert body["model"]["name"] == "tfidf" and body["model"]["strategy"] == "precise"
    families = [f["family"] for f in body["families"]]
    assert "hip hop" in families and any(f["predicted"] for f in body["families"])
    assert [f["score"] for f in body["families"]] == sorted((f["score"] for f in body["families"]), reverse=True)
    assert body["notes"][0].startswith("only 60 words")
    whole_song = client.post("/api/v1/classify", json={"lyrics": synthetic_lyrics("rap", 3, words=200)}).json()
    assert whole_song["notes"] == []


def test_top_k_and_threshold(client):
    lyrics = synthetic_lyrics("rock", 2)
    top1 = client.post("/api/v1/classify", json={"lyrics": lyrics, "top_k": 1, "threshold": 0.0}).json()
    assert sum(g["predicted"] for g in top1["genres"]) == 1
    none = client.post("/api/v1/classify", json={"lyrics": lyrics, "threshold": 1.0}).json()
    assert not any(g["predicted"] for g in none["genres"])


def test_batch_keeps_ids_and_order(client):
    songs = [{"id": i, "lyrics": synthetic_lyrics(style, i)} for i, style in enumerate(["pop", "rock", "rap"])]
    answer = client.post("/api/v1/classify/batch", json={"songs": songs})
    assert answer.status_code == 200 and [s["id"] for s in answer.json()["songs"]] == [0, 1, 2]
    assert all(s["families"] and s["genres"] for s in answer.json()["songs"])
    assert all(s["notes"][0].startswith("only 60 words") for s in answer.json()["songs"])


def test_batch_songs_without_usable_lyrics_are_per_song_errors_and_the_rest_is_answered(client):
    good = [synthetic_lyrics("rock", 1), synthetic_lyrics("rap", 2)]
    songs = [{"id": "a", "lyrics": good[0]}, {"id": "b", "lyrics": "   "}, {"id": "c", "lyrics": "\u200b🎵🎵"}]
    songs += [{"id": "d", "lyrics": "la \ud800 la"}, {"id": "e", "lyrics": good[1]}]
    body = json.dumps({"songs": songs})  # ASCII-escaped: the lone surrogate is sent as \ud800, as a client would
    answer = client.post("/api/v1/classify/batch", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 200
    rows = answer.json()["songs"]
    assert [row["id"] for row in rows] == ["a", "b", "c", "d", "e"]
    assert rows[1]["error"] == "empty lyrics" and rows[1]["genres"] is None and rows[1]["families"] is None
    assert rows[2]["error"].startswith("lyrics contain no words") and rows[3]["error"].startswith("lyrics are not")
    for row, lyrics in zip((rows[0], rows[4]), good):  # the same answer as alone
        alone = client.post("/api/v1/classify", json={"lyrics": lyrics}).json()
        assert "error" not in row and (row["families"], row["genres"]) == (alone["families"], alone["genres"])
    only_bad = client.post("/api/v1/classify/batch", json={"songs": [{"lyrics": ""}], "pool_artist": False})
    assert only_bad.status_code == 200 and only_bad.json()["songs"][0]["error"] == "empty lyrics"


def test_batch_pool_artist_tags_each_artists_songs_together(client):
    styles = [("Band A", "rock", 1), ("Band B", "rap", 2), ("band a", "country", 3)]
    songs = [
        {"id": i, "artist": artist, "lyrics": synthetic_lyrics(style, seed)}
        for i, (artist, style, seed) in enumerate(styles)
    ]
    alone = client.post("/api/v1/classify/batch", json={"songs": songs}).json()["songs"]
    pooled = client.post("/api/v1/classify/batch", json={"songs": songs, "pool_artist": True}).json()["songs"]
    assert pooled[0]["genres"] == pooled[2]["genres"] != alone[0]["genres"]
    assert pooled[1] == alone[1]  # an artist with one song is tagged as it was alone
    blank = {"id": 9, "artist": "Band A", "lyrics": " "}  # pooled with nothing: Band A's answer is unchanged
    with_blank = client.post("/api/v1/classify/batch", json={"songs": [*songs, blank], "pool_artist": True}).json()
    assert with_blank["songs"][:3] == pooled and with_blank["songs"][3]["error"] == "empty lyrics"
    no_artists = client.post("/api/v1/classify/batch", json={"songs": [{"lyrics": "la la"}], "pool_artist": True})
    assert no_artists.status_code == 422 and "needs songs with an artist" in no_artists.json()["error"]


def test_genres_health_ready_and_docs(client):
    listed = client.get("/api/v1/genres").json()
    assert "rock" in listed["genres"] and "hip hop" in listed["families"]
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"ready": True}
    assert client.get("/docs").status_code == 200
    assert "/api/v1/classify" in client.get("/openapi.json").json()["paths"]


def test_api_docs_load_their_assets_from_the_server_itself(client):
    """No CDN: /docs and /redoc work without internet."""
    import re

    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
        assert assets and all(asset.startswith("/") for asset in assets), assets
        for asset in assets:
            answer = client.get(asset)
            assert answer.status_code == 200 and len(answer.content) > 10_000, asset


@pytest.mark.parametrize(
    ("path", "payload", "message"),
    [
        ("/api/v1/classify", {"lyrics": "   "}, "blank"),
        ("/api/v1/classify", {"lyrics": 5}, "lyrics"),
        ("/api/v1/classify", {"text": "x"}, "lyrics"),
        ("/api/v1/classify", {"lyrics": "la", "top_k": 0}, "top_k"),
        ("/api/v1/classify", {"lyrics": "la", "threshold": 2}, "threshold"),
        ("/api/v1/classify", ["not", "an", "object"], "body"),
        ("/api/v1/classify/batch", {"songs": []}, "songs"),
        ("/api/v1/classify/batch", {"songs": [{"lyrics": "la"}] * (MAX_BATCH + 1)}, "songs"),
        ("/api/v1/classify/batch", {"songs": [{"lyrics": "la"}, {"lyrics": 5}]}, "songs.1.lyrics"),
    ],
)
def test_bad_requests_get_422_with_a_message(client, path, payload, message):
    answer = client.post(path, json=payload)
    assert answer.status_code == 422 and message in answer.json()["error"]


def test_malformed_json_and_oversized_bodies(client):
    answer = client.post("/api/v1/classify", content=b"{not json", headers={"content-type": "application/json"})
    assert answer.status_code == 422
    assert answer.json()["error"] == "malformed JSON at character 1: Expecting property name enclosed in double quotes"
    big = {"lyrics": "la " * (MAX_BODY_BYTES // 3 + 10)}
    assert client.post("/api/v1/classify", json=big).status_code == 413
    assert (
        client.post("/api/v1/classify", content=b"\xff\xfe", headers={"content-type": "application/json"}).status_code
        == 422
    )


def test_page_works_without_javascript(client):
    page = client.get("/")
    assert page.status_code == 200 and "<textarea" in page.text and "/static/app.js" in page.text
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/../serving.py").status_code == 404
    answer = client.post("/", data={"lyrics": synthetic_lyrics("country", 1), "top_k": "3"})
    assert answer.status_code == 200 and "predicted" in answer.text and 'class="genres"' in answer.text
    assert '<ul class="notes"><li>only 60 words' in answer.text.split('class="genres"')[0]  # before the genres
    assert 'class="families"' in answer.text.split('class="genres"')[0]  # families before the genres too
    error = client.post("/", data={"lyrics": "  "})
    assert error.status_code == 422 and "Paste some lyrics" in error.text
    escaped = client.post("/", data={"lyrics": "<script>alert(1)</script> la la"})
    assert "<script>alert(1)</script>" not in escaped.text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"lyrics": "la \\ud800 la"}', "lone surrogate"),
        ('{"lyrics": "\\u0000\\u200b\\u200b"}', "contain no words"),
        ('{"lyrics": "\\ud83c\\udfb8\\ud83c\\udfb8"}', "contain no words"),  # emoji only
        ('{"lyrics": "la la", "top_k": true}', "top_k"),
        ('{"lyrics": "la la", "top_k": "5"}', "top_k"),
        ('{"lyrics": "la la", "top_k": 1' + "0" * 5000 + "}", "error parsing the body"),
    ],
)
def test_bad_text_and_loose_types_get_422_never_500(client, body, message):
    answer = client.post("/api/v1/classify", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422 and message in answer.json()["error"]


def test_surrogate_ids_and_undecodable_bodies_are_422_in_the_api_format(client):
    batch = '{"songs": [{"id": "a\\udc00", "lyrics": "la la la"}]}'
    answer = client.post("/api/v1/classify/batch", content=batch, headers={"content-type": "application/json"})
    assert answer.status_code == 422 and "lone surrogate" in answer.json()["error"]
    for content in (b'{"lyrics": "caf\xe9"}', b"\x1f\x8b\x08\x00gzipped", b"[" * 100_000):
        answer = client.post("/api/v1/classify", content=content, headers={"content-type": "application/json"})
        assert answer.status_code == 422 and "error" in answer.json(), content[:10]


def test_a_chunked_body_is_cut_off_at_the_limit(client):
    def chunks():
        for _ in range(MAX_BODY_BYTES // 50_000 + 5):
            yield b" " * 50_000

    answer = client.post("/api/v1/classify", content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 413 and "over" in answer.json()["error"]


def test_security_headers_and_loopback_host_check(exported_baseline):
    with TestClient(create_app(exported_baseline, threads=1, allowed_hosts=("127.0.0.1", "localhost"))) as local:
        page = local.get("/", headers={"host": "localhost:8000"})
        assert page.status_code == 200 and page.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        rebound = local.get("/api/v1/genres", headers={"host": "evil.example:8000"})
        assert rebound.status_code == 400 and "Host" in rebound.json()["error"]


def test_the_page_does_not_substitute_placeholders_inside_the_users_lyrics(client):
    answer = client.post("/", data={"lyrics": "la la {{results}} {{error}} la la la"})
    assert answer.status_code == 200 and "la la {{results}} {{error}} la la la" in answer.text
    bad_number = client.post("/", data={"lyrics": "la la la", "top_k": "three"})
    assert bad_number.status_code == 422 and "is not a whole number" in bad_number.text


def test_serve_on_a_port_in_use_says_so_and_names_the_option(capsys):
    import socket

    from lyricgenre.interfaces.cli import main

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"port {port} on 127.0.0.1 is already in use; choose another with --port" in err
    assert main(["serve", "--model", "/nonexistent/model", "--port", str(port)]) == 2  # before the server starts
    assert capsys.readouterr().err.splitlines() == [
        "lyricgenre: error: /nonexistent/model: not an exported lyricgenre model (no manifest.json)"
    ]
    for impossible in ("0", "-1", "65536", "99999"):
        assert main(["serve", "--port", impossible]) == 2
        assert capsys.readouterr().err == f"lyricgenre: error: --port must be between 1 and 65535, got {impossible}\n"


def test_concurrent_requests_each_get_their_own_answer(exported_baseline):
    from concurrent.futures import ThreadPoolExecutor

    styles = ["rock", "rap", "country", "pop"] * 4
    texts = [synthetic_lyrics(style, seed) for seed, style in enumerate(styles)]
    with TestClient(create_app(exported_baseline, workers=2)) as parallel:
        alone = [parallel.post("/api/v1/classify", json={"lyrics": text}).json() for text in texts]
        with ThreadPoolExecutor(8) as clients:
            together = list(clients.map(lambda t: parallel.post("/api/v1/classify", json={"lyrics": t}).json(), texts))
    assert [a["genres"] for a in alone] == [t["genres"] for t in together]
    assert [a["families"] for a in alone] == [t["families"] for t in together]


def test_a_full_queue_answers_503_with_retry_after(exported_baseline, monkeypatch):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import lyricgenre.interfaces.web.app as serving

    release = threading.Event()
    slow = serving._classify

    def held(*args):
        release.wait(10)
        return slow(*args)

    monkeypatch.setattr(serving, "_classify", held)
    with TestClient(create_app(exported_baseline, workers=1, queue=1)) as server:
        with ThreadPoolExecutor(6) as clients:
            answers = [clients.submit(server.post, "/api/v1/classify", json={"lyrics": "la la la"}) for _ in range(6)]
            time.sleep(1.0)
            release.set()
            statuses = sorted(answer.result().status_code for answer in answers)
        refused = [a.result() for a in answers if a.result().status_code == 503]
    assert statuses.count(200) == 2 and statuses.count(503) == 4  # one running, one waiting, the rest refused
    assert refused[0].headers["retry-after"] == "1" and "busy" in refused[0].json()["error"]


def test_fuzzed_requests_never_get_a_5xx_and_errors_keep_their_format(client):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    values = st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=50),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
        max_leaves=12,
    )
    bodies = st.one_of(
        st.fixed_dictionaries({"lyrics": values}, optional={"top_k": values, "threshold": values}),
        st.fixed_dictionaries(
            {
                "songs": st.lists(
                    st.fixed_dictionaries({"lyrics": values}, optional={"id": values, "artist": values}), max_size=3
                )
            },
            optional={"pool_artist": values, "top_k": values},
        ),
        values,
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(path=st.sampled_from(["/api/v1/classify", "/api/v1/classify/batch"]), body=bodies)
    def check(path, body):
        answer = client.post(path, json=body)
        assert answer.status_code < 500, (body, answer.text)
        if answer.status_code != 200:
            assert set(answer.json()) == {"error"} and answer.json()["error"]

    check()


def test_the_page_has_headings_an_icon_and_a_script_policy_without_inline_code(client):
    answer = client.post("/", data={"lyrics": synthetic_lyrics("country", 1)})
    before_genres = answer.text.split("<h2>Genres</h2>")[0]
    assert "<h2>Families</h2>" in before_genres and 'class="genres"' in answer.text.split("<h2>Genres</h2>")[1]
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "<script>" not in client.get("/").text and " on" + "click=" not in client.get("/").text
    for path in ("/favicon.ico", "/static/favicon.svg"):
        icon = client.get(path)
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_a_blank_lyrics_error_is_in_the_apis_own_words(client):
    answer = client.post("/api/v1/classify", json={"lyrics": "   "})
    assert answer.status_code == 422 and answer.json()["error"] == "lyrics: lyrics must not be blank"


def test_options_names_the_methods_a_path_takes(client):
    page = client.options("/")
    assert page.status_code == 204 and page.headers["allow"] == "OPTIONS, GET, POST"
    assert "POST" in client.options("/api/v1/classify").headers["allow"]
    assert client.options("/nowhere").status_code == 404


def test_the_openapi_schema_documents_the_errors_and_the_lyrics_rules(client):
    schema = client.get("/openapi.json").json()
    classify = schema["paths"]["/api/v1/classify"]["post"]
    assert {"404", "413", "422", "503"} <= set(classify["responses"])
    assert classify["responses"]["413"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    lyrics = schema["components"]["schemas"]["ClassifyRequest"]["properties"]["lyrics"]["description"]
    assert "at least one letter or digit" in lyrics and "100,000 characters" in lyrics


def test_explanations_from_the_api_are_the_clis(client, exported_baseline, capsys):
    from lyricgenre.interfaces.cli import main

    lyrics = synthetic_lyrics("rap", 1)
    one = client.post("/api/v1/classify", json={"lyrics": lyrics, "explain": True}).json()
    assert main(["predict", lyrics, "--model", str(exported_baseline), "--explain", "--format", "json"]) == 0
    assert one["explanations"] == json.loads(capsys.readouterr().out)["explanations"]
    batch = client.post(
        "/api/v1/classify/batch",
        json={"explain": True, "songs": [{"id": 1, "lyrics": lyrics}, {"id": 2, "lyrics": " "}]},
    ).json()
    assert batch["songs"][0]["explanations"] == one["explanations"] and batch["songs"][1]["error"] == "empty lyrics"
    assert "explanations" not in client.post("/api/v1/classify", json={"lyrics": lyrics}).json()


def test_explained_batches_are_limited_as_batches_are(client):
    songs = [{"lyrics": synthetic_lyrics("rock", k)} for k in range(9)]
    answer = client.post("/api/v1/classify/batch", json={"explain": True, "songs": songs})
    assert answer.status_code == 422 and "at most 8 songs" in answer.json()["error"]
    assert client.post("/api/v1/classify/batch", json={"explain": False, "songs": songs}).status_code == 200


def test_fast_is_an_option_of_the_api_and_the_cli(client, exported_baseline, capsys):
    from lyricgenre.interfaces.cli import main

    lyrics = synthetic_lyrics("rap", 1)
    assert client.post("/api/v1/classify", json={"lyrics": lyrics, "fast": True}).status_code == 200
    assert client.post("/api/v1/classify", json={"lyrics": lyrics, "fast": "yes"}).status_code == 422
    assert main(["predict", lyrics, "--model", str(exported_baseline), "--fast", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["genres"]
