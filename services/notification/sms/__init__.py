"""Sending text messages: the provider interface, its SMPP 3.4 and HTTP implementations, and
the Chinese text rules (UCS-2, concatenation, templates with a signature)."""
