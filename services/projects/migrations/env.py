"""Alembic environment of projects (the plumbing is kit.migrations.run_env)."""

from sqlmodel import SQLModel

import services.projects.models  # noqa: F401  (registers the tables)
from kit.migrations import run_env

run_env(SQLModel.metadata)
