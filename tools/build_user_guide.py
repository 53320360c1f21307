"""Write docs/user-guide.md from real runs of the commands it documents.

Every example in the guide is a command run here against a store holding the
bundled snapshot, with its real output; tests/docs/test_user_guide.py runs them
again and checks the output still reads the same. Run from the repository root:

    python tools/build_user_guide.py --db /path/to/store.db
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

SECTIONS: list[tuple[str, str, list[str]]] = [
    (
        "The lists in the store",
        "On first use an empty store is filled from the bundled snapshot. `clearance lists` "
        "shows each list's version in force, its date, age, entity count, and the result of "
        "the last load or update. Lists older than 30 days are flagged.",
        ["clearance lists"],
    ),
    (
        "One party in full",
        "`clearance show ID` prints a record as the source gives it (names, identifiers, "
        "dates, addresses, remarks, the file and line it came from) and every listing the "
        "sources tie to the same party: here OFAC's NS-CMIC record of Hikvision, the CSL's "
        "copy of it, and the Entity List row of BIS.",
        ["clearance show ofac-nonsdn:30946"],
    ),
    (
        "Check a name",
        "`clearance check` finds listed parties behind garbled, reordered or transliterated "
        "names, explains each hit token by token, and with `--activity` gives the verdict for "
        "what you want to do (transact, export, import, invest), citing list, programme, legal "
        "basis and dates. Records of one party on several lists come back as one hit.",
        [
            "clearance check Higuision --activity export",
            "clearance check Higvision --activity invest --limit 1",
            'clearance check "Путин Владимир Владимирович" --limit 1',
            'clearance check "Maria Gonzalez" --type person --activity transact',
        ],
    ),
    (
        "Compare two names",
        "The same scale as `check` scores; the default threshold is where an analyst should look.",
        [
            'clearance compare "Jon Smith" "John Smith"',
            'clearance compare "George Bush" "George Habbash"',
        ],
    ),
    (
        "Screen a file",
        "`clearance screen` reads CSV, TSV, Excel, JSON Lines or Parquet, recognises common "
        "column names (or take `--name-col`, `--country-col` …), keeps every input column and "
        "adds the `screen_*` columns: hit, score, party, lists, effect, verdict, reasons and "
        "explanation. The summary goes to stderr; `--fail-on-hit` exits 1 on any hit, "
        "`--resume` continues an interrupted run, `--report` writes an HTML report.",
        [
            "clearance screen docs/examples/customers.csv -o /tmp/customers-screened.csv "
            "--activity export",
        ],
    ),
    (
        "Screen a portfolio",
        "Holdings are flagged when their ISIN is named by an NS-CMIC listing, or, without an "
        "ISIN, when the issuer name matches a party whose listing restricts investing.",
        ["clearance portfolio docs/examples/holdings.csv"],
    ),
    (
        "Ownership: parties on no list, reached by their owners' listings",
        "No list names every subsidiary. OFAC blocks entities owned 50 % or more by blocked "
        "persons, the UK and the EU freeze what designated persons own (more than 50 %) or "
        "control, and BIS's Affiliates Rule gives entities 50 % owned by Entity List parties "
        "their owners' licence requirement, while in force (2025-09-29 to 2025-11-09, then "
        "from 2026-11-10 after a one-year suspension: 90 FR 47201, 90 FR 50857). `clearance "
        "load FILE --list ID` takes ownership data as a versioned list of its own: a CSV or "
        "XLSX with `owner,owned,percent,start_date,end_date,source` (percent a number or a "
        "range such as `25-50`), a BODS 0.4 package or FollowTheMoney `Ownership` entities. "
        "Its owners are tied to listed parties by identifier (here Hikvision's ISIN), by "
        "record id, or by name with the matcher's score. The file below names real Hikvision "
        "subsidiaries; **the shares and dates in it are illustrative, not taken from "
        "filings**. HIKMICRO is itself on the Entity List; Hikvision UK is reached through "
        "Hikvision Europe; the 25-50 % of Hikauto only *may* reach 50 %; 40 % of Hikstorage "
        "does not. The Entity List comes from the Consolidated Screening List, so `--list "
        "us-csl --list hikvision-group` screens just the two. A shipment to EZVIZ needed a "
        "licence on 2025-10-15, while the rule was in force; on 2026-03-01, during the "
        "suspension, the rule is set aside and says why. A derived listing never reads as a "
        'government\'s: every reason starts "not listed". `clearance show` gives the owners '
        "and holdings of a party.",
        [
            "clearance load docs/examples/hikvision-ownership.csv --list hikvision-group",
            'clearance check "Hangzhou EZVIZ Network Co., Ltd." --activity export '
            "--as-of 2025-10-15 --list us-csl --list hikvision-group --limit 1",
            'clearance check "Hangzhou EZVIZ Network Co., Ltd." --activity export '
            "--as-of 2026-03-01 --list us-csl --list hikvision-group --limit 1",
            'clearance check "Hangzhou Hikauto Technology Co., Ltd." --activity export '
            "--as-of 2025-10-15 --list us-csl --list hikvision-group --limit 1",
            "clearance show hikvision-group:hikvision-uk-limited",
        ],
    ),
    (
        "Scan text",
        "`clearance scan` finds listed parties mentioned in plain text, HTML, PDF or DOCX, with "
        "their character spans. Here the article of the brief, which spells Hikvision four ways.",
        ["clearance scan ../shared/seed/hikvision_sanctions_article.txt"],
    ),
]


def run(command: str, db: str) -> tuple[int, str]:
    args = shlex.split(command)
    completed = subprocess.run(
        [sys.executable, "-m", "clearance", "--db", db, *args[1:]],
        capture_output=True,
        text=True,
        env=None,
    )
    return completed.returncode, (completed.stdout + completed.stderr).rstrip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    db = parser.parse_args().db
    out = [
        "# User guide",
        "",
        "Every example below is a real command with its real output, run on the bundled",
        "snapshot (`python tools/build_user_guide.py` regenerates this page;",
        "`tests/docs/test_user_guide.py` checks that the commands still print what it shows).",
        "Dates, ages and speeds in the output are those of the day it was generated.",
        "",
    ]
    for title, prose, commands in SECTIONS:
        out += [f"## {title}", "", prose, ""]
        for command in commands:
            code, text = run(command, db)
            if code != 0:
                raise SystemExit(f"{command!r} exited {code}:\n{text}")
            out += ["```console", f"$ {command}", text, "```", ""]
    Path("docs/user-guide.md").write_text("\n".join(out))
    print("wrote docs/user-guide.md")


if __name__ == "__main__":
    main()
