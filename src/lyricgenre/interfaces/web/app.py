"""`lyricgenre serve`: the web page and the JSON HTTP API, from one local process (FastAPI + uvicorn).

The model is loaded once at start-up; inference runs in a worker thread, off the event loop. Every
bad input is answered with 413 or 422 and `{"error": message}`; no input produces a 500. Bodies are
counted as they arrive (a chunked upload is cut off at the limit, not read whole first), answers carry
security headers, and served on loopback the app answers only requests addressed to loopback names
(a DNS-rebinding page cannot reach it).
"""

from __future__ import annotations

import asyncio
import errno
import html
import os
import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi_offline import FastAPIOffline
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from lyricgenre.errors import UserError
from lyricgenre.runtime import GenreClassifier, input_notes
from lyricgenre.text import lyrics_problem, unencodable

MAX_BODY_BYTES = 1_000_000
BODY_TIMEOUT_S = 30.0  # the longest wait for the next chunk of a request body (headers: `connections.py`)
MAX_BATCH = 64
SHOWN_GENRES = 10  # genres listed per song: every predicted one, and the closest others up to this many


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # The page loads only its own script and stylesheet; /docs loads its assets from the package itself.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
}


def _text(value: str) -> str:
    """Text that can be written back out (`lyricgenre.text.unencodable`)."""
    problem = unencodable(value)
    if problem:
        raise ValueError(f"not valid text: {problem}")
    return value


def _lyrics(value: str) -> str:
    problem = "lyrics must not be blank" if not value.strip() else lyrics_problem(value)
    if problem:
        raise ValueError(problem)
    return value


Text = Annotated[str, AfterValidator(_text)]
Lyrics = Annotated[str, AfterValidator(_lyrics), Field(description="the song's lyrics")]


class Options(BaseModel):
    model_config = ConfigDict(strict=True)  # top_k true or "5" is an error, not 1 or 5

    top_k: int | None = Field(default=None, ge=1, le=200, description="keep at most K predicted genres")
    threshold: float | None = Field(default=None, ge=0.0, le=1.0, description="global threshold override")


class ClassifyRequest(Options):
    lyrics: Lyrics


class Song(BaseModel):
    model_config = ConfigDict(strict=True)
    id: Text | int | None = None
    artist: Text | None = Field(default=None, max_length=500, description="the song's artist (for pool_artist)")
    # Any string: blank, wordless or invalid lyrics are that song's `error`, and the rest of the batch is answered.
    lyrics: str = Field(description="the song's lyrics")


class BatchRequest(Options):
    songs: list[Song] = Field(min_length=1, max_length=MAX_BATCH, description=f"1 to {MAX_BATCH} songs")
    pool_artist: bool = Field(
        default=False, description="tag the songs of each artist together: each gets its artist's mean scores"
    )


def shown_genres(ranked: list[tuple[str, float, bool]]) -> list[dict]:
    """Every predicted genre and the closest others, at least SHOWN_GENRES, best first."""
    shown = max(SHOWN_GENRES, sum(predicted for _, _, predicted in ranked))
    return [{"genre": g, "score": round(p, 4), "predicted": c} for g, p, c in ranked[:shown]]


def family_list(ranked: list[tuple[str, float, bool]]) -> list[dict]:
    """Every family, best first (empty for a model without families)."""
    return [{"family": f, "score": round(p, 4), "predicted": c} for f, p, c in ranked]


def _rank_both(classifier: GenreClassifier, texts, options: Options, artists) -> list[dict]:
    probabilities = classifier.predict_proba(texts, artists=artists)
    genres = classifier.rank_probabilities(probabilities, options.threshold, options.top_k)
    families = classifier.rank_families(probabilities)
    return [{"families": family_list(f), "genres": shown_genres(g)} for f, g in zip(families, genres)]


class Busy(Exception):
    """Every worker is busy and the queue is full: the request is answered 503 with Retry-After."""


class InferencePool:
    """Model calls in `workers` threads, each running one request at a time with the classifier's own threads
    (one by default: two requests on two cores beat one request on both), and at most `queue` requests waiting.
    Beyond that a request gets 503 at once rather than an ever longer wait."""

    def __init__(self, workers: int, queue: int):
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lyricgenre")
        self.capacity, self.pending = workers + queue, 0

    async def run(self, function, *args):
        if self.pending >= self.capacity:
            raise Busy()
        self.pending += 1  # only the event loop's thread changes it
        try:
            return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)
        finally:
            self.pending -= 1

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


async def classify(http: Request, texts: list[str], options: Options, artists: list[str | None] | None = None):
    """Per text: `families` (every family) and `genres` (`shown_genres`), computed by the inference pool."""
    return await http.app.state.pool.run(_rank_both, http.app.state.classifier, texts, options, artists)


router = APIRouter()


@router.post("/api/v1/classify")
async def classify_one(request: ClassifyRequest, http: Request) -> dict:
    classifier = http.app.state.classifier
    (result,) = await classify(http, [request.lyrics], request)
    return {**result, "notes": input_notes(request.lyrics), "model": classifier.info}


@router.post("/api/v1/classify/batch")
async def classify_batch(request: BatchRequest, http: Request) -> dict:
    classifier = http.app.state.classifier
    artists = [song.artist for song in request.songs] if request.pool_artist else None
    if artists is not None and not any(artist and artist.strip() for artist in artists):
        raise UserError("pool_artist needs songs with an artist")
    problems = [lyrics_problem(song.lyrics) for song in request.songs]
    valid = [song for song, problem in zip(request.songs, problems) if problem is None]
    pooled = [song.artist for song in valid] if artists else None
    results = iter(await classify(http, [song.lyrics for song in valid], request, pooled) if valid else ())
    songs = [
        {"id": song.id, "families": None, "genres": None, "notes": [], "error": problem}
        if problem
        else {"id": song.id, **next(results), "notes": input_notes(song.lyrics)}
        for song, problem in zip(request.songs, problems)
    ]
    return {"songs": songs, "model": classifier.info}


@router.get("/api/v1/genres")
async def genre_list(http: Request) -> dict:
    classifier = http.app.state.classifier
    return {"genres": classifier.genres, "families": classifier.family_names}


@router.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(http: Request) -> JSONResponse:
    ready = getattr(http.app.state, "classifier", None) is not None
    return JSONResponse({"ready": ready}, status_code=200 if ready else 503)


@router.get("/", response_class=HTMLResponse)
async def page() -> str:
    return render_page()


@router.post("/", response_class=HTMLResponse)
async def page_submit(http: Request) -> HTMLResponse:
    """The no-JavaScript path: a plain form POST, answered with the page and its results."""
    form = {k: v[0] for k, v in parse_qs((await http.body()).decode("utf-8", "replace")).items()}
    lyrics = form.get("lyrics", "")
    try:
        options = Options(top_k=_form_number(form, "top_k", int), threshold=_form_number(form, "threshold", float))
        if not lyrics.strip():
            raise UserError("Paste some lyrics first.")
        (result,) = await classify(http, [_lyrics(lyrics)], options)
    except (UserError, ValueError) as error:
        return HTMLResponse(render_page(lyrics, form, error=_message(error)), status_code=422)
    return HTMLResponse(render_page(lyrics, form, result=result, notes=input_notes(lyrics)))


def _form_number(form: dict, name: str, kind: type):
    """A form field as a number (forms send text), None when left empty."""
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise UserError(f"{name}: {text!r} is not a {'whole ' if kind is int else ''}number") from None


@router.get("/static/{name}")
async def static(name: str) -> Response:
    files = {"app.js": "text/javascript", "style.css": "text/css"}
    if name not in files:
        return JSONResponse({"error": "not found"}, status_code=404)
    return Response(
        (resources.files("lyricgenre.interfaces.web") / "static" / name).read_text(encoding="utf-8"),
        media_type=files[name],
    )


class Guard:
    """ASGI middleware: requests for other Host names than `allowed_hosts` (when given) get 400; a body over
    MAX_BODY_BYTES gets 413, announced by Content-Length or counted as its chunks arrive (never read whole
    before the check); a body stalling over BODY_TIMEOUT_S between chunks gets 408; answers get
    `SECURITY_HEADERS` (not the interactive /docs, whose page loads its own)."""

    def __init__(self, app, allowed_hosts: tuple[str, ...] | None = None, limit: int = MAX_BODY_BYTES):
        self.app, self.allowed_hosts, self.limit = app, allowed_hosts, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        send = _with_security_headers(send, scope["path"])
        headers = dict(scope["headers"])
        if self.allowed_hosts and _host_name(headers.get(b"host", b"").decode("latin-1")) not in self.allowed_hosts:
            answer = JSONResponse({"error": "unexpected Host header (only loopback names are served)"}, 400)
            return await answer(scope, receive, send)
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await _too_large()(scope, receive, send)
        received, answered = 0, False

        body_done = False

        async def counted():
            nonlocal received, answered, body_done
            if body_done:  # after the body, the app may wait for the client to leave: no deadline then
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), BODY_TIMEOUT_S)
            except TimeoutError:
                answered = True
                await JSONResponse({"error": f"request body stalled for {BODY_TIMEOUT_S:g} s"}, 408)(
                    scope, receive, send
                )
                return {"type": "http.disconnect"}
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            received += len(message.get("body", b""))
            if received > self.limit and not answered:
                # Answer 413 now and tell the app the client left, so it stops reading; what it answers then
                # (FastAPI turns any failure to read a body into a 400) is dropped.
                answered = True
                await _too_large()(scope, receive, send)
                return {"type": "http.disconnect"}
            return message

        async def app_send(message):
            if not answered:
                await send(message)

        await self.app(scope, counted, app_send)


def _with_security_headers(send, path: str):
    """`send` adding SECURITY_HEADERS to the response start (except for /docs, whose page loads its own)."""
    if path.startswith(("/docs", "/redoc")):
        return send

    async def sending(message):
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
            message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
        await send(message)

    return sending


def _host_name(host: str) -> str:
    """A Host header without its port ("[::1]:8000" -> "[::1]")."""
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _too_large() -> JSONResponse:
    return JSONResponse({"error": f"request body over {MAX_BODY_BYTES} bytes"}, status_code=413)


async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    """FastAPI's own errors (a body it cannot parse: invalid UTF-8, gzip, too deep) in the API's format."""
    status = 422 if error.status_code == 400 else error.status_code
    return JSONResponse({"error": str(error.detail)}, status_code=status, headers=getattr(error, "headers", None))


async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
    return JSONResponse({"error": "; ".join(map(_problem, error.errors()))}, status_code=422)


def _problem(error: dict) -> str:
    """One validation error as "field: what is wrong"; for malformed JSON, where and why it failed to parse."""
    if error["type"] == "json_invalid":  # its location is the character offset, not a field
        return f"malformed JSON at character {error['loc'][-1]}: {error.get('ctx', {}).get('error', error['msg'])}"
    return f"{'.'.join(str(p) for p in error['loc'] if p != 'body') or 'body'}: {error['msg']}"


async def bad_input(request: Request, error: UserError) -> JSONResponse:
    return JSONResponse({"error": str(error)}, status_code=422)


async def busy(request: Request, error: Busy) -> JSONResponse:
    message = "the server is busy: every worker is taken and the queue is full; retry in a second"
    return JSONResponse({"error": message}, status_code=503, headers={"Retry-After": "1"})


DEFAULT_QUEUE = 64  # requests waiting beyond the busy workers before 503 (~1 s of work on 2 cores)


def create_app(
    model_path: Path | None = None,
    threads: int | None = None,
    allowed_hosts: tuple[str, ...] | None = None,
    workers: int | None = None,
    queue: int = DEFAULT_QUEUE,
    classifier: GenreClassifier | None = None,
):
    """The web page and the API around one classifier, loaded once at start-up (or `classifier`, loaded already).

    `workers` requests run at once (default: one per core), each with `threads` inference threads (default 1);
    `queue` more may wait. `allowed_hosts`: the Host names answered (others get 400); None answers any.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.classifier = classifier or GenreClassifier.load(model_path, threads=threads or 1)
        app.state.pool = InferencePool(workers or os.cpu_count() or 1, queue)
        yield
        app.state.pool.close()

    app = FastAPIOffline(title="lyricgenre", summary="Genres of a song from its lyrics", lifespan=lifespan)
    app.add_middleware(Guard, allowed_hosts=allowed_hosts)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(UserError, bad_input)
    app.add_exception_handler(Busy, busy)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.include_router(router)
    return app


def _message(error: Exception) -> str:
    if hasattr(error, "errors"):
        return "; ".join(map(_problem, error.errors()))
    return str(error)


SHOWN_FAMILIES = 2  # families shown beside the predicted ones


def render_results(result: dict, notes: list[str]) -> str:
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
    remarks = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return (
        (f'<ul class="notes">{remarks}</ul>' if remarks else "")
        + (f'<ul class="families" aria-label="families">{chips}</ul>' if chips else "")
        + f'<ol class="genres">{rows}</ol>'
    )


def render_page(
    lyrics: str = "",
    form: dict | None = None,
    result: dict | None = None,
    error: str | None = None,
    notes: list[str] = (),
) -> str:
    form = form or {}
    template = (resources.files("lyricgenre.interfaces.web") / "static" / "index.html").read_text(encoding="utf-8")
    values = {
        "lyrics": html.escape(lyrics),
        "top_k": html.escape(form.get("top_k", "")),
        "threshold": html.escape(form.get("threshold", "")),
        "error": f'<p class="error" role="alert">{html.escape(error)}</p>' if error else "",
        "results": render_results(result, notes) if result else "",
    }
    # One pass over the template: text substituted in (the user's lyrics) is never searched for placeholders.
    return re.sub(r"\{\{(\w+)\}\}", lambda match: values[match.group(1)], template)


def _check_port_free(host: str, port: int) -> None:
    """A clear error for a port another program holds (uvicorn would log a traceback-like error and exit)."""
    import socket

    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((host.strip("[]"), port))
    except PermissionError:
        raise UserError(f"port {port} needs privileges on this system; choose another with --port") from None
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UserError(f"port {port} on {host} is already in use; choose another with --port") from None
        raise UserError(f"cannot serve on {host}:{port} ({error.strerror}); check --host and --port") from None


def serve(host: str, port: int, model_path: Path | None, threads: int | None, workers: int | None = None) -> None:
    import uvicorn

    from lyricgenre.interfaces.web.connections import GuardedH11Protocol

    _check_port_free(host, port)
    # Keep-alive longer than uvicorn's 5 s: pooled API clients reuse connections, and a close racing a
    # reused connection fails that request (3 of 10,000 in the load test with the default).
    allowed = None
    if host in LOOPBACK_HOSTS:
        allowed = ("127.0.0.1", "localhost", "[::1]")  # DNS rebinding: a page on another name cannot reach us
    # Loaded before the server starts, so a missing or damaged model is one line, not a failed start-up's traceback.
    classifier = GenreClassifier.load(model_path, threads=threads or 1)
    app = create_app(model_path, threads, allowed, workers, classifier=classifier)
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_keep_alive=30, http=GuardedH11Protocol)
