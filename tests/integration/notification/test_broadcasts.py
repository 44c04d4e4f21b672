"""Broadcasts (上传下达): a notice reaches exactly the holders of the role in the subtree, its
per-recipient status is counted, failed phones are listed masked, and nothing outside the
caller's territory exists for them."""

from __future__ import annotations

import pytest

from kit.errors import InvalidArgument, NotFound
from kit.principal import Principal
from services.notification.broadcasts_service import NewBroadcast
from services.notification.sms.provider import DeliveryState
from tests.integration.notification.conftest import Notification

LIXIA = "370102000000"
NOTICE = "请于本周五前完成入户核查。"
QINGDAO_ADMIN = Principal(subject="q", kind="user", region_code="370202000000", roles=("admin",))


async def test_a_notice_reaches_exactly_the_role_in_the_subtree(service: Notification) -> None:
    admin = service.county_admin
    created = await service.broadcasts.create(
        admin, NewBroadcast(role="helper", region_code=LIXIA, text=NOTICE)
    )
    assert (created.state, created.broadcast.text) == ("resolving", f"【精准扶贫】{NOTICE}")
    await service.flow()
    await service.dispatcher.dispatch_once()
    a, b = service.cadres["helper_a"], service.cadres["helper_b"]
    assert sorted(sms.phone for sms in service.provider.sent) == [a.mobile, b.mobile]
    assert {sms.text for sms in service.provider.sent} == {f"【精准扶贫】{NOTICE}"}
    view = await service.broadcasts.get(admin, created.broadcast.id)
    assert (view.state, view.broadcast.recipients, view.counts) == ("sending", 2, {"submitted": 2})
    ids = {sms.phone: sms.message_id for sms in service.provider.sent}
    recipients = await service.broadcasts.recipients(admin, created.broadcast.id, "", None, 50)
    provider_ids = {m.id: m.provider_ids for m in recipients}
    await service.provider.deliver(provider_ids[ids[a.mobile]])
    await service.provider.deliver(provider_ids[ids[b.mobile]], DeliveryState.FAILED)
    view = await service.broadcasts.get(admin, created.broadcast.id)
    assert (view.state, view.counts) == ("done", {"delivered": 1, "failed": 1})
    failed = await service.broadcasts.recipients(admin, created.broadcast.id, "failed", None, 50)
    assert [(m.user_id, m.phone_masked) for m in failed] == [(b.user_id, "139****0202")]


async def test_out_of_territory_looks_exactly_like_missing(service: Notification) -> None:
    admin = service.county_admin
    for region in ("370202000000", "370102999000"):  # Qingdao's; one that does not exist
        with pytest.raises(NotFound) as raised:
            await service.broadcasts.create(
                admin, NewBroadcast(role="helper", region_code=region, text=NOTICE)
            )
        assert (raised.value.message, raised.value.reason) == (
            "region not found",
            "REGION_NOT_FOUND",
        )
    created = await service.broadcasts.create(
        admin, NewBroadcast(role="helper", region_code=LIXIA, text=NOTICE)
    )
    with pytest.raises(NotFound):
        await service.broadcasts.get(QINGDAO_ADMIN, created.broadcast.id)
    with pytest.raises(NotFound):
        await service.broadcasts.messages(admin, "370202000000", "", None, 50)


async def test_a_bad_notice_is_refused_and_sends_nothing(service: Notification) -> None:
    admin = service.county_admin
    for bad in (
        NewBroadcast(role="helper", region_code=LIXIA, text="   "),
        NewBroadcast(role="helper", region_code=LIXIA, text="长" * 500),
        NewBroadcast(role="service", region_code=LIXIA, text=NOTICE),
        NewBroadcast(role="helper", region_code=LIXIA, template="task_assigned"),
        NewBroadcast(role="helper", region_code="3701", text=NOTICE),
    ):
        with pytest.raises(InvalidArgument):
            await service.broadcasts.create(admin, bad)
    await service.flow()
    await service.dispatcher.dispatch_once()
    assert service.provider.sent == []


async def test_operators_see_the_messages_of_their_subtree(service: Notification) -> None:
    await service.broadcasts.create(
        service.county_admin,
        NewBroadcast(role="helper", region_code=LIXIA, text=NOTICE, urgent=True),
    )
    await service.flow()
    town_officer = Principal(
        subject="t", kind="user", region_code="370102002000", roles=("info_officer",)
    )
    mine = await service.broadcasts.messages(town_officer, "", "", None, 50)
    assert [(m.user_id, m.status) for m in mine] == [(service.cadres["helper_b"].user_id, "queued")]
    assert await service.broadcasts.messages(town_officer, "", "delivered", None, 50) == []
