"""Which lists exist, where governments publish them, and which loader reads which file.

The one table the updater, the snapshot and the CLI share. A list is a set of
files with roles (OFAC's SDN list is four CSV files joined on ent_num).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clearance.loaders.errors import ListFormatError
from clearance.loaders.result import LoadResult

OFAC_EXPORTS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"


@dataclass(frozen=True)
class OfficialFile:
    role: str
    url: str
    required: bool = True


@dataclass(frozen=True)
class ListSource:
    list_id: str
    title: str
    authority: str
    files: tuple[OfficialFile, ...]

    def file(self, role: str) -> OfficialFile:
        return next(f for f in self.files if f.role == role)


LIST_SOURCES: dict[str, ListSource] = {
    s.list_id: s
    for s in (
        ListSource(
            "ofac-sdn",
            "OFAC Specially Designated Nationals and Blocked Persons",
            "US Treasury, OFAC",
            (
                OfficialFile("sdn", OFAC_EXPORTS + "SDN.CSV"),
                OfficialFile("alt", OFAC_EXPORTS + "ALT.CSV"),
                OfficialFile("add", OFAC_EXPORTS + "ADD.CSV"),
                OfficialFile("comments", OFAC_EXPORTS + "SDN_COMMENTS.CSV", required=False),
            ),
        ),
        ListSource(
            "ofac-nonsdn",
            "OFAC Consolidated non-SDN lists (NS-CMIC, SSI, PLC, CAPTA, FSE, NS-MBS …)",
            "US Treasury, OFAC",
            (
                OfficialFile("prim", OFAC_EXPORTS + "CONS_PRIM.CSV"),
                OfficialFile("alt", OFAC_EXPORTS + "CONS_ALT.CSV"),
                OfficialFile("add", OFAC_EXPORTS + "CONS_ADD.CSV"),
                OfficialFile("comments", OFAC_EXPORTS + "CONS_COMMENTS.CSV", required=False),
            ),
        ),
        ListSource(
            "us-csl",
            "US Consolidated Screening List (Commerce, State, Treasury)",
            "US International Trade Administration (trade.gov)",
            (
                OfficialFile(
                    "csl",
                    "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
                ),
            ),
        ),
        ListSource(
            "bis-dpl",
            "BIS Denied Persons List",
            "US Commerce, Bureau of Industry and Security",
            (OfficialFile("dpl", "https://www.bis.doc.gov/dpl/dpl.txt"),),
        ),
        ListSource(
            "un-sc",
            "UN Security Council Consolidated List",
            "United Nations Security Council",
            (OfficialFile("xml", "https://scsanctions.un.org/resources/xml/en/consolidated.xml"),),
        ),
        ListSource(
            "uk-ofsi",
            "UK OFSI Consolidated List of Financial Sanctions Targets",
            "HM Treasury, OFSI",
            (
                OfficialFile(
                    "conlist",
                    "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
                ),
            ),
        ),
        ListSource(
            "eu-fsf",
            "EU Financial Sanctions File (consolidated list)",
            "European Commission, DG FISMA",
            (
                OfficialFile(
                    "xml",
                    "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1"
                    "/content?token=dG9rZW4tMjAxNw",
                ),
            ),
        ),
    )
}

# File names (lower case, without .gz) as the governments publish them -> (list id, role).
KNOWN_FILE_NAMES: dict[str, tuple[str, str]] = {
    "sdn.csv": ("ofac-sdn", "sdn"),
    "alt.csv": ("ofac-sdn", "alt"),
    "add.csv": ("ofac-sdn", "add"),
    "sdn_comments.csv": ("ofac-sdn", "comments"),
    "sdn_advanced.xml": ("ofac-sdn", "advanced"),
    "cons_prim.csv": ("ofac-nonsdn", "prim"),
    "cons_alt.csv": ("ofac-nonsdn", "alt"),
    "cons_add.csv": ("ofac-nonsdn", "add"),
    "cons_comments.csv": ("ofac-nonsdn", "comments"),
    "cons_enhanced.zip": ("ofac-nonsdn", "enhanced"),
    "cons_enhanced.xml": ("ofac-nonsdn", "enhanced"),
    "consolidated.csv": ("us-csl", "csl"),
    "consolidated.json": ("us-csl", "csl"),
    "dpl.txt": ("bis-dpl", "dpl"),
    "consolidated.xml": ("un-sc", "xml"),
    "conlist.csv": ("uk-ofsi", "conlist"),
    "conlist.xlsx": ("uk-ofsi", "conlist"),
    "xmlfullsanctionslist_1_1.xml": ("eu-fsf", "xml"),
}


def identify_file(path: Path) -> tuple[str, str] | None:
    """(list id, role) of an official file by its published name, or None."""
    return KNOWN_FILE_NAMES.get(path.name.lower().removesuffix(".gz"))


def _suffix(path: Path) -> str:
    return path.name.lower().removesuffix(".gz").rsplit(".", 1)[-1]


def _load_ofac_sdn(files: dict[str, Path]) -> LoadResult:
    if "advanced" in files:
        from clearance.loaders.ofac_advanced_xml import load_ofac_sdn_advanced_xml

        return load_ofac_sdn_advanced_xml(files["advanced"])
    from clearance.loaders.ofac_csv import load_ofac_sdn_csv

    return load_ofac_sdn_csv(
        files["sdn"], files.get("alt"), files.get("add"), files.get("comments")
    )


def _load_ofac_nonsdn(files: dict[str, Path]) -> LoadResult:
    if "enhanced" in files:
        from clearance.loaders.ofac_enhanced_xml import load_ofac_enhanced_xml

        return load_ofac_enhanced_xml(files["enhanced"])
    from clearance.loaders.ofac_csv import load_ofac_nonsdn_csv

    return load_ofac_nonsdn_csv(
        files["prim"], files.get("alt"), files.get("add"), files.get("comments")
    )


def _load_us_csl(files: dict[str, Path]) -> LoadResult:
    from clearance.loaders.us_csl_csv import load_us_csl_csv
    from clearance.loaders.us_csl_json import load_us_csl_json

    path = files["csl"]
    return load_us_csl_json(path) if _suffix(path) == "json" else load_us_csl_csv(path)


def _load_bis_dpl(files: dict[str, Path]) -> LoadResult:
    from clearance.loaders.bis_dpl import load_bis_dpl

    return load_bis_dpl(files["dpl"])


def _load_un_sc(files: dict[str, Path]) -> LoadResult:
    from clearance.loaders.un_sc_xml import load_un_sc_xml

    return load_un_sc_xml(files["xml"])


def _load_uk_ofsi(files: dict[str, Path]) -> LoadResult:
    from clearance.loaders.uk_ofsi import load_uk_ofsi_csv, load_uk_ofsi_xlsx

    path = files["conlist"]
    return load_uk_ofsi_xlsx(path) if _suffix(path) == "xlsx" else load_uk_ofsi_csv(path)


def _load_eu_fsf(files: dict[str, Path]) -> LoadResult:
    from clearance.loaders.eu_fsf_xml import load_eu_fsf_xml

    return load_eu_fsf_xml(files["xml"])


_LOADERS: dict[str, Callable[[dict[str, Path]], LoadResult]] = {
    "ofac-sdn": _load_ofac_sdn,
    "ofac-nonsdn": _load_ofac_nonsdn,
    "us-csl": _load_us_csl,
    "bis-dpl": _load_bis_dpl,
    "un-sc": _load_un_sc,
    "uk-ofsi": _load_uk_ofsi,
    "eu-fsf": _load_eu_fsf,
}


@functools.cache
def reader_fingerprint() -> str:
    """Hash of the loader and model code, which decides what entities a file gives.

    Part of every index cache key: the same list version read by other code (say,
    before the loaders split packed name fields) gives other names, so its index
    must not be reused for a store loaded by this code.
    """
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted([*package.glob("loaders/*.py"), *package.glob("model/*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def is_user_list(list_id: str) -> bool:
    """User-defined lists (FollowTheMoney imports) are any id that is not an official list."""
    return list_id not in _LOADERS


def load_list_files(list_id: str, files: dict[str, Path]) -> LoadResult:
    """Parse one list's files with the loader for their format.

    Official list ids use their own loaders; any other id is a user-defined list
    imported from FollowTheMoney JSON lines (one file).
    """
    if is_user_list(list_id):
        from clearance.loaders.ftm_json import load_ftm_json

        if len(files) != 1:
            raise ListFormatError(list_id, "a user-defined list is one FollowTheMoney JSON file")
        return load_ftm_json(next(iter(files.values())), list_id=list_id)
    source = LIST_SOURCES[list_id]
    alternatives = {"advanced", "enhanced"}
    if not alternatives & files.keys():
        # Only the primary file is needed to parse; companions (aliases, addresses) enrich.
        missing = [f.role for f in source.files[:1] if f.role not in files]
        if missing:
            raise ListFormatError(list_id, f"missing required file(s): {', '.join(missing)}")
    return _LOADERS[list_id](files)
