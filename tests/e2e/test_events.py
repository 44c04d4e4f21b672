"""What identity changes, it announces: events on NATS JetStream, through the outbox."""

from __future__ import annotations

from jingzhun.identity.v1 import events_pb2
from kit.bus import Bus

JINAN = "370100000000"


async def next_event_for(bus: Bus, user_id: str) -> tuple[str, events_pb2.UserChanged]:
    subscription = await bus.js.pull_subscribe(
        bus.subject("identity.user.>"), stream=bus.stream_name("identity")
    )
    for _ in range(50):
        try:
            messages = await subscription.fetch(100, timeout=0.5)
        except TimeoutError:
            continue
        for message in messages:
            event = events_pb2.UserChanged.FromString(message.data)
            if event.user_id == user_id:
                return bus.unprefixed(message.subject), event
    raise AssertionError(f"no event about {user_id}")


async def test_creating_a_user_publishes_identity_user_created(api, admin_token, platform) -> None:
    created = api.create_user(admin_token, JINAN, "secretary").json()
    bus = await Bus.connect(platform.config.nats_url, platform.config.bus_prefix, name="e2e")
    try:
        subject, event = await next_event_for(bus, created["user"]["id"])
    finally:
        await bus.close()
    assert subject == "identity.user.created"
    assert (event.region_code, list(event.roles), event.disabled) == (JINAN, ["secretary"], False)
