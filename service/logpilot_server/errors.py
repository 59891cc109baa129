"""One exception hierarchy for the service; each API adapter maps it to a status code in one place."""

from __future__ import annotations


class LogPilotError(Exception):
    """Base of every error the service reports to a client."""

    http_status = 500
    grpc_code = "INTERNAL"


class InvalidArgument(LogPilotError, ValueError):
    """The request is malformed: missing field, wrong type, unknown level."""

    http_status = 400
    grpc_code = "INVALID_ARGUMENT"


class PayloadTooLarge(LogPilotError):
    """The request body or batch exceeds the configured limit."""

    http_status = 413
    grpc_code = "INVALID_ARGUMENT"


class Unauthenticated(LogPilotError):
    """The API key is missing or wrong."""

    http_status = 401
    grpc_code = "UNAUTHENTICATED"


class RateLimited(LogPilotError):
    """The key's token bucket is empty; retry after `retry_after` seconds."""

    http_status = 429
    grpc_code = "RESOURCE_EXHAUSTED"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StorageUnavailable(LogPilotError):
    """The storage cannot be reached or the write queue is full: nothing was acknowledged."""

    http_status = 503
    grpc_code = "UNAVAILABLE"


class StorageRejected(InvalidArgument):
    """The storage refused the data itself (not a connection problem); only the offending request fails."""


class NotFound(LogPilotError):
    """The route or resource does not exist."""

    http_status = 404
    grpc_code = "NOT_FOUND"
