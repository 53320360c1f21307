"""Build listed records directly from the model: the real input of the effects layer."""

from __future__ import annotations

from clearance.model import Entity, Identifier, IdentifierType, Listing, Name


def listed(
    list_id: str,
    sub_list: str | None = None,
    programs: tuple[str, ...] = (),
    *,
    schema: str = "Company",
    name: str = "TEST PARTY LTD",
    remarks: str | None = None,
    isins: tuple[str, ...] = (),
    properties: dict[str, list[str]] | None = None,
    **listing: object,
) -> Entity:
    return Entity(
        id=f"{list_id}:{abs(hash((name, sub_list, programs, remarks))) % 10**8}",
        schema=schema,
        listing=Listing(list_id, sub_list, programs, **listing),  # type: ignore[arg-type]
        names=[Name(name)],
        remarks=remarks,
        identifiers=[Identifier(IdentifierType.ISIN, i) for i in isins],
        properties=properties or {},
    )


def derived_listing(
    rule_id: str,
    ownership: str,
    programs: tuple[str, ...],
    *,
    may_be: bool = False,
    **listing: object,
) -> Entity:
    """A derived listing as `clearance.ownership` builds it: not listed, owned by listed parties."""
    return Entity(
        id="owners:owned-party",
        schema="Company",
        listing=Listing("owners", "OWNERSHIP", **listing),  # type: ignore[arg-type]
        names=[Name("OWNED PARTY LTD")],
        properties={
            "ownershipMayBe" if may_be else "ownershipRules": [rule_id],
            f"ownership:{rule_id}": [ownership],
            f"ownershipPrograms:{rule_id}": list(programs),
        },
    )
