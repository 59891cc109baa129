"""One exception hierarchy for the service; each API adapter maps it to a status code in one place.

`error_code` is the `errorCode` of the REST error body, named as the original LogPilot names them
(VALIDATION_ERROR, BAD_REQUEST, STORAGE_ERROR, INTERNAL_SERVER_ERROR) where it has one.
"""

from __future__ import annotations


class LogPilotError(Exception):
    """Base of every error the service reports to a client."""

    http_status = 500
    grpc_code = "INTERNAL"
    error_code = "INTERNAL_SERVER_ERROR"


class InvalidArgument(LogPilotError, ValueError):
    """The request is malformed: missing field, wrong type, unknown level."""

    http_status = 400
    grpc_code = "INVALID_ARGUMENT"
    error_code = "VALIDATION_ERROR"


class MalformedRequest(InvalidArgument):
    """The body cannot be read at all: not JSON, or a value of the wrong shape (an unparseable timestamp)."""

    error_code = "BAD_REQUEST"


class PayloadTooLarge(LogPilotError):
    """The request body or batch exceeds the configured limit."""

    http_status = 413
    grpc_code = "INVALID_ARGUMENT"
    error_code = "PAYLOAD_TOO_LARGE"


class Unauthenticated(LogPilotError):
    """The API key is missing or wrong: 403 over REST, as the original answers (its clients expect it)."""

    http_status = 403
    grpc_code = "UNAUTHENTICATED"
    error_code = "FORBIDDEN"


class RateLimited(LogPilotError):
    """The key's token bucket is empty; retry after `retry_after` seconds."""

    http_status = 429
    grpc_code = "RESOURCE_EXHAUSTED"
    error_code = "TOO_MANY_REQUESTS"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StorageUnavailable(LogPilotError):
    """The storage cannot be reached or the write queue is full: nothing was acknowledged."""

    http_status = 503
    grpc_code = "UNAVAILABLE"
    error_code = "STORAGE_ERROR"


class StorageRejected(InvalidArgument):
    """The storage refused the data itself (not a connection problem); only the offending request fails."""


class NotFound(LogPilotError):
    """The route or resource does not exist."""

    http_status = 404
    grpc_code = "NOT_FOUND"
    error_code = "NOT_FOUND"


class MethodNotAllowed(LogPilotError):
    """The route exists but not for this method."""

    http_status = 405
    grpc_code = "UNIMPLEMENTED"
    error_code = "METHOD_NOT_ALLOWED"


class StartupError(Exception):
    """The server cannot start (port in use, storage unusable, missing extra): exit code 1, not a client error."""
