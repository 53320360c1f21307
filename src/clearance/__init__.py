"""clearance: sanctions and export-control screening from the governments' own lists.

The public API, imported lazily so that `import clearance` (and the CLI's start)
pays only for what is used:

    from clearance import Screener, compare, DEFAULT_THRESHOLD
    screener = Screener.load()
    hits = screener.check("Higuision", activity="export")
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Screener": "clearance.workflows.screening",
    "ScreeningHit": "clearance.workflows.screening",
    "Hit": "clearance.matching",
    "compare": "clearance.matching",
    "DEFAULT_THRESHOLD": "clearance.matching",
    "Entity": "clearance.model",
    "ListStore": "clearance.store",
    "ListVersion": "clearance.store",
    "open_store": "clearance.store",
    "Activity": "clearance.effects",
    "Verdict": "clearance.effects",
    "effects_for": "clearance.effects",
    "verdict_for": "clearance.effects",
    "ListFormatError": "clearance.loaders",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'clearance' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
