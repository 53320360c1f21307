"""The matcher: finds listed parties from garbled, reordered or transliterated names.

Public API: `MatchIndex` (compiled from entities, cached per list version),
`Screener` (check one name or many), `compare` (two names) and `DEFAULT_THRESHOLD`.
"""

from clearance.matching.index import MatchIndex
from clearance.matching.screener import DEFAULT_THRESHOLD, Hit, Screener, cached_index, compare

__all__ = ["DEFAULT_THRESHOLD", "Hit", "MatchIndex", "Screener", "cached_index", "compare"]
