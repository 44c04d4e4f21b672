"""Assistance service (帮扶): needs that escalate level by level."""
