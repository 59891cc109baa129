from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LogRequest(_message.Message):
    __slots__ = ("channel", "level", "message", "meta", "storage")
    class MetaEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    META_FIELD_NUMBER: _ClassVar[int]
    STORAGE_FIELD_NUMBER: _ClassVar[int]
    channel: str
    level: str
    message: str
    meta: _containers.ScalarMap[str, str]
    storage: str
    def __init__(self, channel: _Optional[str] = ..., level: _Optional[str] = ..., message: _Optional[str] = ..., meta: _Optional[_Mapping[str, str]] = ..., storage: _Optional[str] = ...) -> None: ...

class LogResponse(_message.Message):
    __slots__ = ("status", "message")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    status: str
    message: str
    def __init__(self, status: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class SendLogsRequest(_message.Message):
    __slots__ = ("log_requests",)
    LOG_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    log_requests: _containers.RepeatedCompositeFieldContainer[LogRequest]
    def __init__(self, log_requests: _Optional[_Iterable[_Union[LogRequest, _Mapping]]] = ...) -> None: ...

class SendLogsResponse(_message.Message):
    __slots__ = ("status", "message")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    status: str
    message: str
    def __init__(self, status: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class ListLogsRequest(_message.Message):
    __slots__ = ("storage", "channel", "level", "fromTimestamp", "toTimestamp")
    STORAGE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    FROMTIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    TOTIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    storage: str
    channel: str
    level: str
    fromTimestamp: int
    toTimestamp: int
    def __init__(self, storage: _Optional[str] = ..., channel: _Optional[str] = ..., level: _Optional[str] = ..., fromTimestamp: _Optional[int] = ..., toTimestamp: _Optional[int] = ...) -> None: ...

class ListLogsResponse(_message.Message):
    __slots__ = ("logs",)
    LOGS_FIELD_NUMBER: _ClassVar[int]
    logs: _containers.RepeatedCompositeFieldContainer[LogEntry]
    def __init__(self, logs: _Optional[_Iterable[_Union[LogEntry, _Mapping]]] = ...) -> None: ...

class FetchLogsRequest(_message.Message):
    __slots__ = ("since", "channel", "limit", "storage", "consumerId")
    SINCE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    STORAGE_FIELD_NUMBER: _ClassVar[int]
    CONSUMERID_FIELD_NUMBER: _ClassVar[int]
    since: str
    channel: str
    limit: int
    storage: str
    consumerId: str
    def __init__(self, since: _Optional[str] = ..., channel: _Optional[str] = ..., limit: _Optional[int] = ..., storage: _Optional[str] = ..., consumerId: _Optional[str] = ...) -> None: ...

class FetchLogsResponse(_message.Message):
    __slots__ = ("logs",)
    LOGS_FIELD_NUMBER: _ClassVar[int]
    logs: _containers.RepeatedCompositeFieldContainer[LogEntry]
    def __init__(self, logs: _Optional[_Iterable[_Union[LogEntry, _Mapping]]] = ...) -> None: ...

class SeekRequest(_message.Message):
    __slots__ = ("channel", "consumerId", "operation", "logId", "storage")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONSUMERID_FIELD_NUMBER: _ClassVar[int]
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    LOGID_FIELD_NUMBER: _ClassVar[int]
    STORAGE_FIELD_NUMBER: _ClassVar[int]
    channel: str
    consumerId: str
    operation: str
    logId: int
    storage: str
    def __init__(self, channel: _Optional[str] = ..., consumerId: _Optional[str] = ..., operation: _Optional[str] = ..., logId: _Optional[int] = ..., storage: _Optional[str] = ...) -> None: ...

class SeekResponse(_message.Message):
    __slots__ = ("status", "message")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    status: str
    message: str
    def __init__(self, status: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class LogEntry(_message.Message):
    __slots__ = ("channel", "level", "message", "meta", "timestamp", "id")
    class MetaEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    META_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    channel: str
    level: str
    message: str
    meta: _containers.ScalarMap[str, str]
    timestamp: int
    id: int
    def __init__(self, channel: _Optional[str] = ..., level: _Optional[str] = ..., message: _Optional[str] = ..., meta: _Optional[_Mapping[str, str]] = ..., timestamp: _Optional[int] = ..., id: _Optional[int] = ...) -> None: ...
