"""Load test of the platform's journeys (SPEC §2: load testers use locust).

Run against a running platform (`make run` in another terminal):
    JZ_LOAD_ADMIN_PASSWORD=<the province admin's password> make load
At start it creates a pool of cadre accounts through the API (as the province administrator),
then each simulated user follows one journey, weighted like a campaign day: mostly village
cadres, some county administrators, a few integrator systems."""

from __future__ import annotations

from scenarios.accounts import prepare_pool  # noqa: F401  (registers the test_start hook)
from scenarios.journeys import CountyAdministrator, IntegratorSystem, VillageCadre

__all__ = ["CountyAdministrator", "IntegratorSystem", "VillageCadre"]
