"""`python -m services.projects [all | api | worker | migrate | await-schema]`: serve the
projects gRPC API; close ended public notices (the worker); relay its events (both). The roles
and schema commands are kit.service_main's."""

from kit.service_main import ServiceCommands
from services.projects.app import run
from services.projects.settings import ProjectsSettings

if __name__ == "__main__":
    ServiceCommands("projects", ProjectsSettings, run).main()
