"""Loaders: one module per official file format, each producing `Entity` records.

A loader knows one format and nothing else: it reads files, validates them
completely, and returns a `LoadResult`. It never touches the store.
"""

from clearance.loaders.errors import ListFormatError
from clearance.loaders.result import LoadResult

__all__ = ["ListFormatError", "LoadResult"]
