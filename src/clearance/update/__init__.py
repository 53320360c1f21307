"""`clearance update`: fetch the official list files and switch versions only when all is well."""

from __future__ import annotations

from clearance.update.download import DownloadError
from clearance.update.updater import UpdateOutcome, UpdateUsageError, update_lists

__all__ = ["DownloadError", "UpdateOutcome", "UpdateUsageError", "update_lists"]
