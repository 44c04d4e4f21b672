"""Training through the gateway: an institution applies and the county screens it; an
approved institution publishes a course; trainees enrol within capacity, then on a waiting
list that moves up on a cancellation; attendance, a certified completion and one rating per
trainee, seen by the screening officers; an institution never sees another's course."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kit.id_numbers import check_character

COUNTY, OTHER_COUNTY = "370323000000", "370322000000"  # 沂源县, 高青县: used by no other test
TOWN, VILLAGE, OTHER_VILLAGE = "370323001000", "370323001001", "370323001002"
TODAY = datetime.now(UTC).replace(microsecond=0)


def course_body(**changes: object) -> dict:
    body = {
        "title": "设施蔬菜种植技术",
        "category": "planting_breeding",
        "mode": "offline",
        "starts_at": TODAY.isoformat(),
        "ends_at": (TODAY + timedelta(days=3)).isoformat(),
        "capacity": 2,
        "region_codes": [VILLAGE],
    }
    return {**body, **changes}


def approved_institution(api, admin_token, county_admin, name, county=COUNTY):  # type: ignore[no-untyped-def]
    """A new institution of the county, approved: (its token, its id)."""
    _, _, token = api.new_user(admin_token, county, "training_institution")
    applied = api.http.post(
        "/api/v1/training-institutions",
        json={"name": name, "contact": "0533-3222222"},
        headers=api.auth(token),
    )
    assert applied.status_code == 201, applied.text
    institution_id = applied.json()["id"]
    screened = screen(api, county_admin, institution_id, True, "资质齐全，同意")
    assert screened.status_code == 200, screened.text
    return token, institution_id


def screen(api, token, institution_id, approve, reason):  # type: ignore[no-untyped-def]
    return api.http.post(
        f"/api/v1/training-institutions/{institution_id}/screening",
        json={"approve": approve, "reason": reason},
        headers=api.auth(token),
    )


def publish(api, token, **changes):  # type: ignore[no-untyped-def]
    return api.http.post("/api/v1/courses", json=course_body(**changes), headers=api.auth(token))


def enrol(api, token, course_id, **body):  # type: ignore[no-untyped-def]
    return api.http.post(
        f"/api/v1/courses/{course_id}/enrolments", json=body, headers=api.auth(token)
    )


def act(api, token, enrolment_id, action):  # type: ignore[no-untyped-def]
    return api.http.post(
        f"/api/v1/enrolments/{enrolment_id}/actions",
        json={"action": action},
        headers=api.auth(token),
    )


def household_in(api, token, village):  # type: ignore[no-untyped-def]
    first = "37032319750303004"
    body = {
        "number": f"PX-{village}",
        "village_code": village,
        "attribute": "general",
        "main_cause": "lack_of_skills",
        "members": [
            {"name": "赵学员", "id_number": first + check_character(first), "relation": "head"}
        ],
    }
    reply = api.http.post("/api/v1/households", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def test_the_county_screens_an_institution_and_only_its_owner_sees_its_courses(
    api, admin_token
) -> None:
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, town = api.new_user(admin_token, TOWN, "admin")
    _, _, other_county = api.new_user(admin_token, OTHER_COUNTY, "admin")
    _, _, applicant = api.new_user(admin_token, COUNTY, "training_institution")
    post = api.http.post

    applied = post(
        "/api/v1/training-institutions",
        json={"name": "沂源县职业技能培训学校"},
        headers=api.auth(applicant),
    )
    assert applied.status_code == 201, applied.text
    institution = applied.json()
    assert (institution["status"], institution["county_code"]) == ("applied", COUNTY)
    again = post(
        "/api/v1/training-institutions", json={"name": "又一所"}, headers=api.auth(applicant)
    )
    assert again.status_code == 409
    assert publish(api, applicant).status_code == 409  # not approved yet

    path = f"/api/v1/training-institutions/{institution['id']}"
    assert api.get(path, other_county).status_code == 404  # out of territory: as if missing
    assert screen(api, other_county, institution["id"], True, "同意").status_code == 404
    assert screen(api, town, institution["id"], True, "同意").status_code == 404
    assert screen(api, county, institution["id"], False, "").status_code == 422
    rejected = screen(api, county, institution["id"], False, "师资证明不全")
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "师资证明不全")
    assert screen(api, county, institution["id"], True, "改判").status_code == 409
    assert publish(api, applicant).status_code == 409  # a rejected one publishes nothing

    owner, owner_id = approved_institution(api, admin_token, county, "沂源县农广校")
    outside = publish(api, owner, region_codes=["370322001007"])
    assert outside.status_code == 400, outside.text  # a region of another county
    published = publish(api, owner)
    assert published.status_code == 201, published.text
    course = published.json()
    assert (course["institution_id"], course["capacity"], course["enrolled"]) == (owner_id, 2, 0)

    other, _ = approved_institution(api, admin_token, county, "沂源县电商学院")
    assert api.get(f"/api/v1/courses/{course['id']}", other).status_code == 404
    assert api.get("/api/v1/courses", other).json()["items"] == []
    assert [c["id"] for c in api.get("/api/v1/courses", owner).json()["items"]] == [course["id"]]
    assert api.get(f"/api/v1/courses/{course['id']}", other_county).status_code == 404
    listed = api.get("/api/v1/training-institutions", applicant).json()["items"]
    assert [i["id"] for i in listed] == [institution["id"]]  # an institution sees only itself


def test_a_full_course_has_a_waiting_list_that_moves_up_and_trainees_rate_it_once(
    api, admin_token
) -> None:
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, team = api.new_user(admin_token, VILLAGE, "work_team")
    trainees = [api.new_user(admin_token, VILLAGE, "leader_candidate")[2] for _ in range(3)]
    _, _, far_away = api.new_user(admin_token, OTHER_VILLAGE, "leader_candidate")
    institution, institution_id = approved_institution(
        api, admin_token, county, "沂源县畜牧培训中心"
    )
    course_id = publish(api, institution).json()["id"]

    first, second, third = (enrol(api, t, course_id) for t in trainees)
    assert [r.status_code for r in (first, second, third)] == [201, 201, 201], third.text
    assert [r.json()["status"] for r in (first, second, third)] == [
        "enrolled",
        "enrolled",
        "waiting",
    ]
    assert third.json()["waiting_position"] == 1
    assert enrol(api, trainees[0], course_id).status_code == 409  # enrolled already
    ineligible = enrol(api, far_away, course_id)
    assert ineligible.status_code == 409 and ineligible.json()["type"].endswith(
        "region-not-eligible"
    )
    household_id = household_in(api, admin_token, VILLAGE)
    member = enrol(api, team, course_id, household_id=household_id, trainee_name="赵学员")
    assert member.status_code == 201, member.text
    assert (member.json()["trainee_role"], member.json()["waiting_position"]) == (
        "household_member",
        2,
    )
    missing = enrol(api, team, course_id, household_id="f" * 32, trainee_name="无此人")
    assert missing.status_code == 404

    assert act(api, trainees[1], first.json()["id"], "cancel").status_code == 404  # not theirs
    cancelled = act(api, trainees[0], first.json()["id"], "cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    mine = api.get(f"/api/v1/courses/{course_id}/enrolments", trainees[2]).json()["items"]
    assert [(e["status"], e["waiting_position"]) for e in mine] == [("enrolled", None)]
    roster = api.get(f"/api/v1/courses/{course_id}/enrolments", institution).json()["items"]
    member_now = next(e for e in roster if e["id"] == member.json()["id"])
    assert member_now["waiting_position"] == 1
    course = api.get(f"/api/v1/courses/{course_id}", county).json()
    assert (course["enrolled"], course["waiting"]) == (2, 1)

    enrolment_id = second.json()["id"]
    rating = {"course_rating": 5, "institution_rating": 4, "comment": "很实用"}

    def rate(token):  # type: ignore[no-untyped-def]
        return api.http.post(
            f"/api/v1/enrolments/{enrolment_id}/rating", json=rating, headers=api.auth(token)
        )

    assert rate(trainees[1]).status_code == 409  # not completed yet
    attended = api.http.post(
        f"/api/v1/enrolments/{enrolment_id}/attendance",
        json={"date": TODAY.date().isoformat()},
        headers=api.auth(institution),
    )
    assert attended.status_code == 200 and attended.json()["attended_dates"] == [
        TODAY.date().isoformat()
    ]
    assert act(api, trainees[1], enrolment_id, "complete").status_code == 403
    completed = act(api, institution, enrolment_id, "complete")
    assert completed.status_code == 200 and completed.json()["status"] == "completed"
    assert rate(trainees[1]).status_code == 200
    assert rate(trainees[1]).status_code == 409  # once per trainee per course
    seen = api.get(f"/api/v1/training-institutions/{institution_id}", county).json()
    assert seen["rating"] == {"average": 4.0, "count": 1}
    assert api.get(f"/api/v1/courses/{course_id}", county).json()["rating"]["average"] == 5.0
