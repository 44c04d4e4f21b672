"""The province's data-update campaign (动态调整) under locust (SPEC §2: load testers).

`make load` seeds a province and one account per simulated user, then runs this file headless
(tests/load/README.md). Run by hand, it needs the accounts file of a seeding
(JZ_LOAD_ACCOUNTS) and the user count it was made for (JZ_LOAD_USERS = locust's -u)."""

from __future__ import annotations

import os

from scenarios.journeys import (
    Administrator,
    CountyOfficer,
    Helper,
    Integrator,
    TownOfficer,
    WorkTeam,
    fix_counts,
)

fix_counts(int(os.environ["JZ_LOAD_USERS"]))

__all__ = ["Administrator", "CountyOfficer", "Helper", "Integrator", "TownOfficer", "WorkTeam"]
