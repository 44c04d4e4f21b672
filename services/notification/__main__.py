"""`python -m services.notification [all | api | worker | migrate | await-schema]`: serve
notification's gRPC API; consume its events and send its messages (the worker); relay its events
(both). The roles and schema commands are kit.service_main's."""

from kit.service_main import ServiceCommands
from services.notification.app import run
from services.notification.settings import NotificationSettings

if __name__ == "__main__":
    ServiceCommands("notification", NotificationSettings, run).main()
