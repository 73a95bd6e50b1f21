"""beets plugin: genres from lyrics, written into beets' own genre field (`plugins: lyricgenre`).

    beet lyricgenre [-p] [-f] [QUERY]      # the matching items; -p: show what would change, change nothing

Its options are `lyricgenre tag`'s (`TagSettings`: level, max_genres, case, allow, deny, aliases, families, pool,
fill, …) with their defaults, read from lyricgenre's own config file and overlaid by beets' `lyricgenre:`
section, plus `auto`, `force`, `model` and `threads` (`PLUGIN_OPTIONS`). The work is done by
`lyricgenre.interfaces.library.beets`, the same path as `lyricgenre tag --field genre`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from beets import config, library, ui
from beets.plugins import BeetsPlugin

from lyricgenre.errors import UserError
from lyricgenre.interfaces.library import beets as tagging
from lyricgenre.interfaces.library.tagger import summary
from lyricgenre.interfaces.progress import ProgressBar
from lyricgenre.runtime import GenreClassifier

SAVED_SCORES = "lyricgenre.scores"  # in beets' folder while `beet lyricgenre` classifies


class LyricGenrePlugin(BeetsPlugin):
    def __init__(self) -> None:
        super().__init__("lyricgenre")
        self.config.add(tagging.PLUGIN_OPTIONS)
        self.field = tagging.genre_field(library.Item._fields)
        self._classifier: GenreClassifier | None = None
        if self.config["auto"].get(bool):
            # After every plugin stage (so after beets' lyrics plugin has fetched the lyrics), once files are in place.
            self.register_listener("import_task_files", self.imported)

    def commands(self) -> list[ui.Subcommand]:
        command = ui.Subcommand("lyricgenre", help="set genres from the items' lyrics")
        command.parser.add_option("-p", "--pretend", action="store_true", help="show what would change, change nothing")
        command.parser.add_option("-f", "--force", action="store_true", default=None, help="replace existing genres")
        command.func = self.run_command
        return [command]

    def run_command(self, lib, options, arguments) -> None:
        force = self.config["force"].get(bool) if options.force is None else options.force
        items = list(lib.items(arguments))
        # The scores are kept in beets' folder while the items are classified: run again after a stop, the
        # command reads back those of the songs it had scored.
        saved = Path(config.config_dir()) / SAVED_SCORES
        self.tag(items, force, options.pretend, ui.should_write(), ProgressBar(len(items)), saved)

    def imported(self, session, task) -> None:
        self.tag(list(task.imported_items()), self.config["force"].get(bool), False, session.config["write"].get(bool))

    def tag(
        self,
        items: list,
        force: bool,
        pretend: bool,
        write: bool,
        progress: ProgressBar | None = None,
        saved: Path | None = None,
    ) -> None:
        """Decide every item's genres together (pooled as configured), then show, store and write the changes;
        `progress` (the command's, on a terminal) counts the items as they are classified, and `saved` keeps
        their scores until every item is decided (`tag_items`)."""
        try:
            settings = tagging.settings_from(self._tag_options())
            with progress or ProgressBar(None, enabled=False) as shown:
                outcomes = list(
                    tagging.tag_items(
                        items,
                        self.classifier(),
                        settings,
                        self.field,
                        force=force,
                        write=not pretend,
                        progress=shown,
                        saved=saved,
                    )
                )
        except UserError as error:
            raise ui.UserError(f"lyricgenre: {error}") from None
        counts = Counter()
        for result in outcomes:
            counts[result.outcome.status] += 1
            if result.outcome.status in ("written", "would write"):
                self._change(result, pretend, write)
        self._log.info("{}", summary(counts, "item"))

    def _change(self, result: tagging.ItemOutcome, pretend: bool, write: bool) -> None:
        item = result.item
        item[self.field] = tagging.field_value(result.outcome.values, self.field)
        ui.show_model_changes(item, fields=[self.field])
        if not pretend:
            item.try_sync(write=write, move=False)

    def classifier(self) -> GenreClassifier:
        """The model, loaded once per beets run."""
        if self._classifier is None:
            model, threads = self.config["model"].get(), self.config["threads"].get()
            try:
                self._classifier = GenreClassifier.load(model and str(model), threads=threads)
            except UserError as error:
                raise ui.UserError(f"lyricgenre: {error}") from None
        return self._classifier

    def _tag_options(self) -> dict:
        """The keys of beets' `lyricgenre:` section that are `lyricgenre tag`'s settings."""
        return {key: self.config[key].get() for key in self.config.keys() if key not in tagging.PLUGIN_OPTIONS}
