"""`python -m services.registry`: serve the registry's gRPC API."""

import asyncio

from services.registry.app import run
from services.registry.settings import RegistrySettings

if __name__ == "__main__":
    asyncio.run(run(RegistrySettings()))
