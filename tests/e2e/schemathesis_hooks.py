"""How schemathesis authenticates when test_schemathesis.py runs it against the platform
(loaded by the `st` process through SCHEMATHESIS_HOOKS; its settings come in JZ_CONTRACT_*).

Every operation is called as the run's province administrator, except
- the field work an administrator may not do (policy.csv grants it to helpers, work teams,
  training institutions and inspectors): as a village account holding those roles;
- the two operations that end the caller's session (`/auth/logout`, `/auth/password`): with a
  fresh session of an account of their own for each case, so that ending it never leaves the
  rest of the run with a revoked token."""

from __future__ import annotations

import os

import httpx
import schemathesis

FIELD_WORK = {
    ("POST", "/api/v1/alerts"),
    ("POST", "/api/v1/needs"),
    ("POST", "/api/v1/visits"),
    ("POST", "/api/v1/households/{household_id}/change-requests"),
    ("POST", "/api/v1/work-team/attendance"),
    ("POST", "/api/v1/work-team/logs"),
    ("POST", "/api/v1/work-team/reports"),
    ("POST", "/api/v1/training-institutions"),
    ("POST", "/api/v1/courses"),
    ("POST", "/api/v1/enrolments/{enrolment_id}/attendance"),
    ("POST", "/api/v1/spot-checks"),
    ("POST", "/api/v1/spot-checks/{spot_check_id}/findings"),
}
MISSING = "0" * 32  # an id no resource has
SESSION_ENDING = {("POST", "/api/v1/auth/logout"), ("POST", "/api/v1/auth/password")}


def fresh_session() -> str:
    reply = httpx.post(
        os.environ["JZ_CONTRACT_URL"] + "/api/v1/auth/token",
        data={
            "grant_type": "password",
            "username": os.environ["JZ_CONTRACT_SESSION_MOBILE"],
            "password": os.environ["JZ_CONTRACT_SESSION_PASSWORD"],
        },
    )
    reply.raise_for_status()
    return str(reply.json()["access_token"])


@schemathesis.auth(refresh_interval=None)
class PlatformAuth:
    def get(self, case: schemathesis.Case, context: schemathesis.AuthContext) -> str:
        operation = (context.operation.method.upper(), context.operation.path)
        if operation in SESSION_ENDING:
            return fresh_session()
        if operation in FIELD_WORK:
            return os.environ["JZ_CONTRACT_WORKER_TOKEN"]
        return os.environ["JZ_CONTRACT_TOKEN"]

    def set(self, case: schemathesis.Case, data: str, context: schemathesis.AuthContext) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case, kwargs: dict) -> None:
    """Two adjustments of what schemathesis would send, neither of them loosening a check:
    - the run's own accounts are never disabled, re-roled or reset by it: that would end the
      run rather than test the API. Such a call names a user that does not exist instead;
    - a stateful step whose link took a null or an empty text (a task without a household:
      `household_id` is nullable) would put the text `None`, or an empty segment, in the path
      and count the 422 as a schema-valid request refused (no id is empty: the API answers
      null for an absent one). It names a resource that does not exist instead."""
    own = os.environ["JZ_CONTRACT_OWN_USER_IDS"].split(",")
    path = dict(case.path_parameters or {})
    if path.get("user_id") in own:
        path["user_id"] = MISSING
    path = {name: MISSING if value in (None, "") else value for name, value in path.items()}
    if path != (case.path_parameters or {}):
        case.path_parameters = path
