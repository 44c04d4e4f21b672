"""`python -m services.training`: serve training's gRPC API, close ended public notices and
relay its events."""

import asyncio

from services.training.app import run
from services.training.settings import TrainingSettings

if __name__ == "__main__":
    asyncio.run(run(TrainingSettings()))
