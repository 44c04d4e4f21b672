"""The gateway's one Redis command per request (revocation + rate limit, `gateway.guard`) on
ONE connection shared by every request in flight: the commands of one turn of the event loop
are written together (one system call, not one a request), and their replies are taken in
order (Redis answers a connection's commands in the order sent), parsed by hiredis as they
arrive. redis-py's pool, retry and command layers around that one `EVALSHA` were 11-19 % of
the gateway's CPU under load; this path is a buffered write and a future.

What the pooled client (kit.redis_client) promises holds here too: a lost connection fails
the commands waiting on it and the next command dials again; a command that fails to reach
Redis is retried with exponential backoff; a reply later than the socket timeout drops the
connection; after the retries redis-py's ConnectionError/TimeoutError are raised, which the
gateway answers as RedisUnavailable (503 with Retry-After). A script Redis lost (a restart)
is sent whole once (EVAL), which loads it again."""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from collections import deque
from typing import Any

import hiredis
from redis.asyncio.connection import SSLConnection, parse_url
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from kit.redis_client import UNREACHABLE
from kit.settings import CommonSettings


class _Connection(asyncio.Protocol):
    """One socket to Redis: commands out as they come, replies matched to them in order."""

    def __init__(self, reply_timeout: float) -> None:
        self._reader = hiredis.Reader(replyError=ResponseError)
        self._waiting: deque[tuple[asyncio.Future[Any], float]] = deque()
        self._reply_timeout = reply_timeout
        self._watch: asyncio.TimerHandle | None = None
        self._loop = asyncio.get_running_loop()
        self._failure: Exception = RedisConnectionError("the connection to Redis was lost")
        self._unsent: list[bytes] = []
        self.transport: asyncio.Transport | None = None
        self.open = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def send(self, packed: bytes) -> asyncio.Future[Any]:
        if not self.open or self.transport is None:
            raise RedisConnectionError("the connection to Redis was lost")
        reply = self._loop.create_future()
        self._waiting.append((reply, self._loop.time()))
        if not self._unsent:  # the commands of one turn of the event loop go in one write
            self._loop.call_soon(self._flush)
        self._unsent.append(packed)
        if self._watch is None:
            self._watch = self._loop.call_later(self._reply_timeout, self._check_replies)
        return reply

    def _flush(self) -> None:
        unsent, self._unsent = self._unsent, []
        if self.open and self.transport is not None:
            self.transport.write(b"".join(unsent))

    def data_received(self, data: bytes) -> None:
        self._reader.feed(data)
        try:
            while (reply := self._reader.gets()) is not False:
                waiter = self._waiting.popleft()[0]
                if waiter.done():  # its request went away; the reply is still its own
                    continue
                if isinstance(reply, ResponseError):
                    waiter.set_exception(reply)
                else:
                    waiter.set_result(reply)
        except hiredis.ProtocolError as error:
            self._drop(RedisConnectionError(f"Redis protocol error: {error}"))

    def _check_replies(self) -> None:
        """Drop the connection when its oldest unanswered command is past the timeout."""
        self._watch = None
        if not self._waiting:
            return
        late = self._waiting[0][1] + self._reply_timeout - self._loop.time()
        if late <= 0:
            self._drop(RedisTimeoutError("Redis did not answer in time"))
        else:
            self._watch = self._loop.call_later(late, self._check_replies)

    def _drop(self, failure: Exception) -> None:
        self._failure = failure
        if self.transport is not None:
            self.transport.abort()  # connection_lost follows, and fails what waits
        else:
            self.connection_lost(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        while self._waiting:
            waiter = self._waiting.popleft()[0]
            if not waiter.done():
                waiter.set_exception(self._failure)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class Script:
    """A Lua script, run by its SHA1 (and sent whole when Redis does not know it)."""

    def __init__(self, client: PipelinedRedis, text: str) -> None:
        self.client = client
        self.text = text
        self.sha = hashlib.sha1(text.encode()).hexdigest()

    async def __call__(self, keys: list[str], args: list[Any]) -> Any:
        try:
            return await self.client.execute("EVALSHA", self.sha, len(keys), *keys, *args)
        except ResponseError as error:
            if not str(error).startswith("NOSCRIPT"):
                raise
            return await self.client.execute("EVAL", self.text, len(keys), *keys, *args)


class PipelinedRedis:
    def __init__(
        self,
        url: str,
        *,
        connect_timeout: float,
        reply_timeout: float,
        retries: int,
        retry_cap: float,
    ) -> None:
        options = parse_url(url)
        self._host = options.get("host", "127.0.0.1")
        self._port = int(options.get("port", 6379))
        self._tls = options.get("connection_class") is SSLConnection
        self._hello: list[tuple[Any, ...]] = []
        if options.get("password"):
            credentials = (options["username"],) if options.get("username") else ()
            self._hello.append(("AUTH", *credentials, options["password"]))
        if int(options.get("db", 0)):
            self._hello.append(("SELECT", int(options["db"])))
        self._connect_timeout = connect_timeout
        self._reply_timeout = reply_timeout
        self._retries = retries
        self._backoff = ExponentialBackoff(cap=retry_cap, base=0.02)
        self._connection: _Connection | None = None
        self._dialing = asyncio.Lock()

    @classmethod
    def of(cls, common: CommonSettings) -> PipelinedRedis:
        """With the pooled client's settings (kit.redis_client)."""
        return cls(
            common.redis_url,
            connect_timeout=common.redis_socket_timeout_seconds,
            reply_timeout=common.redis_socket_timeout_seconds,
            retries=common.redis_retries,
            retry_cap=common.redis_retry_cap_seconds,
        )

    def register_script(self, text: str) -> Script:
        return Script(self, text)

    async def execute(self, *command: Any) -> Any:
        """One command's reply; retried with backoff while Redis cannot be reached."""
        failures = 0
        while True:
            try:
                connection = self._connection
                if connection is None or not connection.open:
                    connection = await self._connect()
                return await connection.send(hiredis.pack_command(command))
            except UNREACHABLE:
                failures += 1
                if failures > self._retries:
                    raise
                await asyncio.sleep(self._backoff.compute(failures))

    async def _connect(self) -> _Connection:
        async with self._dialing:  # the requests that find no connection share one dial
            if self._connection is not None and self._connection.open:
                return self._connection
            loop = asyncio.get_running_loop()
            try:
                async with asyncio.timeout(self._connect_timeout):
                    _, connection = await loop.create_connection(
                        lambda: _Connection(self._reply_timeout),
                        self._host,
                        self._port,
                        ssl=ssl.create_default_context() if self._tls else None,
                    )
                    for command in self._hello:
                        await connection.send(hiredis.pack_command(command))
            except TimeoutError as error:
                raise RedisTimeoutError("connecting to Redis timed out") from error
            except OSError as error:
                raise RedisConnectionError(f"connecting to Redis failed: {error}") from error
            self._connection = connection
            return connection

    async def aclose(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
