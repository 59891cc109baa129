"""The REST API's OpenAPI 3.1 document, built from pydantic models that describe the wire format.

The hot path validates with hand-written checks (core.entries) for speed; these models are the documentation
and the tests keep both in agreement.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .. import __version__
from ..config import Settings
from ..core.entries import MAX_CHANNEL_LENGTH

Level = Literal["DEBUG", "INFO", "WARN", "ERROR"]
# What the server accepts: the four levels in any case, WARNING for WARN, empty or null for INFO.
LEVEL_IN_PATTERN = (
    "^(?:[Dd][Ee][Bb][Uu][Gg]|[Ii][Nn][Ff][Oo]|[Ww][Aa][Rr][Nn](?:[Ii][Nn][Gg])?|[Ee][Rr][Rr][Oo][Rr])?$"
)
NO_NUL = "^[^\\u0000]*$"
MAX_ID = 2**63 - 1


class LogIn(BaseModel):
    """A log entry as a producer sends it; the server assigns its id.

    An optional `timestamp` keeps the client's time: an ISO date-time (`2025-09-25T10:30:00.123`, no zone
    meaning UTC, or with `Z` / `+09:00`) or Jackson's array form `[2025, 9, 25, 10, 30, 0, 123000000]`;
    absent or null means the arrival time, anything unparseable is refused with 400 BAD_REQUEST.
    """

    model_config = ConfigDict(extra="allow")
    channel: str = Field(min_length=1, max_length=MAX_CHANNEL_LENGTH, pattern=NO_NUL)
    level: str | None = Field(
        "INFO",
        pattern=LEVEL_IN_PATTERN,
        description="DEBUG, INFO, WARN or ERROR, case-insensitive; WARNING means WARN; empty or null means INFO.",
    )
    message: str = Field(pattern=NO_NUL)
    meta: dict[str, Any] | None = None


class LogOut(BaseModel):
    """A stored log entry."""

    id: int
    channel: str
    level: Level
    message: str
    meta: dict[str, Any]
    timestamp: str = Field(
        description="UTC, as the original's LocalDateTime: 2024-05-01T12:00:00, 2024-05-01T12:00:00.12"
    )


class Stored(BaseModel):
    status: Literal["success"]
    id: int
    timestamp: str


class BatchStored(BaseModel):
    status: Literal["success"]
    count: int
    firstId: int | None = Field(description="null for an empty batch")
    lastId: int | None


class CommitRequest(BaseModel):
    channel: str = Field(min_length=1, max_length=MAX_CHANNEL_LENGTH, pattern=NO_NUL)
    consumerId: str = Field(min_length=1, max_length=255, pattern=NO_NUL)
    lastLogId: int = Field(ge=0, le=MAX_ID)


class SeekRequest(BaseModel):
    # SPECIFIC needs a logId: said in the schema itself (JSON Schema if/then), not only in prose.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"operation": {"pattern": "^[Ss][Pp][Ee][Cc][Ii][Ff][Ii][Cc]$"}}},
            "then": {"required": ["logId"], "properties": {"logId": {"type": "integer"}}},
        }
    )
    channel: str = Field(min_length=1, max_length=MAX_CHANNEL_LENGTH, pattern=NO_NUL)
    consumerId: str = Field(min_length=1, max_length=255, pattern=NO_NUL)
    operation: str = Field(
        pattern="^(?:[Ee][Aa][Rr][Ll][Ii][Ee][Ss][Tt]|[Ll][Aa][Tt][Ee][Ss][Tt]|[Ss][Pp][Ee][Cc][Ii][Ff][Ii][Cc])$",
        description="EARLIEST, LATEST or SPECIFIC (case-insensitive).",
    )
    logId: int | None = Field(
        None, ge=1, le=MAX_ID, description="Required for SPECIFIC: the next fetch starts at this id."
    )


class Status(BaseModel):
    status: Literal["success"]


class SeekResult(BaseModel):
    status: Literal["success"]
    offset: int


class Error(BaseModel):
    """The original's error body (errorCode, message, timestamp) and our status and error fields."""

    errorCode: str = Field(description="VALIDATION_ERROR, BAD_REQUEST, FORBIDDEN, STORAGE_ERROR, ...")
    message: str
    timestamp: str
    status: Literal["error"]
    error: str


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def openapi_document(settings: Settings) -> dict[str, Any]:
    """The OpenAPI document served at /openapi.json."""
    models: list[type[BaseModel]] = [
        LogIn,
        LogOut,
        Stored,
        BatchStored,
        CommitRequest,
        SeekRequest,
        Status,
        SeekResult,
        Error,
    ]
    schemas: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    errors = {
        code: {"description": text, "content": _json(_ref("Error"))}
        for code, text in (
            ("400", "Invalid request"),
            ("403", "Missing or wrong API key"),
            ("413", "Body or batch too large"),
            ("429", "Rate limit exceeded (see Retry-After)"),
            ("503", "Storage unavailable; nothing was stored"),
        )
    }
    security: list[dict[str, list[str]]] = [{"ApiKey": []}]
    batch_schema = {
        "type": "array",
        "items": _ref("LogIn"),
        "minItems": 0,
        "maxItems": settings.http.max_batch_size,
    }

    def op(summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {"summary": summary, "security": security, "responses": {**responses, **errors}, **extra}

    limit = {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": settings.consumers.max_fetch_limit,
            "default": 100,
        },
    }
    entries = {
        "200": {"description": "Entries", "content": _json({"type": "array", "items": _ref("LogOut")})}
    }

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "LogPilot",
            "version": __version__,
            "description": "Log collection with consumer offsets.",
        },
        "paths": {
            "/api/logs": {
                "get": op("The newest entries of every channel, newest first", entries, parameters=[limit]),
                "post": op(
                    "Store one log entry",
                    {"201": {"description": "Stored", "content": _json(_ref("Stored"))}},
                    requestBody={"required": True, "content": _json(_ref("LogIn"))},
                ),
            },
            "/api/logs/batch": {
                "post": op(
                    "Store a batch of log entries (one transaction)",
                    {"201": {"description": "Stored", "content": _json(_ref("BatchStored"))}},
                    requestBody={"required": True, "content": _json(batch_schema)},
                )
            },
            "/api/logs/{channel}": {
                "get": op(
                    "Read a channel: after the consumer's offset (with consumerId) or the latest entries",
                    {
                        "200": {
                            "description": "Entries",
                            "content": _json({"type": "array", "items": _ref("LogOut")}),
                        }
                    },
                    parameters=[
                        {
                            "name": "channel",
                            "in": "path",
                            "required": True,
                            "schema": {
                                "type": "string",
                                "minLength": 1,
                                "maxLength": MAX_CHANNEL_LENGTH,
                                "pattern": NO_NUL,
                            },
                        },
                        {
                            "name": "consumerId",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": NO_NUL},
                        },
                        limit,
                        {
                            "name": "autoCommit",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "boolean", "default": True},
                        },
                    ],
                )
            },
            "/api/logs/commit": {
                "post": op(
                    "Commit a consumer's offset",
                    {"200": {"description": "Committed", "content": _json(_ref("Status"))}},
                    requestBody={"required": True, "content": _json(_ref("CommitRequest"))},
                )
            },
            "/api/logs/seek": {
                "post": op(
                    "Move a consumer's offset",
                    {"200": {"description": "Moved", "content": _json(_ref("SeekResult"))}},
                    requestBody={"required": True, "content": _json(_ref("SeekRequest"))},
                )
            },
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-KEY"}},
        },
    }
