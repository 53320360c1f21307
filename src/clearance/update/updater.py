"""`update_lists`: fetch each list, validate all of it, then switch versions in one go.

Per list: download every file to a temporary folder (or take them from a local
folder), refuse empty files and HTML error pages, let the list's loader parse
the whole of it (it raises `ListFormatError` on truncation, wrong columns,
missing end markers, hostile XML), and only then hand it to the store, which
refuses a >20 % entity drop unless forced and switches in one transaction.
Any failure leaves the list's current version in force and is written to the
store's update log; one list failing never stops the next.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TransferSpeedColumn,
)

from clearance.loaders.errors import ListFormatError
from clearance.loaders.registry import LIST_SOURCES, load_list_files
from clearance.loaders.source_files import read_source, refuse_html
from clearance.store import ListStore, ListVersion, SourceFile, StoreBusy, VersionRejected
from clearance.store.list_store import combined_sha256
from clearance.update.download import (
    DEFAULT_BACKOFF,
    DEFAULT_TIMEOUT,
    DEFAULT_TRIES,
    MAX_DOWNLOAD_BYTES,
    Downloaded,
    Downloader,
    DownloadError,
)
from clearance.update.sources import (
    PlannedFile,
    directory_plan,
    expected_names,
    is_url,
    url_plan,
)
from clearance.update.validators import HttpValidators

RESULTS = ("loaded", "unchanged", "rejected", "failed", "skipped")


class UpdateUsageError(ValueError):
    """The update was asked for something impossible (unknown list, missing folder)."""


@dataclass
class UpdateOutcome:
    list_id: str
    result: str  # one of RESULTS
    message: str
    source: str
    version: ListVersion | None = None  # the version in force after the attempt
    added: int = 0
    removed: int = 0
    changed: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result in ("loaded", "unchanged", "skipped")

    def describe(self) -> str:
        return f"{self.list_id}: {self.result}: {self.message}"


@dataclass(frozen=True)
class _Fetched:
    """One file ready for the loader: where it is and what it hashes to."""

    role: str
    name: str
    path: Path
    sha256: str
    size: int
    head: bytes  # the first KiB of the (decompressed) content
    last_modified: str | None = None  # the download's Last-Modified header

    def source_file(self) -> SourceFile:
        return SourceFile(self.role, self.name, self.sha256, self.size)


def _strip_list_prefix(list_id: str, message: str) -> str:
    return message.removeprefix(f"{list_id}: ")


def _check_content(item: _Fetched) -> None:
    """The two commonest bad downloads, caught for every format before any loader runs."""
    if item.size == 0:
        raise ListFormatError(item.name, "empty file (0 bytes)")
    refuse_html(item.head.decode("utf-8", errors="replace"), item.name)


def _served_date(header: str | None) -> str | None:
    """The ISO date (UTC) of an HTTP Last-Modified header; None if absent or unreadable."""
    if not header:
        return None
    try:
        return parsedate_to_datetime(header).astimezone(UTC).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(1024)


class _Run:
    """State of one `update_lists` call: store, options, HTTP client, validators."""

    def __init__(
        self,
        store: ListStore,
        *,
        force: bool,
        downloader: Downloader,
        validators: HttpValidators,
    ):
        self.store = store
        self.force = force
        self.downloader = downloader
        self.validators = validators

    def current(self, list_id: str) -> ListVersion | None:
        return self.store.current_versions([list_id]).get(list_id)

    def fail(self, list_id: str, source: str, result: str, message: str) -> UpdateOutcome:
        message = _strip_list_prefix(list_id, message)
        self.store.log(list_id, source, result, message)
        return UpdateOutcome(list_id, result, message, source, self.current(list_id))

    # ------------------------------------------------------------------ loading

    def load(self, list_id: str, files: list[_Fetched], source: str, origin: str) -> UpdateOutcome:
        """Validate the whole list and record it; the store is untouched unless all is well."""
        current = self.current(list_id)
        source_files = [f.source_file() for f in files]
        with self.spinner(f"{list_id}: validating and storing"):
            return self._load(list_id, files, source, origin, current, source_files)

    @contextmanager
    def spinner(self, description: str) -> Iterator[None]:
        progress = self.downloader.progress
        if progress is None:
            yield
            return
        task = progress.add_task(description, total=None)
        try:
            yield
        finally:
            progress.remove_task(task)

    def _load(
        self,
        list_id: str,
        files: list[_Fetched],
        source: str,
        origin: str,
        current: ListVersion | None,
        source_files: list[SourceFile],
    ) -> UpdateOutcome:
        try:
            for item in files:
                _check_content(item)
            if current is not None and current.sha256 == combined_sha256(source_files):
                self.store.record_unchanged(current, source)
                return UpdateOutcome(
                    list_id,
                    "unchanged",
                    f"same files as version {current.id}",
                    source,
                    current,
                )
            result = load_list_files(list_id, {f.role: f.path for f in files})
            if result.list_id != list_id:
                raise ListFormatError(
                    ", ".join(f.name for f in files),
                    f"the files hold list {result.list_id}, not {list_id}",
                )
            if result.published is None:  # OFAC's CSVs: the server's date of the main file
                served = _served_date(files[0].last_modified) if files else None
                if served is not None:
                    result.published, result.date_source = served, "last-modified"
            outcome = self.store.record_load(result, source_files, source, origin, force=self.force)
        except ListFormatError as exc:
            return self.fail(list_id, source, "rejected", str(exc))
        except StoreBusy as exc:  # another process's load, and we were not to wait
            return self.fail(list_id, source, "failed", str(exc))
        except VersionRejected as exc:  # the store has already logged it
            return UpdateOutcome(
                list_id, "rejected", _strip_list_prefix(list_id, str(exc)), source, current
            )
        version = outcome.version
        if outcome.result == "unchanged":
            message = f"same files as version {version.number}"
            if current is not None and current.id != version.id:
                message += f"; version {current.number} stays current"
        else:
            message = (
                f"version {version.number}: {version.entity_count:,} entities "
                f"(+{outcome.added:,} -{outcome.removed:,} ~{outcome.changed:,})"
            )
        return UpdateOutcome(
            list_id,
            outcome.result,
            message,
            source,
            version,
            outcome.added,
            outcome.removed,
            outcome.changed,
            outcome.warnings,
        )

    # ------------------------------------------------------------------ sources

    def from_directory(self, list_id: str, folder: Path, named: bool) -> UpdateOutcome:
        plan = directory_plan(list_id, folder)
        source = ", ".join(p.location for p in plan)
        if not plan:
            message = f"no file for this list in {folder} (expected {expected_names(list_id)})"
            if not named:
                return UpdateOutcome(
                    list_id, "skipped", message, str(folder), self.current(list_id)
                )
            return self.fail(list_id, str(folder), "failed", message)
        files = []
        for planned in plan:
            path = Path(planned.location)
            try:
                data = read_source(path)
            except ListFormatError as exc:
                return self.fail(list_id, source, "rejected", str(exc))
            item = SourceFile.from_bytes(planned.role, planned.name, data)
            files.append(
                _Fetched(planned.role, planned.name, path, item.sha256, item.bytes, data[:1024])
            )
        return self.load(list_id, files, source, "file")

    def from_urls(self, list_id: str, plan: list[PlannedFile], workdir: Path) -> UpdateOutcome:
        source = ", ".join(p.location for p in plan)
        current = self.current(list_id)
        current_files = {str(f["role"]): str(f["sha256"]) for f in current.files} if current else {}
        fetched: dict[str, tuple[PlannedFile, Downloaded]] = {}
        warnings = []
        for planned in plan:
            validator = self.validators.get(planned.location)
            if validator is not None and current_files.get(planned.role) != validator.sha256:
                validator = None  # the store does not hold what the validator describes
            try:
                got = self.downloader.fetch(planned.location, workdir / planned.name, validator)
            except DownloadError as exc:
                if not planned.required and exc.status in (404, 410):
                    warnings.append(f"optional file {planned.name} not published ({exc.reason})")
                    continue
                return self.fail(list_id, source, "failed", str(exc))
            fetched[planned.role] = (planned, got)
        if (
            current is not None
            and fetched
            and all(got.not_modified for _, got in fetched.values())
            and fetched.keys() == current_files.keys()
        ):
            message = f"not modified since version {current.id} (HTTP 304)"
            self.store.log(list_id, source, "unchanged", message, current.id)
            return UpdateOutcome(list_id, "unchanged", message, source, current)
        for role, (planned, got) in list(fetched.items()):
            if got.not_modified:  # others changed: this one is needed in full again
                try:
                    got = self.downloader.fetch(planned.location, workdir / planned.name)
                except DownloadError as exc:
                    return self.fail(list_id, source, "failed", str(exc))
                fetched[role] = (planned, got)
        files = [
            _Fetched(
                role,
                planned.name,
                got.path,
                got.sha256,
                got.size,
                _head(got.path),
                got.last_modified,
            )
            for role, (planned, got) in fetched.items()
            if got.path is not None
        ]
        outcome = self.load(list_id, files, source, "download")
        outcome.warnings = warnings + outcome.warnings
        if outcome.result in ("loaded", "unchanged"):
            for planned, got in fetched.values():
                self.validators.remember(planned.location, got.validator())
        return outcome


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Progress | None]:
    if not enabled:
        yield None
        return
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with progress:
        yield progress


def _resolve_lists(lists: Sequence[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(lists)) if lists else list(LIST_SOURCES)
    unknown = [name for name in chosen if name not in LIST_SOURCES]
    if unknown:
        raise UpdateUsageError(
            f"unknown list(s): {', '.join(unknown)}; known: {', '.join(LIST_SOURCES)}"
        )
    return chosen


def update_lists(
    store: ListStore,
    lists: Sequence[str] | None = None,
    source: str | Path | None = None,
    force: bool = False,
    progress: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    tries: int = DEFAULT_TRIES,
    backoff: float = DEFAULT_BACKOFF,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
    validators_file: Path | None = None,
) -> list[UpdateOutcome]:
    """Update the named lists (default: all) from the official sources, a mirror or a folder.

    `source`: None for the official URLs, an http(s) base URL under which the
    official file names are fetched, or a local folder holding them. Returns one
    outcome per list; raises `UpdateUsageError` only for a bad request (unknown
    list, missing folder), before anything is fetched.
    """
    chosen = _resolve_lists(lists)
    folder: Path | None = None
    base_url: str | None = None
    if source is not None:
        text = str(source)
        if is_url(text):
            base_url = text
        elif "://" in text:
            raise UpdateUsageError(f"--from: only http(s) URLs or a local folder: {text}")
        else:
            folder = Path(text).expanduser()
            if not folder.is_dir():
                raise UpdateUsageError(f"--from: no such folder: {folder}")
    validators = HttpValidators(validators_file)
    outcomes: list[UpdateOutcome] = []
    with (
        _progress_bar(progress and folder is None) as bar,
        Downloader(
            timeout=timeout, tries=tries, backoff=backoff, max_bytes=max_bytes, progress=bar
        ) as downloader,
    ):
        run = _Run(store, force=force, downloader=downloader, validators=validators)
        for list_id in chosen:
            outcomes.append(_update_one(run, list_id, folder, base_url, named=bool(lists)))
    validators.save()
    return outcomes


def _update_one(
    run: _Run, list_id: str, folder: Path | None, base_url: str | None, *, named: bool
) -> UpdateOutcome:
    source = str(folder) if folder is not None else (base_url or "official sources")
    try:
        if folder is not None:
            return run.from_directory(list_id, folder, named)
        with tempfile.TemporaryDirectory(prefix=f"clearance-{list_id}-") as workdir:
            return run.from_urls(list_id, url_plan(list_id, base_url), Path(workdir))
    except Exception as exc:  # a bug or missing loader in one list never stops the others
        message = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, ImportError):
            message = f"no loader for this list in this installation ({exc})"
        try:
            return run.fail(list_id, source, "failed", message)
        except Exception:  # the store itself is unusable: still report this list
            return UpdateOutcome(list_id, "failed", message, source)
