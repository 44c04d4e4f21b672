"""Shared glue of the Jingzhun services and gateway: settings, errors, gRPC, db, bus, authz."""
