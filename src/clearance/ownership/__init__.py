"""Ownership: the 50 % rules computed from ownership data the user loads.

    clearance load owners.csv --list group-owners      # CSV/XLSX, BODS 0.4 or FtM Ownership
    clearance check "Some Subsidiary Ltd" --activity export

Readers (`reading.read_ownership`), the versioned store of ownership lists
(`storage`), links to listed records (`linking`), the aggregation engine
(`aggregation.Aggregation`), derived listings (`listings.OwnershipView`) and the
wrappers that bring them into every screening (`screening.with_derived_listings`).
See docs/effects.md, "Derived listings".
"""
