"""Remembered HTTP validators (ETag / Last-Modified) per URL, for conditional requests.

Kept in a small JSON file in the user cache directory (``CLEARANCE_CACHE_DIR``
overrides it). Each entry also records the sha256 of the body it validated, so
the updater sends a conditional request only when the store's current version
holds exactly that body: a 304 then truly means "the store already has it",
whichever store (or copy of one) is being updated.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

FILE_NAME = "http_validators.json"


def default_validators_file() -> Path:
    configured = os.environ.get("CLEARANCE_CACHE_DIR")
    base = Path(configured) if configured else Path(platformdirs.user_cache_dir("clearance"))
    return base / FILE_NAME


@dataclass(frozen=True)
class Validator:
    etag: str | None
    last_modified: str | None
    sha256: str  # of the body these validators describe

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class HttpValidators:
    """URL -> Validator, read once and written back atomically."""

    def __init__(self, path: Path | None = None):
        self.path = path or default_validators_file()
        self._entries: dict[str, Validator] = {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = {}  # missing or damaged cache: every request is unconditional
        if isinstance(raw, dict):
            for url, entry in raw.items():
                try:
                    self._entries[url] = Validator(
                        entry.get("etag"), entry.get("last_modified"), str(entry["sha256"])
                    )
                except (AttributeError, KeyError, TypeError):
                    continue

    def get(self, url: str) -> Validator | None:
        return self._entries.get(url)

    def remember(self, url: str, validator: Validator) -> None:
        if validator.etag or validator.last_modified:
            self._entries[url] = validator
        else:
            self._entries.pop(url, None)

    def save(self) -> None:
        """Write the file atomically; a cache that cannot be written only costs a re-download."""
        data = json.dumps({url: asdict(v) for url, v in sorted(self._entries.items())}, indent=1)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".validators-")
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
