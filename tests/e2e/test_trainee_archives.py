"""Trainee archives and training texts through the gateway: a trainee's archive lists their
courses with attendance, completion and the ratings they gave; an officer of their county
follows them up, one of another county finds nothing; bad follow-ups change nothing. The
institution's account holder is texted the county's decision, and a trainee moving up from
the waiting list is texted their seat."""

from __future__ import annotations

from tests.e2e.smsc import eventually
from tests.e2e.test_training import TODAY, act, approved_institution, enrol, publish, screen

COUNTY, OTHER_COUNTY = "370321000000", "370402000000"  # 桓台县, 枣庄市市中区: no other test's
VILLAGE = "370321001201"  # 索镇街道 建国村


def archive(api, token, user_id):  # type: ignore[no-untyped-def]
    return api.get(f"/api/v1/trainees/{user_id}/archive", token)


def follow_up(api, token, user_id, **changes):  # type: ignore[no-untyped-def]
    body = {
        "kind": "employment",
        "date": TODAY.date().isoformat(),
        "details": "在县蔬菜合作社稳定务工",
        "amount_yuan": 3500,
    }
    return api.http.post(
        f"/api/v1/trainees/{user_id}/follow-ups",
        json={**body, **changes},
        headers=api.auth(token),
    )


def texted(smsc, mobile, *fragments):  # type: ignore[no-untyped-def]
    """The first text to `mobile` holding every fragment, waited for."""

    def found() -> str:
        return next((t for t in smsc.texts_to(mobile) if all(f in t for f in fragments)), "")

    return eventually(found, what=f"a text to {mobile} with {fragments}")


def test_a_trainees_archive_shows_their_courses_and_ratings_and_officers_of_their_county_follow_up(
    api, admin_token
) -> None:
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, team = api.new_user(admin_token, VILLAGE, "work_team")
    _, _, stranger = api.new_user(admin_token, OTHER_COUNTY, "admin")
    trainee_id, _, trainee = api.new_user(admin_token, VILLAGE, "leader_candidate")
    _, _, classmate = api.new_user(admin_token, VILLAGE, "leader_candidate")
    institution, _ = approved_institution(api, admin_token, county, "桓台县农广校", COUNTY)
    course_id = publish(api, institution, region_codes=[VILLAGE]).json()["id"]
    enrolment_id = enrol(api, trainee, course_id).json()["id"]
    assert follow_up(api, team, trainee_id).status_code == 409  # no course completed yet
    attended = api.http.post(
        f"/api/v1/enrolments/{enrolment_id}/attendance",
        json={"date": TODAY.date().isoformat()},
        headers=api.auth(institution),
    )
    assert attended.status_code == 200, attended.text
    assert act(api, institution, enrolment_id, "complete").status_code == 200
    rated = api.http.post(
        f"/api/v1/enrolments/{enrolment_id}/rating",
        json={"course_rating": 5, "institution_rating": 4},
        headers=api.auth(trainee),
    )
    assert rated.status_code == 200, rated.text

    own = archive(api, trainee, trainee_id)
    assert own.status_code == 200, own.text
    ((taken,), completed) = own.json()["courses"], own.json()["completed"]
    assert (taken["course_title"], taken["institution_name"], completed) == (
        "设施蔬菜种植技术",
        "桓台县农广校",
        1,
    )
    assert (taken["enrolment"]["status"], taken["enrolment"]["attended_dates"]) == (
        "completed",
        [TODAY.date().isoformat()],
    )
    assert (taken["enrolment"]["course_rating"], taken["enrolment"]["institution_rating"]) == (
        5,
        4,
    )
    assert archive(api, classmate, trainee_id).status_code == 404  # another trainee's
    assert archive(api, stranger, trainee_id).status_code == 404  # another county: as if none
    assert follow_up(api, stranger, trainee_id).status_code == 404
    assert follow_up(api, trainee, trainee_id).status_code == 403  # officers follow up

    for bad, status in (
        ({"kind": "lottery"}, 422),
        ({"details": ""}, 422),
        ({"amount_yuan": 10**12}, 422),
        ({"date": "2999-01-01"}, 400),  # an outcome cannot lie in the future
    ):
        reply = follow_up(api, team, trainee_id, **bad)
        assert reply.status_code == status, (bad, reply.text)
        assert reply.headers["content-type"].startswith("application/problem+json")
    assert archive(api, county, trainee_id).json()["follow_ups"] == []  # nothing recorded

    recorded = follow_up(api, team, trainee_id)
    assert recorded.status_code == 201, recorded.text
    (entry,) = recorded.json()["follow_ups"]
    assert (entry["kind"], entry["amount_yuan"], entry["region_code"]) == (
        "employment",
        3500,
        VILLAGE,
    )
    seen = archive(api, trainee, trainee_id).json()["follow_ups"]
    assert [f["details"] for f in seen] == ["在县蔬菜合作社稳定务工"]
    member = api.get(f"/api/v1/households/{'f' * 32}/trainees/无此人/archive", county)
    assert member.status_code == 404


def test_the_institution_hears_the_countys_decision_and_a_trainee_moving_up_hears_of_the_seat(
    api, admin_token, smsc
) -> None:
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, applicant_mobile, applicant = api.new_user(
        admin_token, COUNTY, "training_institution", reachable=True
    )
    applied = api.http.post(
        "/api/v1/training-institutions",
        json={"name": "桓台县新型职业农民学校"},
        headers=api.auth(applicant),
    )
    assert applied.status_code == 201, applied.text
    rejected = screen(api, county, applied.json()["id"], False, "场地证明不全")
    assert rejected.status_code == 200, rejected.text
    texted(smsc, applicant_mobile, "桓台县新型职业农民学校", "未通过", "场地证明不全")

    institution, _ = approved_institution(api, admin_token, county, "桓台县电商学院", COUNTY)
    course_id = publish(
        api,
        institution,
        title="农村电商直播实务",
        category="e_commerce",
        capacity=1,
        region_codes=[VILLAGE],
    ).json()["id"]
    _, _, first = api.new_user(admin_token, VILLAGE, "leader_candidate")
    _, second_mobile, second = api.new_user(
        admin_token, VILLAGE, "leader_candidate", reachable=True
    )
    seated = enrol(api, first, course_id)
    waiting = enrol(api, second, course_id)
    assert (seated.json()["status"], waiting.json()["status"]) == ("enrolled", "waiting")
    assert act(api, first, seated.json()["id"], "cancel").status_code == 200
    texted(smsc, second_mobile, "农村电商直播实务", "正式学员")
