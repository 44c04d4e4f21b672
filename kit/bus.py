"""NATS JetStream for domain events: connect (reconnecting forever), one stream per service,
publish with `Nats-Msg-Id` so the broker drops duplicates. Every subject and stream name
carries the bus prefix, so test runs never see each other's messages."""

from __future__ import annotations

import logging

import nats
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError

log = logging.getLogger(__name__)

DUPLICATE_WINDOW_SECONDS = 120.0
MSG_ID = "Nats-Msg-Id"


class Bus:
    def __init__(
        self, connection: NATS, prefix: str, replicas: int = 1, name: str = "jingzhun"
    ) -> None:
        self.connection = connection
        self.js: JetStreamContext = connection.jetstream()
        self.prefix = prefix
        self.replicas = replicas  # of every stream it creates: 3 in a 3-node cluster
        self.name = name  # the process's service: what its metrics are labelled with

    @classmethod
    async def connect(
        cls, url: str, prefix: str = "", *, name: str = "jingzhun", replicas: int = 1
    ) -> Bus:
        connection: NATS | None = None

        async def on_disconnect() -> None:
            if connection is None or not connection.is_closed:  # closing on purpose is no news
                log.warning("disconnected from NATS")

        async def on_reconnect() -> None:
            log.info("reconnected to NATS")

        connection = await nats.connect(
            url,
            name=name,
            max_reconnect_attempts=-1,
            reconnect_time_wait=1,
            disconnected_cb=on_disconnect,
            reconnected_cb=on_reconnect,
        )
        return cls(connection, prefix, replicas, name)

    def subject(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def unprefixed(self, subject: str) -> str:
        return subject[len(self.prefix) :] if subject.startswith(self.prefix) else subject

    def stream_name(self, name: str) -> str:
        safe = "".join(c if c.isalnum() else "_" for c in self.prefix)
        return f"{safe}{name}".upper()

    def stream_config(self, name: str, subjects: list[str]) -> StreamConfig:
        return StreamConfig(
            name=self.stream_name(name),
            subjects=[self.subject(s) for s in subjects],
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
            num_replicas=self.replicas,
        )

    async def ensure_stream(self, name: str, subjects: list[str]) -> str:
        """Create or update the stream `name` over `subjects` (both prefixed); idempotent."""
        config = self.stream_config(name, subjects)
        stream = self.stream_name(name)
        try:
            await self.js.stream_info(stream)
        except NotFoundError:
            await self.js.add_stream(config)
        else:
            await self.js.update_stream(config)
        return stream

    async def ensure_service_stream(self, service: str) -> str:
        """The stream holding every event a service publishes: `<service>.>`."""
        return await self.ensure_stream(service, [f"{service}.>"])

    async def delete_stream(self, name: str) -> None:
        await self.js.delete_stream(self.stream_name(name))

    async def delete_prefixed_streams(self) -> None:
        """Delete every stream of this bus's prefix: test and benchmark runs share the
        machine's NATS, which outlives them. Without a prefix the streams are everyone's."""
        if not self.prefix:
            raise ValueError("refusing to delete the streams of an unprefixed bus")
        for info in await self.js.streams_info():
            if info.config.name and info.config.name.startswith(self.stream_name("")):
                await self.js.delete_stream(info.config.name)

    async def publish(
        self, subject: str, payload: bytes, *, msg_id: str, headers: dict[str, str] | None = None
    ) -> bool:
        """Publish and wait for the broker's ack; False when the broker saw `msg_id` before."""
        ack = await self.js.publish(
            self.subject(subject), payload, headers={**(headers or {}), MSG_ID: msg_id}, timeout=5
        )
        return not ack.duplicate

    async def close(self) -> None:
        """Close at once: publishes were acknowledged already, and a pull consumer's pending
        fetch would hold a graceful drain for its whole timeout."""
        if not self.connection.is_closed:
            await self.connection.close()
