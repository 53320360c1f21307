"""Synthetic populations of innocent names, from Faker's per-locale name data.

Two uses: how common each name word is in the population that writes its script
(the name statistics shipped with the matcher), and innocent queries whose alerts
are false by construction (negatives for the fit, and the benchmark's population).
Each use draws with its own seed, so the benchmark's names are not the fit's.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from faker import Faker
from faker.config import AVAILABLE_LOCALES

# Locales whose name data is a copy of another's or too thin to say anything.
_SKIPPED = frozenset({"la", "en", "es", "de", "th", "sw", "tw_GH", "ng_NG", "de_LI", "de_LU"})
FIT_LOCALES = tuple(loc for loc in AVAILABLE_LOCALES if loc not in _SKIPPED)
# The benchmark's ten locales: five scripts, the world's most screened name cultures.
BENCH_LOCALES = (
    "en_US", "de_DE", "es_MX", "fr_FR", "ru_RU", "ar_AA", "zh_CN", "ja_JP", "ko_KR", "hi_IN",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PopulationName:
    locale: str
    name: str
    kind: str  # "person" or "company"


def _faker(locale: str, seed: int) -> Faker:
    fake = Faker(locale)
    fake.seed_instance(seed)
    return fake


def people(locale: str, count: int, seed: int) -> list[str]:
    """`count` full names as Faker writes them in `locale` (titles and all)."""
    fake = _faker(locale, seed)
    return [fake.name() for _ in range(count)]


def companies(locale: str, count: int, seed: int) -> list[str]:
    fake = _faker(locale, seed)
    out = []
    for _ in range(count):
        try:
            out.append(fake.company())
        except (AttributeError, KeyError, IndexError):  # a locale without company data
            break
    return out


def name_parts(locale: str, count: int, seed: int) -> tuple[list[str], list[str], list[str]]:
    """Given names, surnames and titles (prefixes and suffixes) as Faker draws them."""
    fake = _faker(locale, seed)
    given = [fake.first_name() for _ in range(count)]
    family = [fake.last_name() for _ in range(count)]
    titles: list[str] = []
    for method in ("prefix", "suffix"):
        draw = getattr(fake, method, None)
        if draw is None:
            continue
        try:
            titles.extend(draw() for _ in range(max(50, count // 20)))
        except (AttributeError, KeyError, IndexError, TypeError):
            continue
    return given, family, [t for t in titles if t]


def population(
    locales: tuple[str, ...],
    per_locale: int,
    seed: int,
    company_share: float = 0.2,
    non_latin_factor: int = 1,
) -> Iterator[PopulationName]:
    """Innocent names, `per_locale` a locale (times `non_latin_factor` for locales that
    write names in another script than Latin: transliteration makes most false
    alerts), about `company_share` of them companies."""
    rng = random.Random(seed)
    for k, locale in enumerate(locales):
        size = per_locale
        if non_latin_factor > 1 and not people(locale, 1, seed)[0].isascii():
            probe = people(locale, 5, seed)
            if any(ord(c) > 0x36F for name in probe for c in name if c.isalpha()):
                size = per_locale * non_latin_factor
        n_companies = int(size * company_share)
        firms = companies(locale, n_companies, seed + k)
        persons = people(locale, size - len(firms), seed + k)
        rows = [PopulationName(locale, n, "person") for n in persons]
        rows += [PopulationName(locale, n, "company") for n in firms]
        rng.shuffle(rows)
        yield from rows
