"""The one error hierarchy: each error has a gRPC status, an HTTP status and a stable reason.

Messages are written for the caller and are safe to show; anything unexpected becomes
`Internal` with a generic message, so no internal detail ever leaves a process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import grpc


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


class DomainError(Exception):
    grpc_status: ClassVar[grpc.StatusCode] = grpc.StatusCode.UNKNOWN
    http_status: ClassVar[int] = 500
    default_reason: ClassVar[str] = "UNKNOWN"

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        violations: list[FieldViolation] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or self.default_reason
        self.violations = violations or []
        self.retry_after = retry_after


class InvalidArgument(DomainError):
    grpc_status = grpc.StatusCode.INVALID_ARGUMENT
    http_status = 400
    default_reason = "INVALID_ARGUMENT"


class Unauthenticated(DomainError):
    grpc_status = grpc.StatusCode.UNAUTHENTICATED
    http_status = 401
    default_reason = "UNAUTHENTICATED"


class PermissionDenied(DomainError):
    grpc_status = grpc.StatusCode.PERMISSION_DENIED
    http_status = 403
    default_reason = "PERMISSION_DENIED"


class NotFound(DomainError):
    grpc_status = grpc.StatusCode.NOT_FOUND
    http_status = 404
    default_reason = "NOT_FOUND"


class AlreadyExists(DomainError):
    grpc_status = grpc.StatusCode.ALREADY_EXISTS
    http_status = 409
    default_reason = "ALREADY_EXISTS"


class FailedPrecondition(DomainError):
    grpc_status = grpc.StatusCode.FAILED_PRECONDITION
    http_status = 409
    default_reason = "FAILED_PRECONDITION"


class Aborted(DomainError):
    grpc_status = grpc.StatusCode.ABORTED
    http_status = 409
    default_reason = "ABORTED"


class ResourceExhausted(DomainError):
    grpc_status = grpc.StatusCode.RESOURCE_EXHAUSTED
    http_status = 429
    default_reason = "RESOURCE_EXHAUSTED"


class Unavailable(DomainError):
    grpc_status = grpc.StatusCode.UNAVAILABLE
    http_status = 503
    default_reason = "UNAVAILABLE"


class DeadlineExceeded(DomainError):
    grpc_status = grpc.StatusCode.DEADLINE_EXCEEDED
    http_status = 504
    default_reason = "DEADLINE_EXCEEDED"


class Internal(DomainError):
    grpc_status = grpc.StatusCode.INTERNAL
    http_status = 500
    default_reason = "INTERNAL"


ERROR_BY_GRPC_STATUS: dict[grpc.StatusCode, type[DomainError]] = {
    cls.grpc_status: cls
    for cls in (
        InvalidArgument,
        Unauthenticated,
        PermissionDenied,
        NotFound,
        AlreadyExists,
        FailedPrecondition,
        Aborted,
        ResourceExhausted,
        Unavailable,
        DeadlineExceeded,
        Internal,
    )
}
