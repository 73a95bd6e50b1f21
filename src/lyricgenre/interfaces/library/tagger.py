"""`lyricgenre tag`: a music library's audio files tagged with their predicted genres.

One straight path: read the audio files (`lyricgenre.interfaces.songs`), fetch missing lyrics, classify them
exactly as `lyricgenre predict --input` does (`lyricgenre.interfaces.classify`, pooled by artist by default),
decide each file's tag, rewrite the file through a checked copy (`lyricgenre.interfaces.audio.prepare_rewrite`)
and report. Without `--write` nothing is written (a dry run).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.interfaces.audio import AudioTagError, prepare_rewrite, read_tag, remove_leftover_copies
from lyricgenre.interfaces.classify import Decisions, classify_rows, needed, pool_key, song_record
from lyricgenre.interfaces.library.lrclib import LyricsSettings
from lyricgenre.interfaces.library.lyrics_fetch import LyricsFetcher
from lyricgenre.interfaces.library.report import EarlierRun, earlier_run, records_changes
from lyricgenre.interfaces.library.settings import TagSettings
from lyricgenre.interfaces.progress import ProgressBar, shown_beside
from lyricgenre.interfaces.resuming import classify_remaining
from lyricgenre.interfaces.songs import RecordWriter, SongRow, read_songs
from lyricgenre.runtime import GenreClassifier, Prediction

TAG_COLUMNS = ("tag_values", "tag_status", "tag_previous", "tag_error")


@dataclass(frozen=True)
class TagOutcome:
    """What happens to one file's tag: its status, the values it gets and held, and why it failed."""

    status: str
    values: list[str] | None = None
    previous: list[str] | None = None
    error: str | None = None


def unclassified(record: dict) -> TagOutcome | None:
    """The outcome of a song with no answer to write (no lyrics, or an error); None when it has one."""
    if record.get("skipped"):
        return TagOutcome("skipped: no lyrics")
    if record.get("genres") is None:
        return TagOutcome("not classified")
    return None


def decide(
    record: dict, previous: list[str], settings: TagSettings, write: bool, other_updates: dict | None = None
) -> tuple[TagOutcome, dict[str, list[str]]]:
    """What a classified song's genre field gets, from its record and the values the field holds (`previous`):
    the outcome, and the updates a `written` one needs (`other_updates` too, such as fetched lyrics). The one
    decision of `lyricgenre tag` and of the beets plugin."""
    values = settings.values(record.get("families") or [], record["genres"], previous)
    updates = {settings.field: values} if values and values != previous else {}
    updates.update(other_updates or {})
    if not updates:
        return TagOutcome("unchanged" if values else "no genres", values, previous), {}
    return TagOutcome("written" if write else "would write", values, previous), updates


class LibraryTagger:
    """Turns each song's record into a tag decision for its file, rewrites the file, and reports and counts the
    outcomes.

    What goes into the field — families and/or fine genres, how many, under which names, merged with the
    file's own values or not — is `TagSettings.values`. Statuses: `written`, `would write` (dry run),
    `unchanged` (the field already holds these values), `kept` (with `missing`: the field holds genres, the
    file is left as it is), `no genres` (nothing to write: the file is left
    alone, its genres never wiped), `skipped: no lyrics` (none embedded, beside it or on the lyrics server,
    or instrumental: nothing to classify, not a failure), `not classified` (the row has an error) and `failed`
    (the file could not be rewritten; `tag_error` says why, the file is unchanged).

    A file's `written` record, with its previous values, is reported once every check of its rewritten copy has
    passed and before the copy is renamed over it, so the report holds it whenever the file has changed; should
    the rename itself then fail, a `failed` record for the same file follows it.

    With `save_lyrics`, lyrics fetched for a file (its row's `lyrics_source`) go into its lyrics tag too.
    """

    def __init__(
        self,
        root: Path,
        settings: TagSettings,
        write: bool,
        follow_symlinks: bool = False,
        save_lyrics: bool = False,
        missing: bool = False,
    ):
        self.root, self.settings, self.write = Path(root), settings, write
        self.missing = missing  # only files whose field is empty are tagged; the others are `kept`
        self.follow_symlinks = follow_symlinks  # rewrite link targets outside `root` too
        self.save_lyrics = save_lyrics
        # What each report record gets, after the prediction's own fields.
        self.columns = TAG_COLUMNS + (("lyrics_saved",) if save_lyrics else ())
        self.counts: Counter[str] = Counter()
        self.leftovers_removed: list[Path] = []
        self.fetcher: LyricsFetcher | None = None  # the lyrics fetcher of the run, when lyrics were fetched
        self.fetched: dict[int, str] = {}  # lyrics fetched for a row (by number) until its file is tagged
        self.earlier = 0  # files a stopped run had done, whose records the report holds (`--resume`)

    def tag(self, row: SongRow, record: dict, report: RecordWriter) -> None:
        """Decide the tag of the row's file from its record, rewrite the file, and write what happened to `report`."""
        lyrics = self.fetched.pop(row.row, None)
        # The file itself: its id is its path as shown, which differs for a name that is not UTF-8.
        path = row.audio_path or self.root / record["id"]
        outcome, updates = self._decide(record, path, lyrics)
        if outcome.status != "written":
            report.write(self._report(record, outcome, lyrics))
            return
        reported = False
        try:
            root = None if self.follow_symlinks else self.root
            with prepare_rewrite(path, updates, root=root) as rewrite:
                report.write(self._report(record, outcome, lyrics))  # on disk before the file changes
                reported = True
                rewrite.commit()
        except AudioTagError as error:
            if reported:  # the rename itself failed: the failure supersedes the record already written
                self.counts["written"] -= 1
            report.write(self._report(record, replace(outcome, status="failed", error=str(error)), lyrics))

    def remember_fetched(self, rows: Iterable[SongRow]) -> Iterator[SongRow]:
        """The rows, the lyrics fetched for them kept to be saved (`save_lyrics`) with the genres: pooled, rows
        come back from classifying without their lyrics."""
        for row in rows:
            if row.fields.get("lyrics_source"):
                self.fetched[row.row] = row.lyrics
            yield row

    def _decide(self, record: dict, path: Path, lyrics: str | None) -> tuple[TagOutcome, dict[str, list[str]]]:
        """The outcome for the record's file at `path`, and the tag updates a `written` outcome needs."""
        outcome = unclassified(record)
        if outcome and not self.missing:
            return outcome, {}
        try:
            previous = read_tag(path, self.settings.field, record["id"])
        except AudioTagError as error:
            return outcome or TagOutcome("failed", error=str(error)), {}
        if self.missing and any(value.strip() for value in previous):
            return TagOutcome("kept", previous, previous), {}
        if outcome:
            return outcome, {}
        return decide(record, previous, self.settings, self.write, {"lyrics": [lyrics]} if lyrics else None)

    def _report(self, record: dict, outcome: TagOutcome, lyrics: str | None) -> dict:
        """The record with its tag columns; counted."""
        self.counts[outcome.status] += 1
        extra = {"tag_values": outcome.values, "tag_status": outcome.status, "tag_previous": outcome.previous}
        if self.save_lyrics:
            extra["lyrics_saved"] = bool(lyrics) and outcome.status == "written"
        return {**record, **extra, **({"tag_error": outcome.error} if outcome.error else {})}

    def summary(self) -> str:
        """The counts in one line, with the files a stopped run had done when this run went on with its report."""
        if not self.earlier:
            return summary(self.counts, "audio file")
        earlier = f"{self.earlier} done by the earlier run"
        return f"{summary(self.counts, 'audio file')}; {earlier}" if self.counts else f"nothing left to tag: {earlier}"

    def unfinished(self, earlier: EarlierRun) -> bool:
        """Whether the earlier run's last record is a `written` file whose field still holds what it held before:
        the run stopped after the record, before the rename, so the file is tagged again (a file changed since by
        something else is left as it is)."""
        record = earlier.last_written
        if record is None:
            return False
        try:
            holds = read_tag(self.root / record["id"], self.settings.field, record["id"])
        except AudioTagError:  # its name not as the report shows it, or unreadable: tagging it says which
            return True
        return holds != record.get("tag_values") and holds == (record.get("tag_previous") or [])


STATUSES = (
    "written",
    "would write",
    "unchanged",
    "kept",
    "no genres",
    "skipped: no lyrics",
    "not classified",
    "failed",
)


def summary(counts: Counter, noun: str, order: tuple[str, ...] = STATUSES) -> str:
    """How many songs got each status, in one line: "412 audio files: 380 written, 32 skipped: no lyrics"."""
    parts = [f"{counts[status]} {status}" for status in order if counts[status]]
    total = sum(counts.values())
    return f"{total} {noun}{'' if total == 1 else 's'}: " + ", ".join(parts)


def tag_library(
    path: Path,
    classifier: GenreClassifier,
    settings: TagSettings | None = None,
    *,
    write: bool = False,
    output: Path | None = None,
    follow_symlinks: bool = False,
    threshold: float | None = None,
    top_k: int | None = None,
    lines: Callable[[dict], str] | None = None,
    lyrics: LyricsSettings | None = None,
    save_lyrics: bool = False,
    missing: bool = False,
    resume: bool = False,
) -> LibraryTagger:
    """Tag the audio files at `path` (a folder, or one file) with their genres: the Python API of `lyricgenre tag`.

    `settings`: what is written (`TagSettings`; default: its defaults, not the user's config file). A dry run
    unless `write`; the report (one record per file) goes to `output` (.jsonl/.csv), else standard output (JSONL,
    or with `lines` a line a file for people). With `write` the report is written as the run goes, each record on
    disk before its file is renamed, since it holds the files' previous tag values.
    Returns the tagger: `counts` says how many files got each status, `summary()` in one line. With `write`, the
    temporary copies an interrupted earlier run left below the folder are removed first (`leftovers_removed`).
    With `lyrics`, files without lyrics get them from a lyrics server (`lyricgenre.interfaces.library.lyrics_fetch`;
    `tagger.fetcher.summary()` counts the answers); `save_lyrics` also writes them into the files' lyrics tags.
    With `missing`, only files whose field is empty get genres (the others are `kept`, and still count in their
    artist's or album's pool). With `resume`, the run goes on with the `output` report of a stopped run of the same
    kind (dry or `write`): the files it records are not tagged again (`tagger.earlier` counts them), except a last
    `written` one the stopped run did not get to rename; pooled, the songs' scores are kept beside the report until
    it is complete (`lyricgenre.interfaces.resuming`), so a run stopped while scoring goes on from there.
    """
    path, settings = Path(path), (settings or TagSettings()).for_model(classifier.adapted)
    root = path if path.is_dir() else path.parent
    if resume and (output is None or Path(output).suffix.lower() not in (".jsonl", ".csv")):
        raise UserError("--resume goes on with the report of a stopped run: give its --output (.jsonl or .csv)")
    if output is not None and not resume and records_changes(Path(output)):
        raise UserError(
            f"{output}: holds an earlier --write run's record of the values its files had; a new report does not "
            "replace it: give another --output, or --resume to go on with it"
        )
    tagger = LibraryTagger(
        root, settings, write, follow_symlinks, save_lyrics=bool(lyrics) and save_lyrics, missing=missing
    )
    pool = None if settings.pool == "none" else settings.pool
    rows = read_songs(path, audio_only=True)
    if missing:
        rows = _set_aside_unneeded(rows, path, settings.field, pool)
    if write:
        tagger.leftovers_removed = remove_leftover_copies(root)
    pooled = (f"{pool}_songs", "filled_from") if pool else ()
    columns = pooled + (("lyrics_source",) if lyrics else ()) + tagger.columns
    tagger.fetcher = LyricsFetcher(lyrics) if lyrics else None
    try:
        if tagger.fetcher:
            rows = tagger.fetcher.fill(rows)
            rows = tagger.remember_fetched(rows) if tagger.save_lyrics else rows
        shown = shown_beside(output) or pool is not None  # pooled: every song is scored first
        progress = ProgressBar.for_input(path, audio_only=True, shown=shown)
        with RecordWriter(output, sys.stdout, columns, journal=write, lines=lines, resume=resume) as report, progress:
            decisions = Decisions(threshold=threshold, top_k=top_k, pool=pool, fill=settings.fill)
            if resume:
                found = _remaining(tagger, classifier, rows, decisions, progress, report, path)
            else:
                found = classify_rows(classifier, rows, decisions, progress)
            for row, prediction in found:
                tagger.tag(row, song_record(row, prediction, pool), report)
            tagger.earlier = report.earlier
            report.check_not_empty(path)
    finally:
        if tagger.fetcher:
            tagger.fetcher.close()
    return tagger


def _remaining(
    tagger: LibraryTagger,
    classifier: GenreClassifier,
    rows: Iterable[SongRow],
    decisions: Decisions,
    progress: ProgressBar,
    report: RecordWriter,
    path: Path,
) -> Iterator[tuple[SongRow, Prediction | None]]:
    """The rows the stopped run's report lacks, classified; a file it recorded `written` but did not rename too."""
    earlier = earlier_run(report.output)  # read after the writer cut off a half-written last record
    earlier.check_same_kind(report.output, tagger.write)
    if tagger.unfinished(earlier):
        report.write_again({"id": earlier.last_written["id"]}, earlier.last_written.get("row"))
    read_again = partial(read_songs, path, audio_only=True)
    return classify_remaining(classifier, rows, decisions, progress, report, read_again)


def _set_aside_unneeded(rows: Iterable[SongRow], path: Path, field: str, pool: str | None) -> Iterator[SongRow]:
    """`--missing`: the rows, those of files no answer is needed for set aside (not classified, no lyrics fetched):
    files whose field holds genres, as every file pooled with them does. One pass over the folder first finds
    which are needed (`classify.needed`)."""
    ids, keys, wanted = [], [], []
    for row in read_songs(path, audio_only=True):
        ids.append(row.fields.get("id"))
        keys.append(pool_key(row.fields, pool))
        wanted.append(_field_empty(row, field))
    needed_ids = {song for song, need in zip(ids, needed(keys, wanted)) if need}
    reason = f"not needed: its {field} field holds genres" + (f", as its {pool}'s other files do" if pool else "")
    return (row if row.fields.get("id") in needed_ids else row.set_aside(reason) for row in rows)


def _field_empty(row: SongRow, field: str) -> bool:
    """Whether the row's file holds no value in `field` (a file that cannot be read: tagging it says why)."""
    try:
        return not any(value.strip() for value in read_tag(row.audio_path, field, row.fields.get("id")))
    except AudioTagError:
        return True
