"""The REST gateway: the platform's only public entry point."""
