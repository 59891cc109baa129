"""Business logic shared by the REST and gRPC adapters: entry validation, group commit, consumer offsets."""
