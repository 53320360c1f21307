"""How an entity and its party look on a terminal (Rich) and in JSON."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from clearance.model import Entity, IdentifierType, Listing


def listing_line(listing: Listing) -> str:
    parts = [listing.list_id + (f"/{listing.sub_list}" if listing.sub_list else "")]
    if listing.programs:
        parts.append("programmes " + ", ".join(listing.programs))
    if listing.listed_on:
        parts.append(f"since {listing.listed_on}")
    if listing.effective_on:
        parts.append(f"effective {listing.effective_on}")
    if listing.divestment_on:
        parts.append(f"divestment by {listing.divestment_on}")
    if listing.end_on:
        parts.append(f"until {listing.end_on}")
    if listing.legal_basis:
        parts.append("; ".join(listing.legal_basis))
    return ", ".join(parts)


def entity_panel(entity: Entity) -> Panel:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()

    def row(label: str, value: str | None) -> None:
        if value:
            table.add_row(label, Text(value))

    row("id", entity.id)
    row("schema", entity.schema)
    row("listing", listing_line(entity.listing))
    row("licence requirement", entity.listing.license_requirement)
    row("licence policy", entity.listing.license_policy)
    for name in entity.names:
        how = f", {name.derived.replace('_', ' ')}" if name.derived else ""
        row(f"name ({name.kind.value}{how})", name.value)
    for ident in entity.identifiers:
        label = ident.type.value + (f" ({ident.note})" if ident.note else "")
        value = ident.value + (f" [{ident.country}]" if ident.country else "")
        value += f" {ident.currency}" if ident.currency else ""
        row(label, value)
    for country in entity.countries:
        row(f"country ({country.role.value})", country.code)
    for birth in entity.birth_dates:
        row("birth date", str(birth))
    for place in entity.birth_places:
        row("birth place", place)
    row("gender", entity.gender)
    for title in entity.titles:
        row("title", title)
    for address in entity.addresses:
        row("address", address.full)
    for relation in entity.relations:
        row(relation.kind.replace("_", " "), relation.target_name)
    for key, values in sorted(entity.properties.items()):
        if not key.startswith("ownership"):  # a derived listing's: the Ownership section says it
            row(key, "; ".join(values))
    row("remarks", entity.remarks)
    row("source", entity.source_ref)
    return Panel(table, title=f"[bold]{entity.caption}[/bold]", expand=False)


def party_view(entity: Entity, party: list[Entity], history: list[str]) -> Group:
    lines = Text()
    lines.append("Listings of this party\n", style="bold")
    for member in party:
        listing = member.listing
        lines.append("• ")
        lines.append(listing_line(listing), style="bold")
        lines.append(f"  [{member.id}]\n", style="dim")
        isins = member.identifier_values(IdentifierType.ISIN)
        if isins:
            lines.append(f"    ISIN {', '.join(isins)}\n")
        if listing.license_requirement:
            lines.append(f"    licence requirement: {listing.license_requirement}\n")
        if listing.license_policy:
            lines.append(f"    licence policy: {listing.license_policy}\n")
    parts: list[Any] = [entity_panel(entity), lines]
    if history:
        parts.append(Text("Versions: " + "; ".join(history), style="dim"))
    return Group(*parts)


def holding_line(holding: Any, side: str) -> Text:
    """ "60 % (shares) by SNIPER AFRICA, since 2015-01-01: registry extract (owners.csv line 2)"."""
    other = holding.owner_name if side == "owner" else holding.owned_name
    text = Text(f"  {holding.share} ({holding.interest}) {'by' if side == 'owner' else 'of'} ")
    text.append(other, style="bold")
    dates = []
    if holding.start:
        dates.append(f"since {holding.start}")
    if holding.end:
        dates.append(f"until {holding.end}")
    if dates:
        text.append(", " + " ".join(dates))
    source = "; ".join(x for x in (holding.source, holding.source_ref) if x)
    text.append(f"  [{holding.list_id}{': ' + source if source else ''}]", style="dim")
    return text


def ownership_lines(view: Any, node: int, derived: Entity | None) -> Group:
    """Owners and holdings of a party in the ownership lists, and what they make of it."""
    parts: list[Any] = [Text("Ownership", style="bold")]
    if derived is not None:
        for rule_id in derived.properties.get("ownershipRules", []) + derived.properties.get(
            "ownershipMayBe", []
        ):
            test = view.tests[rule_id]
            status = "may be" if rule_id in derived.properties.get("ownershipMayBe", []) else "is"
            parts.append(
                Text(
                    f"  {test.name}: {status} {test.consequence} by ownership (not listed): "
                    + "; ".join(derived.properties.get(f"ownership:{rule_id}", [])),
                )
            )
    owners, holdings = view.owners_of(node), view.holdings_of(node)
    parts.append(Text(f"Owned by ({len(owners)})", style="bold"))
    parts.extend(holding_line(h, "owner") for h in owners)
    parts.append(Text(f"Holdings ({len(holdings)})", style="bold"))
    parts.extend(holding_line(h, "owned") for h in holdings)
    return Group(*parts)
