"""The vocabulary of legal effects: what a user wants to do, and what a listing says about it.

Kept apart from the rule table so that the table, the verdict logic and the
interfaces (CLI, API) can all import the same four enums without a cycle.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Activity(StrEnum):
    """What the user intends to do with the party; the verdict depends on it."""

    TRANSACT = "transact"  # pay, be paid, contract, provide or receive services
    EXPORT = "export"  # ship, reexport or transfer goods, software or technology to them
    IMPORT = "import"  # buy goods from them, bring them into the country
    INVEST = "invest"  # buy or sell their securities, lend to them, take equity


class Outcome(IntEnum):
    """What one listing means for one activity. Ordered: the strongest outcome wins."""

    NONE = 0  # this listing does not itself restrict the activity
    CAUTION = 1  # restricted in some cases, depending on facts we do not have
    LICENCE_REQUIRED = 2  # allowed only with a government licence
    PROHIBITED = 3  # not allowed (save for a licence or an exemption the user must find)

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


class Verdict(StrEnum):
    """The answer for a party and an activity across all its listings.

    Values are machine-friendly (for JSON); `label` is what a person reads.
    """

    PROHIBITED = "PROHIBITED"
    LICENCE_REQUIRED = "LICENCE_REQUIRED"
    CAUTION = "CAUTION"
    NO_LISTING_FOUND = "NO_LISTING_FOUND"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    def __str__(self) -> str:
        return self.label

    @classmethod
    def from_outcome(cls, outcome: Outcome) -> Verdict:
        """A listed party never gets a clean bill: NONE still reads as CAUTION."""
        if outcome is Outcome.PROHIBITED:
            return cls.PROHIBITED
        if outcome is Outcome.LICENCE_REQUIRED:
            return cls.LICENCE_REQUIRED
        return cls.CAUTION


class EffectKind(StrEnum):
    """The kind of legal effect a listing has, independent of the activity."""

    BLOCKED = "blocked"  # OFAC SDN and other blocking designations
    SECTORAL = "sectoral"  # SSI / EO 14024 directives: certain debt, equity, dealings
    INVESTMENT_BAN = "investment_ban"  # NS-CMIC: publicly traded securities
    EXPORT_LICENCE_REQUIRED = "export_licence_required"  # BIS Entity List
    EXPORT_DENIED = "export_denied"  # BIS Denied Persons List
    UNVERIFIED = "unverified"  # BIS Unverified List
    MILITARY_END_USER = "military_end_user"  # BIS MEU List
    ITAR_DEBARRED = "itar_debarred"  # State Department DDTC debarment
    NONPROLIFERATION = "nonproliferation"  # State Department ISN sanctions
    CORRESPONDENT_ACCOUNT = "correspondent_account"  # CAPTA list
    MENU_BASED = "menu_based"  # NS-MBS list
    TRANSACTIONS_REJECTED = "transactions_rejected"  # NS-PLC list
    SANCTIONS_EVADER = "sanctions_evader"  # FSE list
    ASSET_FREEZE = "asset_freeze"  # UN, UK, EU
    TRAVEL_BAN = "travel_ban"  # UN
    ARMS_EMBARGO = "arms_embargo"  # UN targeted arms embargoes
    SHIP_RESTRICTIONS = "ship_restrictions"  # UK specified ships
    # Derived from ownership data, never a government's listing of the party itself.
    BLOCKED_BY_OWNERSHIP = "blocked_by_ownership"  # OFAC 50 Percent Rule
    ASSET_FREEZE_BY_OWNERSHIP = "asset_freeze_by_ownership"  # UK / EU ownership and control
    LICENCE_BY_OWNERSHIP = "export_licence_by_ownership"  # BIS Affiliates Rule
    OTHER_LISTING = "other_listing"  # an official list we do not know the effect of
    USER_LIST = "user_list"  # a list the user loaded (FtM, own watch list)
