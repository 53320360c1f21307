"""The offline snapshot bundled in the package: official files, gzip-compressed, unedited.

`manifest.json` records for each file its official name, sha256 and size of the
uncompressed bytes, and the date the data carries. Loading checks every hash
first, so a damaged install is reported rather than silently screened against.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from clearance.loaders.errors import ListFormatError
from clearance.loaders.registry import load_list_files
from clearance.loaders.result import LoadResult
from clearance.store import ListStore, LoadOutcome, SourceFile
from clearance.store.list_store import combined_sha256

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class SnapshotList:
    list_id: str
    date: str
    title: str
    files: list[dict[str, str | int]]

    def paths(self) -> dict[str, Path]:
        return {str(f["role"]): DATA / str(f["path"]) for f in self.files}


def snapshot_lists() -> list[SnapshotList]:
    manifest = json.loads((DATA / "manifest.json").read_text())
    return [SnapshotList(**entry) for entry in manifest]


def _verified_source_files(entry: SnapshotList) -> list[SourceFile]:
    result = []
    for f in entry.files:
        path = DATA / str(f["path"])
        raw = gzip.decompress(path.read_bytes())
        digest = hashlib.sha256(raw).hexdigest()
        if digest != f["sha256"]:
            raise ListFormatError(
                str(path), f"sha256 {digest} does not match manifest {f['sha256']}"
            )
        result.append(SourceFile(str(f["role"]), str(f["name"]), digest, len(raw)))
    return result


def _parse(entry: SnapshotList) -> LoadResult:
    result = load_list_files(entry.list_id, entry.paths())
    if result.published is None:
        result.published = entry.date
        result.date_source = "manifest"
    return result


def load_bundled_snapshot(
    store: ListStore, lists: list[str] | None = None, workers: int = 2
) -> list[LoadOutcome]:
    """Load every bundled list (or those named) into the store; unchanged ones are no-ops.

    Parsing is most of the time and each list parses alone, so lists are parsed in
    `workers` processes; versions are then recorded one by one, in manifest order.
    """
    outcomes: dict[str, LoadOutcome] = {}
    pending: list[tuple[SnapshotList, list[SourceFile], str]] = []
    for entry in snapshot_lists():
        if lists is not None and entry.list_id not in lists:
            continue
        files = _verified_source_files(entry)
        source = "bundled snapshot: " + ", ".join(str(f["copied_from"]) for f in entry.files)
        known = store.version_with_sha256(entry.list_id, combined_sha256(files))
        if known is not None:
            outcomes[entry.list_id] = store.record_unchanged(known, source)
        else:
            pending.append((entry, files, source))
    if workers > 1 and len(pending) > 1:
        with ProcessPoolExecutor(min(workers, len(pending))) as pool:
            biggest_first = sorted(pending, key=lambda p: -sum(int(f.bytes) for f in p[1]))
            futures = {e.list_id: pool.submit(_parse, e) for e, _, _ in biggest_first}
            for entry, files, source in pending:
                result = futures[entry.list_id].result()
                outcomes[entry.list_id] = store.record_load(result, files, source, "snapshot")
    else:
        for entry, files, source in pending:
            outcomes[entry.list_id] = store.record_load(_parse(entry), files, source, "snapshot")
    order = [e.list_id for e in snapshot_lists()]
    return sorted(outcomes.values(), key=lambda o: order.index(o.list_id))
