"""`python -m services.assistance [all | api | worker | migrate | await-schema]`: serve
assistance's gRPC API; escalate overdue needs and consume its events (the worker); relay its
events (both). The roles and schema commands are kit.service_main's."""

from kit.service_main import ServiceCommands
from services.assistance.app import run
from services.assistance.settings import AssistanceSettings

if __name__ == "__main__":
    ServiceCommands("assistance", AssistanceSettings, run).main()
