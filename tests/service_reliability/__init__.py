"""Reliability and security scenarios of the service: shutdown, concurrency, fuzzing, abuse."""
