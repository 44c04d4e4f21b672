"""Locust scenarios, one module per concern."""
