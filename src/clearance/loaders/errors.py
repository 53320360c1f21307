"""The one error a loader raises for a file it will not accept."""

from __future__ import annotations


class ListFormatError(ValueError):
    """A list file is malformed, truncated, hostile or not the format expected.

    Carries the file and the position (line or XML element) so an operator can
    look at the exact spot; the message says what was expected and what was found.
    """

    def __init__(
        self, file: str, message: str, *, line: int | None = None, element: str | None = None
    ):
        self.file = file
        self.line = line
        self.element = element
        self.reason = message
        where = file
        if line is not None:
            where += f", line {line}"
        if element is not None:
            where += f", element {element}"
        super().__init__(f"{where}: {message}")
