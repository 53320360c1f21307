"""Hostile list files, made on the fly: bombs, liars, impostors, XML attacks.

Used by tests/loaders/test_hostile_archives.py and bench/reliability.py (which loads
each in a child process and records its peak memory).
"""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024


def zeros_deflated(size: int) -> bytes:
    """Raw deflate of `size` zero bytes (about a thousand times smaller)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(MIB)
    return b"".join(packer.compress(block) for _ in range(size // MIB)) + packer.flush()


def lying_zip(member: str, inflates_to: int, claims: int) -> bytes:
    """A zip whose one member inflates to `inflates_to` bytes but whose headers say `claims`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, b"placeholder")
    honest = buffer.getvalue()
    deflated = zeros_deflated(inflates_to)
    local_end = 30 + len(member)
    central = honest.index(b"PK\x01\x02")
    local = bytearray(honest[:local_end])
    struct.pack_into("<III", local, 14, zlib.crc32(bytes(claims)), len(deflated), claims)
    directory = bytearray(honest[central:])
    struct.pack_into("<III", directory, 16, zlib.crc32(bytes(claims)), len(deflated), claims)
    end = directory.index(b"PK\x05\x06")
    struct.pack_into("<I", directory, end + 16, local_end + len(deflated))  # directory offset
    return bytes(local) + deflated + bytes(directory)


def gzip_bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as out:
        for _ in range(size // MIB):
            out.write(bytes(MIB))
    return buffer.getvalue()


def zip_bomb(member: str, size: int) -> bytes:
    """An honest zip bomb: its header says what it inflates to (refused on sight)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(member, "w", force_zip64=True) as out,
    ):
        for _ in range(size // MIB):
            out.write(bytes(MIB))
    return buffer.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol9;</FIRST_NAME>
</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&xxe;</FIRST_NAME>
</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""

HTML_PAGE = b"<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head></html>\n"


@dataclass(frozen=True)
class HostileFile:
    """One hostile file: what it is, which list it claims to be, and how to make it."""

    what: str
    list_id: str
    role: str
    name: str
    make: Callable[[Path], None]  # writes the file at the path given


def _bytes(data: Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data())


def _sparse(size: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        with path.open("wb") as out:
            out.truncate(size)

    return make


def hostile_files(lists: Path) -> list[HostileFile]:
    """Every class of hostile file the loaders must refuse, in bounded memory."""
    un = lists / "un_sc/2026-02-27/consolidated.xml"
    sdn = lists / "ofac_sdn/2024-05-03/sdn.csv"
    enhanced = lists / "ofac_nonsdn/2025-01-10/CONS_ENHANCED.ZIP"

    def flipped(path: Path, count: int) -> Callable[[], bytes]:
        def make() -> bytes:
            data = bytearray(path.read_bytes())
            step = (len(data) - 600) // count
            for n in range(count):
                data[300 + n * step] ^= 0xFF
            return bytes(data)

        return make

    return [
        HostileFile(
            "gzip bomb: 1 GiB of zeros in 1 MB", "un-sc", "xml", "consolidated.xml.gz",
            _bytes(lambda: gzip_bomb(1024 * MIB)),
        ),
        HostileFile(
            "zip whose header lies: 600 MiB inflating member announced as 9 MiB", "ofac-nonsdn",
            "enhanced", "CONS_ENHANCED.ZIP",
            _bytes(lambda: lying_zip("CONS_ENHANCED.XML", 600 * MIB, 9 * MIB)),
        ),
        HostileFile(
            "honest zip bomb: 2 GiB member announced", "ofac-nonsdn", "enhanced",
            "CONS_ENHANCED.ZIP", _bytes(lambda: zip_bomb("CONS_ENHANCED.XML", 2048 * MIB)),
        ),
        HostileFile(
            "workbook whose sheet is a lying bomb", "uk-ofsi", "conlist", "ConList.xlsx",
            _bytes(lambda: lying_zip("xl/worksheets/sheet1.xml", 600 * MIB, 9 * MIB)),
        ),
        HostileFile(
            "file larger than any list (2 GiB, sparse)", "un-sc", "xml", "consolidated.xml",
            _sparse(2048 * MIB),
        ),
        HostileFile(
            "XML entity expansion (billion laughs)", "un-sc", "xml", "consolidated.xml",
            _bytes(lambda: BILLION_LAUGHS),
        ),
        HostileFile(
            "XML external entity (XXE) reading /etc/passwd", "un-sc", "xml", "consolidated.xml",
            _bytes(lambda: XXE),
        ),
        HostileFile(
            "HTML error page saved as the list", "ofac-sdn", "sdn", "SDN.CSV",
            _bytes(lambda: HTML_PAGE),
        ),
        HostileFile(
            "another list's file under SDN.CSV (CSL columns)", "ofac-sdn", "sdn", "SDN.CSV",
            _bytes(
                lambda: gzip.decompress(
                    (lists / "us_csl/2022-05-16/consolidated.csv.gz").read_bytes()
                )[:200_000]
            ),
        ),
        HostileFile(
            "SDN.CSV truncated mid-row", "ofac-sdn", "sdn", "SDN.CSV",
            _bytes(lambda: sdn.read_bytes()[:200_003]),
        ),
        HostileFile(
            "UN XML truncated at half", "un-sc", "xml", "consolidated.xml",
            _bytes(lambda: un.read_bytes()[: un.stat().st_size // 2]),
        ),
        HostileFile(
            "CONS_ENHANCED.ZIP with 10 flipped bytes", "ofac-nonsdn", "enhanced",
            "CONS_ENHANCED.ZIP", _bytes(flipped(enhanced, 10)),
        ),
        HostileFile("empty file", "un-sc", "xml", "consolidated.xml", _bytes(lambda: b"")),
    ]  # fmt: skip
