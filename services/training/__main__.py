"""`python -m services.training [all | api | worker | migrate | await-schema]`: serve training's
gRPC API; close ended public notices (the worker); relay its events (both). The roles and schema
commands are kit.service_main's."""

from kit.service_main import ServiceCommands
from services.training.app import run
from services.training.settings import TrainingSettings

if __name__ == "__main__":
    ServiceCommands("training", TrainingSettings, run).main()
