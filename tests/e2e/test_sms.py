"""Text messages end to end: the gateway and the real services, notification bound over SMPP 3.4
to the run's SMSC simulator. A new cadre is welcomed; a notice reaches exactly the role in the
county, in concatenated UCS-2 parts, and its counts settle (numbers ending in 4 fail at this
SMSC); replies from phones become events or polite answers; a dropped link loses nothing."""

from __future__ import annotations

import re

import pytest

from jingzhun.notification.v1 import events_pb2
from kit.bus import Bus
from services.notification.sms.text import (
    DATA_CODING_UCS2,
    ESM_CLASS_UDHI,
    SEGMENT_LIMIT,
    decode_text,
    split_udh,
)
from tests.e2e.smsc import eventually

COUNTY = "370115000000"  # 济阳区, used by no other test
VILLAGES = ("370115001001", "370115104251")
ELSEWHERE = "370116001215"  # a village of 莱芜区
LINK_COUNTY, LINK_VILLAGE = "370211000000", "370211103303"  # 黄岛区, used by no other test
HELPERS = ("13701150011", "13701150024", "13701150032", "13701150044")  # two end in 4: failed
LONG_NOTICE = (
    "各位帮扶干部：根据县扶贫办安排，本周五前请完成所包农户的入户走访，核实两不愁三保障情况，"
    "重点关注饮水安全和危房改造进展，如有突发困难请及时上报乡镇。"
)
MASKED = re.compile(r"1\d\d\*{4}\d{4}")


def create(api, admin_token: str, region: str, role: str, mobile: str) -> str:  # type: ignore[no-untyped-def]
    reply = api.create_user(admin_token, region, role, mobile=mobile)
    assert reply.status_code == 201, reply.text
    return reply.json()["user"]["id"]


def post_notice(api, token: str, region: str, text: str) -> dict:  # type: ignore[no-untyped-def]
    body = {"role": "helper", "region_code": region, "text": text}
    created = api.http.post("/api/v1/notices", json=body, headers=api.auth(token))
    assert created.status_code == 201, created.text
    return created.json()


def settled(api, token: str, notice_id: str) -> dict:  # type: ignore[no-untyped-def]
    """The notice once every message has its outcome (receipts in)."""

    def done() -> dict | None:
        reply = api.get(f"/api/v1/notices/{notice_id}", token)
        assert reply.status_code == 200, reply.text
        return reply.json() if reply.json()["state"] == "done" else None

    return eventually(done, what=f"notice {notice_id} settled")


@pytest.fixture(scope="module")
def county_notice(api, admin_token) -> dict:  # type: ignore[no-untyped-def]
    """A long notice to the helpers of 济阳区, sent by its administrator and settled."""
    _, _, county_admin = api.new_user(admin_token, COUNTY, "admin")
    for number, mobile in enumerate(HELPERS):
        create(api, admin_token, VILLAGES[number % 2], "helper", mobile)
    create(api, admin_token, VILLAGES[0], "secretary", "13701150051")
    create(api, admin_token, ELSEWHERE, "helper", "13701160061")
    notice = post_notice(api, county_admin, COUNTY, LONG_NOTICE)
    return {**settled(api, county_admin, notice["id"]), "token": county_admin}


def test_a_new_cadre_is_welcomed_by_a_signed_text_that_ends_delivered(
    api, admin_token, smsc
) -> None:
    mobile = "13701150101"
    user_id = create(api, admin_token, VILLAGES[1], "work_team", mobile)
    (welcome,) = eventually(lambda: smsc.texts_to(mobile), what="the welcome at the SMSC")
    assert welcome == "【精准扶贫】测试用户您好，您的精准扶贫平台账号已开通，登录名为本手机号。"
    (part,) = [p for p in smsc.parts() if p.phone == mobile]
    assert part.message.data_coding == DATA_CODING_UCS2
    assert decode_text(part.message.short_message, DATA_CODING_UCS2) == welcome

    def delivered() -> list[dict]:
        listed = api.get("/api/v1/messages", admin_token, region_code=VILLAGES[1])
        assert listed.status_code == 200, listed.text
        mine = [m for m in listed.json()["items"] if m["user_id"] == user_id]
        return mine if mine and mine[0]["status"] == "delivered" else []

    (message,) = eventually(delivered, what="the welcome delivered")
    assert (message["template"], message["phone"]) == ("welcome", "137****0101")


def test_a_long_notice_reaches_exactly_the_helpers_of_the_county_in_ucs2_parts(
    county_notice, smsc
) -> None:
    signed = f"【精准扶贫】{LONG_NOTICE}"
    reached = {m.phone for m in smsc.messages() if m.text == signed}
    assert reached == set(HELPERS)
    parts = [p.message for p in smsc.parts() if p.phone == HELPERS[0]]
    notice_parts = [(split_udh(p.short_message), p) for p in parts if p.esm_class & ESM_CLASS_UDHI]
    assert [header.number for (header, _), _ in notice_parts] == [1, 2]
    assert {p.data_coding for _, p in notice_parts} == {DATA_CODING_UCS2}
    pieces = [decode_text(body, DATA_CODING_UCS2) for (_, body), _ in notice_parts]
    assert len(pieces[0]) == SEGMENT_LIMIT and "".join(pieces) == signed


def test_a_notice_counts_delivered_and_failed_and_lists_failed_phones_masked(
    api, county_notice
) -> None:
    assert county_notice["recipients"] == len(HELPERS)
    counts = {status: n for status, n in county_notice["counts"].items() if n}
    assert counts == {"delivered": 2, "failed": 2}
    failed = api.get(
        f"/api/v1/notices/{county_notice['id']}/recipients",
        county_notice["token"],
        status="failed",
    ).json()["items"]
    assert sorted(m["phone"] for m in failed) == ["137****0024", "137****0044"]
    assert all(MASKED.fullmatch(m["phone"]) and m["error"] for m in failed)


async def test_a_full_width_one_from_a_cadres_phone_becomes_a_reply_event(
    api, admin_token, smsc, platform
) -> None:
    mobile = "13701160071"
    user_id = create(api, admin_token, ELSEWHERE, "helper", mobile)
    bus = await Bus.connect(platform.config.nats_url, platform.config.bus_prefix, name="e2e-sms")
    try:
        task = events_pb2.NotificationRequested(  # as the assistance service asks for it
            source_id="task:e2e-1",
            template="task_assigned",
            variables={"task": "核实张三户收入", "due": "11月30日"},
            user_ids=[user_id],
            reply_reference="task:e2e-1",
        )
        await bus.publish("notification.requested", task.SerializeToString(), msg_id="task:e2e-1")
        eventually(lambda: smsc.texts_to(mobile, "您有新任务"), what="the task at the SMSC")
        smsc.send_mo(mobile, "１")
        event = await reply_event_for(bus, user_id)
    finally:
        await bus.close()
    assert (event.command, event.reply_reference) == ("accept", "task:e2e-1")


async def reply_event_for(bus: Bus, user_id: str) -> events_pb2.ReplyReceived:
    subscription = await bus.js.pull_subscribe(
        bus.subject("notification.reply.received"), stream=bus.stream_name("notification")
    )
    for _ in range(40):
        try:
            messages = await subscription.fetch(100, timeout=0.5)
        except TimeoutError:
            continue
        for message in messages:
            event = events_pb2.ReplyReceived.FromString(message.data)
            if event.user_id == user_id:
                return event
    raise AssertionError(f"no reply event about {user_id}")


def test_a_reply_from_an_unknown_number_is_answered_politely(smsc) -> None:
    stranger = "13799990001"
    smsc.send_mo(stranger, "1")
    (answer,) = eventually(lambda: smsc.texts_to(stranger), what="the answer at the SMSC")
    assert answer.startswith("【精准扶贫】") and "不是平台登记的干部号码" in answer


def test_a_link_dropped_with_a_notice_in_flight_loses_no_message(api, admin_token, smsc) -> None:
    mobiles = [f"1370211010{n}" for n in (1, 2, 3, 5, 6)]
    for mobile in mobiles:
        create(api, admin_token, LINK_VILLAGE, "helper", mobile)
    eventually(lambda: all(smsc.texts_to(m) for m in mobiles), what="the welcomes")
    _, _, county_admin = api.new_user(admin_token, LINK_COUNTY, "admin")
    text = "明天上午九点在镇政府召开帮扶工作会议。"
    smsc.simulator.stall_submits = True  # taken, never answered: the whole window in flight
    try:
        notice = post_notice(api, county_admin, LINK_COUNTY, text)
        eventually(lambda: all(smsc.texts_to(m, text) for m in mobiles), what="all in flight")
    finally:
        smsc.simulator.stall_submits = False
    binds = smsc.simulator.binds
    smsc.drop_links()
    done = settled(api, county_admin, notice["id"])
    assert {status: n for status, n in done["counts"].items() if n} == {"delivered": 5}
    assert smsc.simulator.binds > binds  # sent again over a new link
