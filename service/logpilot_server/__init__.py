"""LogPilot service: REST and gRPC log collection with Kafka-style consumer offsets."""

__version__ = "0.1.0"
