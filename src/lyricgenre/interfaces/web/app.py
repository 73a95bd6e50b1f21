"""`lyricgenre serve`: the web page and the JSON HTTP API, from one local process (FastAPI + uvicorn).

The model is loaded once at start-up; inference runs in worker threads, off the event loop. Every bad input
is answered with 413 or 422 and `{"error": message}`; no input produces a 500. The guard in front of the
routes (`guard.py`) counts bodies as they arrive, adds security headers and, served on loopback, answers only
requests addressed to loopback names (a DNS-rebinding page cannot reach it); the page is drawn by `page.py`.
"""

from __future__ import annotations

import asyncio
import errno
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from lyricgenre.errors import UserError
from lyricgenre.interfaces.web.guard import LOOPBACK_HOSTS, Guard
from lyricgenre.interfaces.web.page import render_page
from lyricgenre.interfaces.web.schemas import ERRORS, BatchRequest, ClassifyRequest, Options, answer
from lyricgenre.runtime import GenreClassifier, Prediction


def _classify(classifier: GenreClassifier, texts, options: Options, artists) -> list[Prediction]:
    model = classifier.fast() if options.fast else classifier  # shares the sessions: nothing is loaded again
    return model.classify(texts, options.threshold, options.top_k, artists, explain=options.explain)


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


async def classify(
    http: Request, texts: list[str], options: Options, artists: list[str | None] | None = None
) -> list[Prediction]:
    """A `Prediction` per text (a text that cannot be classified gets its `error`), from the inference pool."""
    return await http.app.state.pool.run(_classify, http.app.state.classifier, texts, options, artists)


router = APIRouter(responses=ERRORS)


@router.post("/api/v1/classify")
async def classify_one(request: ClassifyRequest, http: Request) -> dict:
    (prediction,) = await classify(http, [request.lyrics], request)
    if prediction.error:
        raise UserError(prediction.error)
    return {**answer(prediction), "model": http.app.state.classifier.info}


@router.post("/api/v1/classify/batch")
async def classify_batch(request: BatchRequest, http: Request) -> dict:
    artists = [song.artist for song in request.songs] if request.pool_artist else None
    if artists is not None and not any(artist and artist.strip() for artist in artists):
        raise UserError("pool_artist needs songs with an artist")
    predictions = await classify(http, [song.lyrics for song in request.songs], request, artists)
    songs = [
        {"id": song.id, "families": None, "genres": None, "notes": [], "error": prediction.error}
        if prediction.error
        else {"id": song.id, **answer(prediction)}
        for song, prediction in zip(request.songs, predictions)
    ]
    return {"songs": songs, "model": http.app.state.classifier.info}


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
        top_k, threshold = _form_number(form, "top_k", int), _form_number(form, "threshold", float)
        options = Options(top_k=top_k, threshold=threshold, explain=True)
        if not lyrics.strip():
            raise UserError("Paste some lyrics first.")
        (prediction,) = await classify(http, [lyrics], options)
        if prediction.error:
            raise UserError(prediction.error)
    except (UserError, ValueError) as error:
        return HTMLResponse(render_page(lyrics, form, error=_message(error)), status_code=422)
    return HTMLResponse(render_page(lyrics, form, result=answer(prediction)))


def _form_number(form: dict, name: str, kind: type):
    """A form field as a number (forms send text), None when left empty."""
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise UserError(f"{name}: {text!r} is not a {'whole ' if kind is int else ''}number") from None


STATIC_FILES = {"app.js": "text/javascript", "style.css": "text/css", "favicon.svg": "image/svg+xml"}


@router.get("/static/{name}")
async def static(name: str) -> Response:
    if name not in STATIC_FILES:
        return JSONResponse({"error": "not found"}, status_code=404)
    return Response(
        (resources.files("lyricgenre.interfaces.web") / "static" / name).read_text(encoding="utf-8"),
        media_type=STATIC_FILES[name],
    )


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> Response:
    """Browsers ask for it whatever the page says: the page's icon."""
    return await static("favicon.svg")


def add_options_routes(app: FastAPI) -> None:
    """An OPTIONS answer for every path of the router, naming the methods it takes (`Allow`: GET and POST for the
    page)."""
    methods: dict[str, set[str]] = {}
    for route in router.routes:
        methods.setdefault(route.path, set()).update(getattr(route, "methods", None) or ())
    for path, allowed in methods.items():
        if allowed:
            app.add_api_route(path, _allow(allowed), methods=["OPTIONS"], include_in_schema=False)


def _allow(methods: set[str]):
    async def allow() -> Response:
        return Response(status_code=204, headers={"Allow": ", ".join(["OPTIONS", *sorted(methods)])})

    return allow


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
    what = error["msg"].removeprefix("Value error, ")  # a rule of ours says it in its own words
    return f"{'.'.join(str(p) for p in error['loc'] if p != 'body') or 'body'}: {what}"


async def bad_input(request: Request, error: UserError) -> JSONResponse:
    return JSONResponse({"error": str(error)}, status_code=422)


async def busy(request: Request, error: Busy) -> JSONResponse:
    message = "the server is busy: every worker is taken and the queue is full; retry in a second"
    return JSONResponse({"error": message}, status_code=503, headers={"Retry-After": "1"})


DEFAULT_QUEUE = 64  # requests waiting beyond the busy workers before 503 (a second or so of work: docs/http-api.md)


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
    add_options_routes(app)
    return app


def _message(error: Exception) -> str:
    if hasattr(error, "errors"):
        return "; ".join(map(_problem, error.errors()))
    return str(error)


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
    # reused connection fails that request (the load test's count: docs/http-api.md).
    allowed = None
    if host in LOOPBACK_HOSTS:
        allowed = ("127.0.0.1", "localhost", "[::1]")  # DNS rebinding: a page on another name cannot reach us
    # Loaded before the server starts, so a missing or damaged model is one line, not a failed start-up's traceback.
    classifier = GenreClassifier.load(model_path, threads=threads or 1)
    app = create_app(model_path, threads, allowed, workers, classifier=classifier)
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_keep_alive=30, http=GuardedH11Protocol)
