"""Naming a download: the Content-Disposition header of results and reports.

HTTP headers are Latin-1, so a file uploaded as "клиенты.csv" cannot be named as is
(it once made every download of its results a 500). RFC 6266 sends two names: an
ASCII `filename` every client understands ("klienty-screened.csv", transliterated)
and a `filename*` in UTF-8, percent-encoded per RFC 5987/8187, that modern clients
prefer ("клиенты-screened.csv").
"""

from __future__ import annotations

import re
from urllib.parse import quote

from anyascii import anyascii

# Characters a quoted ASCII filename keeps; others (quotes, backslashes, controls,
# path separators) become "_" so the header cannot be broken out of.
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9 ._()+,\-\[\]]")


def ascii_filename(filename: str, fallback: str = "download") -> str:
    """A transliterated, header-safe ASCII spelling of `filename`."""
    text = _UNSAFE_ASCII.sub("_", anyascii(filename)).strip(" .")
    return text[:150] or fallback


def content_disposition(disposition: str, filename: str) -> str:
    """`attachment` or `inline` with `filename` in both RFC 6266 forms."""
    plain = ascii_filename(filename)
    header = f'{disposition}; filename="{plain}"'
    if plain != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header
