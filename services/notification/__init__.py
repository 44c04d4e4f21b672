"""Notification service: serves health until its own issue fills in its calls."""
