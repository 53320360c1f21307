"""Where each list's files come from on this run: official URLs, a mirror, or a folder.

`--from URL` names a base URL under which the official file names are fetched
(an internal mirror); `--from DIR` a folder holding files by their published
names, plain or gzipped, matched case-insensitively as governments differ
(`SDN.CSV`, `consolidated.xml`, `ConList.csv`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from clearance.loaders.registry import KNOWN_FILE_NAMES, LIST_SOURCES, identify_file


@dataclass(frozen=True)
class PlannedFile:
    role: str
    name: str  # the official file name; downloads are saved under it so loaders cite it
    location: str  # URL, or local path for --from DIR
    required: bool


def official_name(list_id: str, role: str) -> str:
    """The published file name of a list file, as its URL spells it when the URL tells."""
    url = LIST_SOURCES[list_id].file(role).url
    base = urlsplit(url).path.rsplit("/", 1)[-1]
    if identify_file(Path(base)) == (list_id, role):
        return base
    for name, owner in KNOWN_FILE_NAMES.items():
        if owner == (list_id, role):
            return name
    return base or f"{list_id}-{role}"


def is_url(source: str) -> bool:
    return urlsplit(source).scheme.lower() in ("http", "https")


def url_plan(list_id: str, base_url: str | None = None) -> list[PlannedFile]:
    """The list's files at the official URLs, or under `base_url` by their official names."""
    plan = []
    for official in LIST_SOURCES[list_id].files:
        name = official_name(list_id, official.role)
        url = official.url if base_url is None else base_url.rstrip("/") + "/" + name
        plan.append(PlannedFile(official.role, name, url, official.required))
    return plan


def directory_plan(list_id: str, folder: Path) -> list[PlannedFile]:
    """The list's files found in `folder`; empty when it holds none of them.

    Prefers the official name, plain before gzipped; a file in an alternative
    format (`ConList.xlsx`, `CONS_ENHANCED.ZIP`) is used only when the folder has
    none of the official files for that role or list.
    """
    candidates: dict[str, list[Path]] = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        known = identify_file(path)
        if known is not None and known[0] == list_id:
            candidates.setdefault(known[1], []).append(path)
    official_roles = {f.role: f for f in LIST_SOURCES[list_id].files}
    if official_roles.keys() & candidates.keys():
        candidates = {r: paths for r, paths in candidates.items() if r in official_roles}
    plan = []
    for role, paths in candidates.items():
        preferred = official_name(list_id, role).lower() if role in official_roles else ""

        def rank(path: Path, preferred: str = preferred) -> tuple[bool, bool, str]:
            plain = path.name.lower().removesuffix(".gz")
            return (plain != preferred, path.name.lower().endswith(".gz"), path.name)

        chosen = min(paths, key=rank)
        required = official_roles[role].required if role in official_roles else True
        plan.append(PlannedFile(role, chosen.name.removesuffix(".gz"), str(chosen), required))
    return plan


def expected_names(list_id: str) -> str:
    return ", ".join(official_name(list_id, f.role) for f in LIST_SOURCES[list_id].files)
