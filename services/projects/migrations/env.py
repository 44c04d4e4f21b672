"""Alembic environment of projects (the plumbing is kit.migrations.run_env)."""

from sqlmodel import SQLModel

import services.projects.funds_models
import services.projects.models  # noqa: F401
from kit.migrations import run_env

run_env(SQLModel.metadata)
