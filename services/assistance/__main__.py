"""`python -m services.assistance`: serve assistance's gRPC API, escalate overdue needs and
relay its events."""

import asyncio

from services.assistance.app import run
from services.assistance.settings import AssistanceSettings

if __name__ == "__main__":
    asyncio.run(run(AssistanceSettings()))
