"""Finding households through the gateway: by a name prefix, an identity number, the archive
number, and the filters of issue 16 — always within the caller's scope (another county's match
is an empty result; a helper finds only their pairings)."""

from __future__ import annotations

import itertools
import time

from tests.e2e.test_households import OTHER_COUNTY_VILLAGE, VILLAGE, id_number, new_household

COUNTY = "370102000000"
_names = itertools.count()


def unique_surname() -> str:
    """Two CJK characters no other test's household starts with."""
    n = (time.time_ns() // 1000 + next(_names)) % 20000**2
    return chr(0x4E00 + n // 20000) + chr(0x4E00 + n % 20000)


def family(api, token, surname, village=VILLAGE, **extra):  # type: ignore[no-untyped-def]
    head, spouse = id_number("19700101"), id_number("19720202")
    created = new_household(
        api,
        token,
        village=village,
        members=[
            {"name": f"{surname}国强", "id_number": head, "relation": "head"},
            {"name": f"{surname[0]}丽", "id_number": spouse, "relation": "spouse"},
        ],
        **extra,
    )
    assert created.status_code == 201, created.text
    return created.json(), head, spouse


def found(api, token, **params) -> list[str]:  # type: ignore[no-untyped-def]
    reply = api.get("/api/v1/households", token, page_size=200, **params)
    assert reply.status_code == 200, reply.text
    return [h["id"] for h in reply.json()["items"]]


def test_a_household_is_found_by_a_name_prefix_an_identity_number_and_its_archive_number(
    api, admin_token
) -> None:
    surname = unique_surname()
    household, head, spouse = family(api, admin_token, surname)
    other, _, _ = family(api, admin_token, unique_surname())
    assert found(api, admin_token, name_prefix=surname) == [household["id"]]
    assert found(api, admin_token, name_prefix=f"{surname}国") == [household["id"]]
    assert found(api, admin_token, name_prefix=f"{surname}国弱") == []
    # any member's name, not only the head's
    assert household["id"] in found(api, admin_token, name_prefix=f"{surname[0]}丽")
    assert found(api, admin_token, id_number=spouse) == [household["id"]]
    assert found(api, admin_token, id_number=head.lower()) == [household["id"]]
    assert found(api, admin_token, number=other["number"]) == [other["id"]]
    assert found(api, admin_token, number=other["number"], name_prefix=surname) == []


def test_a_search_finds_nothing_outside_the_callers_county(api, admin_token) -> None:
    surname = unique_surname()
    elsewhere, head, _ = family(api, admin_token, surname, village=OTHER_COUNTY_VILLAGE)
    _, _, officer = api.new_user(admin_token, COUNTY, "info_officer")
    assert found(api, officer, name_prefix=surname) == []
    assert found(api, officer, id_number=head) == []
    assert found(api, officer, number=elsewhere["number"]) == []
    assert found(api, admin_token, name_prefix=surname) == [elsewhere["id"]]


def test_a_helper_finds_only_their_paired_households(api, admin_token) -> None:
    surname = unique_surname()
    mine, _, _ = family(api, admin_token, surname)
    theirs, head, _ = family(api, admin_token, surname)
    helper_id, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    paired = api.http.post(
        f"/api/v1/households/{mine['id']}/pairings",
        json={"helper_id": helper_id},
        headers=api.auth(admin_token),
    )
    assert paired.status_code == 201, paired.text
    assert found(api, helper, name_prefix=surname) == [mine["id"]]
    assert found(api, helper, id_number=head) == []
    assert set(found(api, admin_token, name_prefix=surname)) == {mine["id"], theirs["id"]}
    assert found(api, admin_token, name_prefix=surname, pairing="paired") == [mine["id"]]
    assert found(api, admin_token, name_prefix=surname, pairing="unpaired") == [theirs["id"]]
    assert found(api, admin_token, name_prefix=surname, helper_id=helper_id) == [mine["id"]]


def test_households_are_filtered_by_their_profile_and_failing_indicators(api, admin_token) -> None:
    surname = unique_surname()
    ill, _, _ = family(api, admin_token, surname)
    disabled, _, _ = family(
        api,
        admin_token,
        surname,
        attribute="subsistence_allowance",
        main_cause="disability",
        secondary_causes=["illness"],
        assistance_category="social_security",
    )
    mine = {"name_prefix": surname}
    assert found(api, admin_token, **mine, main_cause="illness") == [ill["id"]]
    assert set(found(api, admin_token, **mine, cause="illness")) == {ill["id"], disabled["id"]}
    assert found(api, admin_token, **mine, attribute="subsistence_allowance") == [disabled["id"]]
    assert found(api, admin_token, **mine, assistance_category="social_security") == [
        disabled["id"]
    ]
    assert set(found(api, admin_token, **mine, status="identified")) == {ill["id"], disabled["id"]}
    assert found(api, admin_token, **mine, status="exited") == []
    unsafe = api.http.put(
        f"/api/v1/households/{ill['id']}/indicators",
        json={"values": {"safe_housing": False, "drinking_water": True}},
        headers=api.auth(admin_token),
    )
    assert unsafe.status_code == 200, unsafe.text
    assert found(api, admin_token, **mine, failing_indicators="safe_housing") == [ill["id"]]
    assert found(api, admin_token, **mine, failing_indicators="drinking_water") == []


def test_unknown_filter_values_are_refused(api, admin_token) -> None:
    for params in (
        {"status": "rich"},
        {"cause": "laziness"},
        {"pairing": "maybe"},
        {"failing_indicators": "owns_a_car"},
        {"id_number": "370102198001011230"},
    ):
        reply = api.get("/api/v1/households", admin_token, **params)
        assert reply.status_code == 400, (params, reply.text)
        assert reply.headers["content-type"].startswith("application/problem+json")


def test_the_same_filter_narrows_statistics_the_map_and_exports(api, admin_token) -> None:
    surname = unique_surname()
    ill, _, _ = family(api, admin_token, surname)
    disabled, _, _ = family(api, admin_token, surname, main_cause="disability")
    family(api, admin_token, surname, village=OTHER_COUNTY_VILLAGE)
    _, _, officer = api.new_user(admin_token, COUNTY, "info_officer")
    stats = api.get("/api/v1/statistics/households", officer, name_prefix=surname)
    assert stats.status_code == 200, stats.text
    assert (stats.json()["households"], stats.json()["people"]) == (2, 4)
    only_ill = api.get(
        "/api/v1/statistics/households", officer, name_prefix=surname, main_cause="illness"
    ).json()
    assert only_ill["households"] == 1 and only_ill["by_main_cause"] == {"illness": 1}
    mapped = api.get("/api/v1/map/households", officer, name_prefix=surname, cause="disability")
    assert [f["id"] for f in mapped.json()["features"]] == [disabled["id"]]
    villages = api.get(
        "/api/v1/map/households", officer, name_prefix=surname, aggregate="village"
    ).json()["features"]
    assert [v["properties"]["households"] for v in villages] == [2]
    exported = api.get("/api/v1/exports/households.csv", admin_token, name_prefix=surname)
    assert exported.status_code == 200, exported.text
    numbers = {row.split(",")[0] for row in exported.content.decode("utf-8-sig").splitlines()[1:]}
    assert len(numbers) == 3  # the admin's territory: both counties
    mine = api.get(
        "/api/v1/exports/households.csv", admin_token, region_code=COUNTY, name_prefix=surname
    )
    rows = mine.content.decode("utf-8-sig").splitlines()[1:]
    assert {row.split(",")[0] for row in rows} == {ill["number"], disabled["number"]}
    refused = api.get("/api/v1/statistics/households", officer, status="rich")
    assert refused.status_code == 400


def test_households_are_filtered_by_exit_year_and_changed_since(api, admin_token) -> None:
    surname = unique_surname()
    older, _, _ = family(api, admin_token, surname)
    newer, _, _ = family(api, admin_token, surname)
    mine = {"name_prefix": surname}
    # the instant the newer one was registered: the older one has not changed since
    assert found(api, admin_token, **mine, changed_since=newer["updated_at"]) == [newer["id"]]
    exited = api.http.patch(
        f"/api/v1/households/{older['id']}",
        json={"expected_version": 1, "standard": {"exit_year": "2020"}},
        headers=api.auth(admin_token),
    )
    assert exited.status_code == 200, exited.text
    since = {"changed_since": newer["updated_at"]}
    assert set(found(api, admin_token, **mine, **since)) == {older["id"], newer["id"]}
    assert found(api, admin_token, **mine, changed_since=exited.json()["updated_at"]) == [
        older["id"]
    ]
    assert found(api, admin_token, **mine, exit_year=2020) == [older["id"]]
    assert found(api, admin_token, **mine, exit_year=2021) == []
    _, _, officer = api.new_user(admin_token, "370103000000", "info_officer")
    assert found(api, officer, **mine, exit_year=2020) == []  # another county's caller


def test_bad_exit_years_and_instants_are_refused(api, admin_token) -> None:
    # the registry refuses a year before 1980 (400); the gateway's model what is no year at all
    for params, status in (
        ({"exit_year": 1900}, 400),
        ({"exit_year": 3000}, 422),
        ({"changed_since": "yesterday"}, 422),
    ):
        reply = api.get("/api/v1/households", admin_token, **params)
        assert reply.status_code == status, (params, reply.text)
        assert reply.headers["content-type"].startswith("application/problem+json")


def test_households_are_found_by_income_per_person_below_a_value(api, admin_token) -> None:
    surname = unique_surname()
    poor, _, _ = family(api, admin_token, surname)  # two people each
    better, _, _ = family(api, admin_token, surname)
    family(api, admin_token, surname)  # no incomes recorded: never below
    for household, year, by_source in (
        (poor, 2024, {"wage": 20000}),
        (poor, 2025, {"wage": 7000, "production": 1000, "production_expense": 2000}),  # 3000 each
        (better, 2025, {"wage": 9000}),  # 4500 each
    ):
        reply = api.http.put(
            f"/api/v1/households/{household['id']}/incomes/{year}",
            json={"by_source": by_source},
            headers=api.auth(admin_token),
        )
        assert reply.status_code == 200, reply.text
    mine = {"name_prefix": surname}
    assert found(api, admin_token, **mine, income_below=3000) == []
    assert found(api, admin_token, **mine, income_below=3001) == [poor["id"]]
    assert set(found(api, admin_token, **mine, income_below=5000)) == {poor["id"], better["id"]}
    stats = api.get("/api/v1/statistics/households", admin_token, **mine, income_below=4000)
    assert stats.json()["households"] == 1
    _, _, officer = api.new_user(admin_token, "370103000000", "info_officer")
    assert found(api, officer, **mine, income_below=5000) == []  # another county's caller
    refused = api.get("/api/v1/households", admin_token, income_below=-1)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")


def paged(api, token, **params) -> list[str]:  # type: ignore[no-untyped-def]
    """Every page, one household at a time, following next_page_token."""
    seen: list[str] = []
    after: dict[str, str] = {}
    while True:
        reply = api.get("/api/v1/households", token, page_size=1, **params, **after)
        assert reply.status_code == 200, reply.text
        seen += [h["id"] for h in reply.json()["items"]]
        if not reply.json()["next_page_token"]:
            return seen
        after = {"page_token": reply.json()["next_page_token"]}


def test_households_are_listed_by_name_number_or_latest_change_page_after_page(
    api, admin_token
) -> None:
    surname = unique_surname()
    households = [
        new_household(
            api,
            admin_token,
            number=f"{surname}-{number}",
            members=[{"name": f"{surname}{given}", "id_number": id_number(), "relation": "head"}],
        ).json()
        for number, given in (("2", "丁"), ("3", "七"), ("1", "万"))
    ]
    b, a, c = (h["id"] for h in households)  # heads 丁 < 七 < 万; archive numbers 2, 3, 1
    changed = api.http.patch(
        f"/api/v1/households/{a}",
        json={"expected_version": 1, "standard": {"exit_year": "2020"}},
        headers=api.auth(admin_token),
    )
    assert changed.status_code == 200, changed.text
    mine = {"name_prefix": surname}
    assert paged(api, admin_token, **mine, sort="number") == [c, b, a]
    assert paged(api, admin_token, **mine, sort="name") == [b, a, c]
    assert paged(api, admin_token, **mine, sort="updated") == [a, c, b]
    assert paged(api, admin_token, **mine) == sorted([a, b, c])
    assert paged(api, admin_token, **mine, sort="id") == sorted([a, b, c])
    _, _, officer = api.new_user(admin_token, "370103000000", "info_officer")
    assert paged(api, officer, **mine, sort="name") == []  # another county's caller


def test_an_unknown_sort_or_a_token_of_another_sort_is_refused(api, admin_token) -> None:
    surname = unique_surname()
    for _ in range(2):
        family(api, admin_token, surname)
    first = api.get(
        "/api/v1/households", admin_token, name_prefix=surname, sort="name", page_size=1
    ).json()
    for params in (
        {"sort": "height"},
        {"sort": "number", "page_token": first["next_page_token"]},
        {"page_token": first["next_page_token"]},
    ):
        reply = api.get("/api/v1/households", admin_token, name_prefix=surname, **params)
        assert reply.status_code == 400, (params, reply.text)
        assert reply.headers["content-type"].startswith("application/problem+json")


def test_a_household_is_found_by_a_members_phone_only_in_scope(api, admin_token) -> None:
    surname, phone = unique_surname(), f"139{time.time_ns() % 10**8:08d}"
    head = id_number("19690303")
    created = new_household(
        api,
        admin_token,
        village=OTHER_COUNTY_VILLAGE,
        members=[{"name": f"{surname}明", "id_number": head, "relation": "head", "phone": phone}],
    )
    assert created.status_code == 201, created.text
    assert found(api, admin_token, phone=phone) == [created.json()["id"]]
    assert found(api, admin_token, phone=f"+86 {phone}") == [created.json()["id"]]
    _, _, officer = api.new_user(admin_token, COUNTY, "info_officer")
    assert found(api, officer, phone=phone) == []  # another county's: nothing, as if absent
    refused = api.get("/api/v1/households", admin_token, phone="12345")
    assert refused.status_code == 400, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
