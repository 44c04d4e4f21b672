"""`python -m services.notification`: serve notification's gRPC API, consume its events and
send its messages."""

import asyncio

from services.notification.app import run
from services.notification.settings import NotificationSettings

if __name__ == "__main__":
    asyncio.run(run(NotificationSettings()))
