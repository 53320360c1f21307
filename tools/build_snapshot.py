"""Copy the official list files into the package as the bundled offline snapshot.

The files are gzip-compressed byte for byte (never edited); the manifest records
each file's original name, size and sha256 of the uncompressed bytes, the date
the data carries and where the copy came from. Run from the repository root:

    python tools/build_snapshot.py ../shared/lists
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from pathlib import Path

# (list id, folder under shared/lists, date, {role: file name}, provenance)
SNAPSHOT = [
    (
        "un-sc",
        "un_sc/2026-02-27",
        "2026-02-27",
        {"xml": "consolidated.xml"},
        "UN Security Council consolidated list",
    ),
    (
        "ofac-nonsdn",
        "ofac_nonsdn/2025-12-19",
        "2025-12-19",
        {
            "prim": "cons_prim.csv",
            "alt": "cons_alt.csv",
            "add": "cons_add.csv",
            "comments": "cons_comments.csv",
        },
        "OFAC consolidated non-SDN lists",
    ),
    (
        "ofac-sdn",
        "ofac_sdn",
        "2024-05-03",
        {
            "sdn": "2024-05-03/sdn.csv",
            "alt": "2025-12-24-companions/alt.csv",
            "add": "2025-12-24-companions/add.csv",
            "comments": "2025-12-24-companions/sdn_comments.csv",
        },
        "OFAC SDN list 2024-05-03 with the SDN companion files of 2025-12-24",
    ),
    (
        "us-csl",
        "us_csl/2022-05-16",
        "2022-05-16",
        {"csl": "consolidated.csv.gz"},
        "trade.gov Consolidated Screening List",
    ),
    ("bis-dpl", "bis_dpl/2023-11-30", "2023-11-30", {"dpl": "dpl.txt"}, "BIS Denied Persons List"),
    (
        "uk-ofsi",
        "uk_ofsi/2025-04-14",
        "2025-04-14",
        {"conlist": "ConList.xlsx"},
        "UK OFSI consolidated list",
    ),
]


def main(shared_lists: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for list_id, folder, day, files, title in SNAPSHOT:
        entries = []
        for role, name in files.items():
            source = shared_lists / folder / name
            data = source.read_bytes()
            raw = gzip.decompress(data) if name.endswith(".gz") else data
            stored = f"{list_id}/{(Path(folder) / name).parent.name}/{Path(name).name}"
            if not stored.endswith(".gz"):
                stored += ".gz"
            target = out / stored
            target.parent.mkdir(parents=True, exist_ok=True)
            if name.endswith(".gz"):
                target.write_bytes(data)  # already the official gzip, kept as is
            else:
                target.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
            entries.append(
                {
                    "role": role,
                    "name": Path(name).name.removesuffix(".gz"),
                    "path": stored,
                    "sha256": hashlib.sha256(raw).hexdigest(),
                    "bytes": len(raw),
                    "stored_sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
                    "copied_from": f"shared/lists/{folder}/{name}",
                }
            )
        manifest.append({"list_id": list_id, "date": day, "title": title, "files": entries})
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {len(manifest)} lists to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parents[1] / "src/clearance/snapshot/data")
