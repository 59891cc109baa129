"""Thin protocol adapters over the core services: REST, gRPC and management."""
