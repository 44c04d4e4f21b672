"""A worker process of one kit.inbox.Consumer whose every unit of work takes `--work` seconds:
`python -m tests.integration.kit.slow_worker NATS_URL PREFIX DB_URL JOURNAL --ack-wait S
--work S`. It appends `<pid> started <payload>` and `<pid> done <payload>` to JOURNAL, so a
test sees which process handled what, and when."""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.bus import Bus
from kit.db import Database
from kit.inbox import Consumer

STREAM, DURABLE, SUBJECT = "slowwork", "slow-worker", "slowwork.requested"


def note(journal: Path, line: str) -> None:
    with journal.open("a") as out:
        out.write(f"{os.getpid()} {line}\n")


async def main(args: argparse.Namespace) -> None:
    database = Database(args.db_url)  # its inbox table made by the test, once for all workers
    bus = await Bus.connect(args.nats_url, args.prefix, name="slow-worker")

    async def work(session: AsyncSession, subject: str, payload: bytes, headers: dict) -> None:
        note(args.journal, f"started {payload.decode()}")
        await asyncio.sleep(args.work)  # the long unit of work itself
        note(args.journal, f"done {payload.decode()}")

    consumer = Consumer(
        bus,
        database,
        stream=STREAM,
        durable=DURABLE,
        filter_subject=SUBJECT,
        handler=work,
        ack_wait=args.ack_wait,
        batch=1,
    )
    note(args.journal, "ready")
    await consumer.run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("nats_url")
    parser.add_argument("prefix")
    parser.add_argument("db_url")
    parser.add_argument("journal", type=Path)
    parser.add_argument("--ack-wait", type=float, required=True)
    parser.add_argument("--work", type=float, required=True)
    asyncio.run(main(parser.parse_args()))
