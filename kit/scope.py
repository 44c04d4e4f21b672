"""The caller's scope, one object for every query path: their territory (a division-code
subtree) and, when they hold the function only as a helper cadre (帮扶干部), just the households
paired with them (SPEC §4). Out of it, a household does not exist."""

from __future__ import annotations

from dataclasses import dataclass, replace

from kit.errors import NotFound
from kit.territory import is_valid_code, is_within

# Roles whose functions cover only the households paired with the holder.
PAIRED_ONLY_ROLES = frozenset({"helper"})


@dataclass(frozen=True, slots=True)
class Scope:
    region_code: str
    # Set when the caller sees only the households paired with this helper (their user id).
    paired_helper: str = ""
    # Those households' ids, once asked of the registry (by the services that lack its pairing
    # table); the registry itself joins the table instead.
    households: frozenset[str] = frozenset()

    @property
    def is_paired_only(self) -> bool:
        return bool(self.paired_helper)

    def within(self, region_code: str) -> Scope:
        """The scope narrowed to a region of the territory ("" keeps it); out of it: NotFound."""
        wanted = region_code or self.region_code
        if not is_valid_code(wanted) or not is_within(wanted, self.region_code):
            raise NotFound("region not found", reason="REGION_NOT_FOUND")
        return replace(self, region_code=wanted)

    def covers_region(self, code: str) -> bool:
        """The territory part alone (a household also needs its pairing when paired-only)."""
        return is_within(code, self.region_code)

    def covers(self, village_code: str, household_id: str) -> bool:
        """A record about a household (a need, a visit, an alert) is in scope: its village in
        the territory and, when paired-only, the household among the resolved pairings."""
        return self.covers_region(village_code) and (
            not self.is_paired_only or household_id in self.households
        )
