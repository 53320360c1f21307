"""What the store refuses, with messages for the operator."""

from __future__ import annotations


class StoreError(Exception):
    """A store operation refused, with a message for the operator."""


class VersionRejected(StoreError):
    """A new version failed a plausibility check; the current version stays."""


class StoreBusy(StoreError):
    """Another process is writing a list version and we would not wait (longer)."""
