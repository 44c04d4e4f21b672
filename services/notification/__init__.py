"""Notification: text messages to cadres (SMS) from events, broadcasts to a role in a subtree,
delivery receipts and replies."""
