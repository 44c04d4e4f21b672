"""What each user group does during a data-update campaign (动态调整), with people's think
times. Every simulated user holds an account of its own (scenarios.accounts)."""

from __future__ import annotations

import os
import random
import re
import time
from datetime import UTC, date, datetime, timedelta

import requests
from locust import HttpUser, between, events, task
from locust.env import Environment
from locust.rpc import Message
from locust.runners import MasterRunner, WorkerRunner

from scenarios.accounts import (
    PASSWORD,
    PHONES_ENV,
    THINK_SECONDS,
    Accounts,
    Claims,
    accounts_file,
    group_counts,
    next_address,
    think_scale,
)

CAUSES = ("illness", "disability", "disaster", "lack_of_labour", "lack_of_skills")
CODE = re.compile(r"回复2 (\w+)。")
CLAIMS: list[Claims] = []  # this process's one Claims, once it has the accounts
ACCOUNTS_MESSAGE = "campaign_accounts"


@events.init.add_listener
def load_accounts(environment: Environment, **_: object) -> None:
    """A worker gets the accounts from its master (test_start, below) and takes its slice by
    its index; the master, or a single process, reads the accounts file."""
    runner = environment.runner
    if isinstance(runner, WorkerRunner):

        def take(msg: Message, **_: object) -> None:
            CLAIMS[:] = [Claims(Accounts(**msg.data), runner.worker_index)]

        runner.register_message(ACCOUNTS_MESSAGE, take)
    else:
        CLAIMS[:] = [Claims(Accounts.load(accounts_file()), 0)]


@events.test_start.add_listener
def share_accounts(environment: Environment, **_: object) -> None:
    """Sent before the master's first spawn message, so every worker has them in time."""
    if isinstance(environment.runner, MasterRunner):
        environment.runner.send_message(ACCOUNTS_MESSAGE, CLAIMS[0].accounts.__dict__)


def think(group: str):  # type: ignore[no-untyped-def]
    """The group's think time (scenarios.accounts.THINK_SECONDS), scaled by JZ_LOAD_THINK_SCALE."""
    low, high = THINK_SECONDS[group]
    return between(low * think_scale(), high * think_scale())


class Cadre(HttpUser):
    """Someone with an account of `group`: logs in from a phone of their own."""

    abstract = True
    group = ""

    def on_start(self) -> None:
        self.account = CLAIMS[0].claim(self.group)
        self.region = self.account["region"]
        self.client.headers["X-Forwarded-For"] = next_address()
        reply = self.client.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "password",
                "username": self.account["mobile"],
                "password": PASSWORD,
            },
            name="/api/v1/auth/token [password]",
        )
        self.client.headers["Authorization"] = f"Bearer {reply.json()['access_token']}"

    def get(self, path: str, name: str = "", **params: object) -> requests.Response:
        return self.client.get(path, params=params or None, name=name or path)

    def post(self, path: str, body: dict, name: str = "") -> requests.Response:
        return self.client.post(path, json=body, name=name or path)


class Helper(Cadre):
    """A helper cadre (帮扶责任人) in the field: reads their households, proposes the changes
    the campaign is about, logs visits with a check-in, files needs, answers texted tasks by
    an SMS reply and, rarely, raises an alert."""

    group = "helper"
    wait_time = think(group)

    def on_start(self) -> None:
        super().on_start()
        self.households = self.account["households"]
        self.answered: set[str] = set()
        self.phones = os.environ.get(PHONES_ENV, "")

    def household(self) -> dict:
        chosen = random.choice(self.households)
        return self.get(f"/api/v1/households/{chosen['id']}", "/api/v1/households/{id}").json()

    @task(6)
    def my_households(self) -> None:
        pairings = self.get("/api/v1/pairings").json()["items"]
        for pairing in pairings[:3]:
            self.get(f"/api/v1/households/{pairing['household_id']}", "/api/v1/households/{id}")

    @task(2)
    def household_history(self) -> None:
        chosen = random.choice(self.households)["id"]
        self.get(f"/api/v1/households/{chosen}/history", "/api/v1/households/{id}/history")
        self.get(f"/api/v1/households/{chosen}/benefits", "/api/v1/households/{id}/benefits")

    @task(4)
    def propose_change(self) -> None:
        household = self.household()
        taken = {household["main_cause"], *household.get("secondary_causes", [])}
        causes = [c for c in CAUSES if c not in taken]
        with self.client.post(
            f"/api/v1/households/{household['id']}/change-requests",
            json={"expected_version": household["version"], "main_cause": random.choice(causes)},
            name="/api/v1/households/{id}/change-requests",
            catch_response=True,
        ) as reply:
            if reply.status_code == 409:  # approved meanwhile: a person reads it again
                reply.success()

    @task(4)
    def log_visit(self) -> None:
        chosen = random.choice(self.households)
        near = {"latitude": chosen["latitude"] + 0.0005, "longitude": chosen["longitude"]}
        notes = "入户核实家庭收入和两不愁三保障情况"
        self.post("/api/v1/visits", {"household_id": chosen["id"], **near, "notes": notes})

    @task(1)
    def file_need(self) -> None:
        chosen = random.choice(self.households)["id"]
        self.get("/api/v1/needs/menu", region_code=self.region)
        self.post(
            "/api/v1/needs",
            {"household_id": chosen, "category": "medical", "description": "慢性病用药负担重"},
        )

    @task(1)
    def raise_alert(self) -> None:
        chosen = random.choice(self.households)["id"]
        self.post(
            "/api/v1/alerts",
            {"household_id": chosen, "kind": "illness", "reason": "户主突发重病住院"},
        )

    @task(2)
    def my_tasks(self) -> None:
        self.get("/api/v1/tasks")
        self.get("/api/v1/me")

    @task(3)
    def answer_texted_task(self) -> None:
        """Reply `2 <code>` from the phone to a task the platform texted, and wait (as the
        cadre would look) until the task shows completed: the SMS round trip."""
        if not self.phones:
            return
        texts = requests.get(
            f"{self.phones}/texts", params={"phone": self.account["mobile"]}, timeout=10
        ).json()
        codes = [m.group(1) for m in map(CODE.search, texts) if m]
        fresh = [c for c in codes if c not in self.answered]
        if not fresh:
            return
        code = fresh[0]
        self.answered.add(code)
        before = self.completed()
        started = time.perf_counter()
        requests.post(
            f"{self.phones}/replies",
            json={"phone": self.account["mobile"], "text": f"2 {code}"},
            timeout=10,
        ).raise_for_status()
        error: Exception | None = None
        while self.completed() <= before:
            if time.perf_counter() - started > 30:
                error = TimeoutError("the reply did not complete the task within 30 s")
                break
            time.sleep(0.5)
        events.request.fire(
            request_type="SMS",
            name="reply 2 <code> -> task completed",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=error,
            context={},
        )

    def completed(self) -> int:
        items = self.get("/api/v1/tasks", "/api/v1/tasks [after an SMS reply]").json()["items"]
        return sum(a["status"] == "completed" for t in items for a in t["assignments"])


class WorkTeam(Cadre):
    """A village work team member (驻村工作队): reviews the helpers' proposals, checks in,
    logs work, follows the village's needs and visits."""

    group = "work_team"
    wait_time = think(group)

    def on_start(self) -> None:
        super().on_start()
        where = {"latitude": self.account["latitude"], "longitude": self.account["longitude"]}
        with self.client.post(
            "/api/v1/work-team/attendance",
            json={**where, "note": "到村"},
            name="/api/v1/work-team/attendance",
            catch_response=True,
        ) as reply:
            if reply.status_code == 409:  # checked in today already (an earlier run)
                reply.success()

    @task(6)
    def review_proposals(self) -> None:
        pending = self.get(
            "/api/v1/change-requests", region_code=self.region, status="pending", page_size=10
        ).json()["items"]
        for request in pending[:3]:
            self.get(f"/api/v1/households/{request['household_id']}", "/api/v1/households/{id}")
            path = f"/api/v1/change-requests/{request['id']}/review"
            if self.review(path, {"decision": "approve"}) == "conflict":
                reason = "户信息已更新，请重新核实后提交"
                self.review(path, {"decision": "reject", "reason": reason})

    def review(self, path: str, decision: dict) -> str:
        """The outcome: "done", "conflict" (the household changed since the proposal), or
        "reviewed" (a teammate was quicker) — the last two what people meet, not failures."""
        name = "/api/v1/change-requests/{id}/review"
        with self.client.post(path, json=decision, name=name, catch_response=True) as reply:
            if reply.status_code != 409:
                return "done"
            reply.success()
            return "reviewed" if reply.json()["type"].endswith("already-reviewed") else "conflict"

    @task(2)
    def village_households(self) -> None:
        self.get("/api/v1/households", region_code=self.region, page_size=20)

    @task(1)
    def log_work(self) -> None:
        self.post("/api/v1/work-team/logs", {"content": "组织召开动态调整户情核实会"})
        self.get("/api/v1/work-team", region_code=self.region)

    @task(2)
    def needs_and_visits(self) -> None:
        self.get("/api/v1/needs", region_code=self.region, status="open")
        self.get("/api/v1/visits", region_code=self.region, page_size=20)
        self.get("/api/v1/alerts", region_code=self.region)


class Officer(Cadre):
    """A town or county officer: lists and searches the territory, reads its statistics and
    map, follows alerts, visits and performance, texts tasks to helpers, imports a small
    file (a dry run) and exports the subtree."""

    abstract = True
    wait_time = think("town_officer")  # the county's officers think alike

    @task(4)
    def list_households(self) -> None:
        page = self.get("/api/v1/households", region_code=self.region, page_size=50).json()
        if page.get("next_page_token"):
            self.get(
                "/api/v1/households",
                "/api/v1/households [next page]",
                region_code=self.region,
                page_size=50,
                page_token=page["next_page_token"],
            )

    @task(2)
    def search(self) -> None:
        children = f"/api/v1/regions/{self.region}/children"
        found = self.get(children, "/api/v1/regions/{code}/children", page_size=100).json()
        if found["items"]:
            prefix = found["items"][0]["name"][:1]
            self.get(children, "/api/v1/regions/{code}/children [search]", name_prefix=prefix)
        self.get("/api/v1/users", region_code=self.region, role="helper")

    @task(3)
    def statistics_and_map(self) -> None:
        self.get("/api/v1/statistics/households", region_code=self.region)
        self.get("/api/v1/statistics/households/trends", region_code=self.region)
        self.get("/api/v1/map/households", region_code=self.region)

    @task(2)
    def follow_up(self) -> None:
        self.get("/api/v1/alerts", region_code=self.region, status="raised")
        self.get("/api/v1/change-requests", region_code=self.region, status="pending")
        self.get("/api/v1/visits/frequency", region_code=self.region)
        self.get("/api/v1/performance", region_code=self.region)

    @task(1)
    def text_a_task(self) -> None:
        due = (datetime.now(UTC) + timedelta(days=3)).isoformat()
        body = {
            "kind": "verify_data",
            "title": "核实帮扶户收入",
            "due_at": due,
            "role": "helper",
            "region_code": random.choice(self.account["villages"]),
        }
        task_id = self.post("/api/v1/tasks", body).json()["id"]
        self.get(f"/api/v1/tasks/{task_id}", "/api/v1/tasks/{id}")

    @task(1)
    def import_and_export(self) -> None:
        content = CLAIMS[0].accounts.import_files[self.region].encode("utf-8-sig")
        job = self.client.post(
            "/api/v1/imports",
            files={"file": ("households.csv", content)},
            data={"dry_run": "true"},
            name="/api/v1/imports [dry run]",
        ).json()
        self.get(f"/api/v1/imports/{job['id']}", "/api/v1/imports/{id}")
        self.get("/api/v1/imports", region_code=self.region)
        self.get(
            "/api/v1/exports/households.csv",
            "/api/v1/exports/households.csv [subtree]",
            region_code=self.region,
        )


class TownOfficer(Officer):
    group = "town_officer"


class CountyOfficer(Officer):
    group = "county_officer"

    @task(1)
    def county_ledgers(self) -> None:
        self.get("/api/v1/needs", region_code=self.region)
        self.get("/api/v1/leaders/coverage", region_code=self.region)


class Administrator(Cadre):
    """The county's administrator: notices to the helpers, their delivery, accounts, audit."""

    group = "administrator"
    wait_time = think(group)

    @task(1)
    def send_notice(self) -> None:
        text = f"请各帮扶责任人于{date.today():%m月%d日}前完成动态调整户情核实。"
        body = {"role": "helper", "region_code": self.region, "text": text}
        notice = self.post("/api/v1/notices", body).json()
        self.get(f"/api/v1/notices/{notice['id']}", "/api/v1/notices/{id}")
        self.get(f"/api/v1/notices/{notice['id']}/recipients", "/api/v1/notices/{id}/recipients")

    @task(3)
    def oversee(self) -> None:
        self.get("/api/v1/messages", region_code=self.region)
        self.get("/api/v1/users", region_code=self.region, page_size=50)
        self.get("/api/v1/audit-records", region_code=self.region)
        self.get("/api/v1/clients", region_code=self.region)


class Integrator(HttpUser):
    """A city dashboard (client credentials) polling the county's figures."""

    group = "integrator"
    wait_time = think(group)

    def on_start(self) -> None:
        account = CLAIMS[0].claim(self.group)
        self.region = account["region"]
        self.client.headers["X-Forwarded-For"] = next_address()
        reply = self.client.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": account["client_id"],
                "client_secret": account["secret"],
            },
            name="/api/v1/auth/token [client]",
        )
        self.client.headers["Authorization"] = f"Bearer {reply.json()['access_token']}"

    @task
    def poll(self) -> None:
        for path in ("/api/v1/statistics/households", "/api/v1/map/households"):
            self.client.get(path, params={"region_code": self.region}, name=f"{path} [dashboard]")
        self.client.get(f"/api/v1/regions/{self.region}", name="/api/v1/regions/{code}")


USERS = (Helper, WorkTeam, TownOfficer, CountyOfficer, Administrator, Integrator)


def fix_counts(users: int) -> None:
    """Exactly as many users per group as the seeding made accounts for."""
    counts = group_counts(users)
    for user in USERS:
        user.fixed_count = counts[user.group]
