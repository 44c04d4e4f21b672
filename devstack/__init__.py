"""Runs the whole platform on one machine: NATS and Redis (the project's own when none
answers), migrations, the territory, every service and the gateway as separate processes."""
