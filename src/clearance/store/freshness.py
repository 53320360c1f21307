"""Which list versions a screening used, how old they were, and what to warn of.

A verdict is only as good as the lists behind it: screening against no list at all
(a date before the first version, a list id the store does not hold) must never
read as "no match", and a list not updated for weeks must be said to be old on
every answer, not only in `clearance lists`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from clearance.store.list_store import ListVersion

STALE_AFTER_DAYS = 30  # the default; CLEARANCE_STALE_DAYS or --stale-days change it
STALE_DAYS_VARIABLE = "CLEARANCE_STALE_DAYS"


class VersionSource(Protocol):
    def current_versions(
        self, lists: Iterable[str] | None = None, as_of: date | str | None = None
    ) -> dict[str, ListVersion]: ...

    def versions(self, list_id: str | None = None) -> list[ListVersion]: ...


class NumberedVersion(Protocol):
    """A version of some list: a `ListVersion`, or one of ownership data."""

    @property
    def id(self) -> int: ...
    @property
    def number(self) -> int: ...
    @property
    def effective_date(self) -> date: ...
    @property
    def date_known(self) -> bool: ...


def stale_after_days(value: int | str | None = None) -> int:
    """The age in days past which a list is stale: `value`, else the environment, else 30."""
    raw = value if value is not None else os.environ.get(STALE_DAYS_VARIABLE)
    if raw is None or raw == "":
        return STALE_AFTER_DAYS
    try:
        days = int(raw)
    except ValueError:
        message = f"{STALE_DAYS_VARIABLE} must be a whole number of days, not {raw!r}"
        raise ValueError(message) from None
    if days < 0:
        raise ValueError(f"the stale age must be 0 days or more, not {days}")
    return days


@dataclass(frozen=True)
class ListAge:
    """One list version screened against, and its age on the screening date."""

    list_id: str
    number: int  # the list's own version number
    load_id: int  # the store-wide id other records refer to
    date: date  # its publication date; when that is unknown, the day it was loaded
    age_days: int | None  # None: the publication date is unknown (an OFAC CSV file)
    stale: bool

    @property
    def label(self) -> str:
        if self.age_days is None:
            return f"{self.list_id} v{self.number} of unknown date (loaded {self.date.isoformat()})"
        return f"{self.list_id} v{self.number} of {self.date.isoformat()} ({self.age_days} days)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "list": self.list_id,
            "version": self.number,
            "load_id": self.load_id,
            "date": self.date.isoformat() if self.age_days is not None else None,
            "age_days": self.age_days,
            "stale": self.stale,
        }


@dataclass(frozen=True)
class ListsInForce:
    """The lists a screening ran against on `on`, with what an analyst must be told."""

    on: date  # the screening date: as_of, else today
    as_of: date | None
    lists: tuple[ListAge, ...]
    missing: tuple[str, ...]  # list ids asked for that have no version in force
    stale_after_days: int
    earliest: ListVersion | None = None  # the first version in the store, for the message
    # Ownership data used for derived listings: never stale (the user's own), and no list
    # to screen against by itself (it names no listed party).
    ownership: tuple[ListAge, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing was screened against: every answer would read "no match" for nothing."""
        return not self.lists

    @property
    def stale(self) -> list[str]:
        return [age.list_id for age in self.lists if age.stale]

    @property
    def undated(self) -> list[str]:
        """Lists whose publication date is unknown: how old they are cannot be told."""
        return [age.list_id for age in self.lists if age.age_days is None]

    def warnings(self) -> list[str]:
        found: list[str] = []
        when = f" on {self.as_of.isoformat()}" if self.as_of else ""
        absent = ", ".join(self.missing)
        if self.empty:
            if self.missing:
                found.append(f"No version of {absent} in force{when}: nothing to screen against.")
            else:
                found.append(f"No list version in force{when}: nothing to screen against.")
            if self.as_of and self.earliest is not None:
                found[-1] += (
                    f" The earliest is {self.earliest.label} of "
                    f"{self.earliest.effective_date.isoformat()}."
                )
        elif self.missing:
            them = "it" if len(self.missing) == 1 else "them"
            found.append(f"No version of {absent} in force{when}: not screened against {them}.")
        if self.stale:
            found.append(
                f"{', '.join(self.stale)} older than {self.stale_after_days} days on "
                f"{self.on.isoformat()}; run `clearance update`."
            )
        if self.undated:
            found.append(
                f"{', '.join(self.undated)}: publication date unknown, so whether "
                f"{'it is' if len(self.undated) == 1 else 'they are'} out of date cannot be "
                "told; run `clearance update`, or load the files with --published YYYY-MM-DD."
            )
        return found

    def summary(self) -> str:
        """One line naming every list version used and its age."""
        if self.empty:
            return "Lists used: none."
        used = [age.label for age in self.lists]
        used += [f"ownership data {age.list_id} v{age.number}" for age in self.ownership]
        return "Lists used: " + "; ".join(used) + "."

    def to_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "stale_after_days": self.stale_after_days,
            "versions": [age.to_dict() for age in self.lists],
            "missing": list(self.missing),
            "ownership": [age.to_dict() for age in self.ownership],
            "warnings": self.warnings(),
        }


def warning_header(used: ListsInForce) -> str | None:
    """An HTTP `Warning` header (RFC 7234, code 299) carrying the warnings, or None."""
    warnings = used.warnings()
    if not warnings:
        return None
    text = " ".join(warnings).replace("\\", "\\\\").replace('"', '\\"')
    text = text.encode("ascii", "replace").decode("ascii")  # a header is not Unicode
    return f'299 clearance "{text}"'


def lists_in_force(
    store: VersionSource,
    lists: Iterable[str] | None = None,
    as_of: date | None = None,
    stale_after: int | None = None,
    today: date | None = None,
    ownership: Mapping[str, NumberedVersion] | None = None,
) -> ListsInForce:
    """The versions of `lists` (None: all) in force on `as_of`, each with its age then;
    `ownership`: the ownership data in force for the same screening, by list id."""
    wanted = list(dict.fromkeys(lists)) if lists is not None else None
    current = store.current_versions(wanted, as_of)
    earliest = None
    if not current:
        known = [v for v in store.versions() if v.status == "ok"]
        earliest = min(known, key=lambda v: (v.effective_date, v.id), default=None)
    return ages_of(current, wanted, as_of, stale_after, today, earliest, ownership)


def ages_of(
    current: dict[str, ListVersion],
    wanted: Iterable[str] | None,
    as_of: date | None = None,
    stale_after: int | None = None,
    today: date | None = None,
    earliest: ListVersion | None = None,
    ownership: Mapping[str, NumberedVersion] | None = None,
) -> ListsInForce:
    """`ListsInForce` of versions already looked up (a server keeps them per index)."""
    on = as_of or today or date.today()
    limit = stale_after_days(stale_after)
    ages = [_age(list_id, v, on, limit) for list_id, v in sorted(current.items())]
    owned = [_age(list_id, v, on, None) for list_id, v in sorted((ownership or {}).items())]
    found = set(current) | set(ownership or {})
    missing = tuple(sorted(set(wanted) - found)) if wanted is not None else ()
    return ListsInForce(on, as_of, tuple(ages), missing, limit, earliest, tuple(owned))


def _age(list_id: str, version: NumberedVersion, on: date, limit: int | None) -> ListAge:
    """A version's age on `on`; stale past `limit` days (None: never)."""
    age = (on - version.effective_date).days if version.date_known else None
    stale = limit is not None and age is not None and age > limit
    return ListAge(list_id, version.number, version.id, version.effective_date, age, stale)
