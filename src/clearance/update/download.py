"""Fetching one official file over HTTP: bounded, retried, streamed to disk, hashed.

Every way a download goes wrong becomes a `DownloadError` whose message says
what happened in an operator's words ("HTTP 404 Not Found", "timed out after
10 s", "connection cut after 1,015,310 of 2,030,620 bytes"). Transient failures
(timeouts, cut connections, 5xx, 429) are retried a bounded number of times
with exponential backoff; a 4xx is final at once.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from rich.progress import Progress, TaskID

from clearance.loaders.source_files import MAX_UNZIPPED_BYTES
from clearance.update.validators import Validator

DEFAULT_TIMEOUT = 30.0  # seconds without progress (connect, or between two reads)
DEFAULT_TRIES = 3
DEFAULT_BACKOFF = 1.0  # seconds before the 2nd try; doubles for each further one
MAX_DOWNLOAD_BYTES = MAX_UNZIPPED_BYTES  # the loaders' own cap on a decompressed file
MAX_DOWNLOAD_SECONDS = 15 * 60  # a server that drips bytes forever is cut off here
MAX_RETRY_AFTER = 30.0
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
USER_AGENT = "clearance/0.1 (sanctions list updater)"
_CHUNK = 64 * 1024


class DownloadError(Exception):
    """A file could not be fetched; `status` is the HTTP status when there was one."""

    def __init__(self, url: str, reason: str, *, status: int | None = None):
        self.url = url
        self.reason = reason
        self.status = status
        super().__init__(f"{url}: {reason}")


class _Transient(Exception):
    """A failure worth another try."""

    def __init__(self, reason: str, retry_after: float | None = None):
        self.reason = reason
        self.retry_after = retry_after
        super().__init__(reason)


@dataclass(frozen=True)
class Downloaded:
    url: str
    path: Path | None  # None when the server said 304 Not Modified
    sha256: str
    size: int
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.path is None

    def validator(self) -> Validator:
        return Validator(self.etag, self.last_modified, self.sha256)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    return min(float(value), MAX_RETRY_AFTER) if value.isdigit() else None


def _status_text(response: httpx.Response) -> str:
    return f"HTTP {response.status_code} {response.reason_phrase}".rstrip()


class Downloader:
    """One HTTP client shared by all files of an update run."""

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        tries: int = DEFAULT_TRIES,
        backoff: float = DEFAULT_BACKOFF,
        max_bytes: int = MAX_DOWNLOAD_BYTES,
        max_seconds: float = MAX_DOWNLOAD_SECONDS,
        progress: Progress | None = None,
    ):
        self.timeout = timeout
        self.tries = max(1, tries)
        self.backoff = backoff
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.progress = progress
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT},
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Downloader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str, dest: Path, validator: Validator | None = None) -> Downloaded:
        """Stream `url` to `dest`; with a validator, a 304 answer returns `not_modified`."""
        last: _Transient | None = None
        for attempt in range(1, self.tries + 1):
            try:
                return self._fetch_once(url, dest, validator)
            except _Transient as exc:
                last = exc
                if attempt < self.tries:
                    delay = self.backoff * 2 ** (attempt - 1)
                    time.sleep(max(delay, exc.retry_after or 0.0))
        assert last is not None
        tries = f" ({self.tries} attempts)" if self.tries > 1 else ""
        raise DownloadError(url, last.reason + tries)

    def _fetch_once(self, url: str, dest: Path, validator: Validator | None) -> Downloaded:
        headers = validator.headers() if validator else {}
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                return self._receive(url, response, dest, validator)
        except httpx.TimeoutException as exc:
            raise _Transient(f"timed out after {self.timeout:g} s") from exc
        except httpx.ConnectError as exc:
            raise _Transient(f"cannot connect: {exc}") from exc
        except httpx.TooManyRedirects as exc:
            raise DownloadError(url, f"too many redirects: {exc}") from exc
        except httpx.UnsupportedProtocol as exc:  # e.g. a redirect to file:// or ftp://
            raise DownloadError(url, f"unsupported protocol: {exc}") from exc
        except httpx.TransportError as exc:
            raise _Transient(f"{type(exc).__name__}: {exc}") from exc

    def _receive(
        self, url: str, response: httpx.Response, dest: Path, validator: Validator | None
    ) -> Downloaded:
        status = response.status_code
        if status == 304:
            if validator is None:
                raise DownloadError(url, "HTTP 304 Not Modified to an unconditional request")
            return Downloaded(
                url, None, validator.sha256, 0, validator.etag, validator.last_modified
            )
        if status in RETRY_STATUSES:
            raise _Transient(_status_text(response), _retry_after(response))
        if status != 200:
            raise DownloadError(url, _status_text(response), status=status)
        length_header = response.headers.get("Content-Length", "")
        expected = int(length_header) if length_header.isdigit() else None
        if expected is not None and expected > self.max_bytes:
            raise DownloadError(
                url, f"server announces {expected:,} bytes, more than the {self.max_bytes:,} cap"
            )
        encoded = response.headers.get("Content-Encoding", "identity") != "identity"
        digest = hashlib.sha256()
        size = 0
        started = time.monotonic()
        task = self._start_task(dest.name, None if encoded else expected)
        try:
            with dest.open("wb") as out:
                for chunk in response.iter_bytes(_CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise DownloadError(url, f"larger than the {self.max_bytes:,} byte cap")
                    if time.monotonic() - started > self.max_seconds:
                        raise DownloadError(
                            url, f"still downloading after {self.max_seconds:g} s; given up"
                        )
                    digest.update(chunk)
                    out.write(chunk)
                    if task is not None and self.progress is not None:
                        self.progress.update(task, completed=response.num_bytes_downloaded)
        except httpx.TimeoutException as exc:
            raise _Transient(
                f"timed out after {self.timeout:g} s, {response.num_bytes_downloaded:,} bytes in"
            ) from exc
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Transient(self._cut(response.num_bytes_downloaded, expected)) from exc
        finally:
            if task is not None and self.progress is not None:
                self.progress.remove_task(task)
        if expected is not None and response.num_bytes_downloaded < expected:
            raise _Transient(self._cut(response.num_bytes_downloaded, expected))
        return Downloaded(
            url,
            dest,
            digest.hexdigest(),
            size,
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
        )

    @staticmethod
    def _cut(received: int, expected: int | None) -> str:
        of = f" of {expected:,}" if expected is not None else ""
        return f"connection cut after {received:,}{of} bytes"

    def _start_task(self, name: str, total: int | None) -> TaskID | None:
        if self.progress is None:
            return None
        return self.progress.add_task(name, total=total)
