"""Domain errors across gRPC: rich status (google.rpc ErrorInfo, BadRequest, RetryInfo) out of
a service, and back into the same `DomainError` class on the calling side."""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from kit.errors import ERROR_BY_GRPC_STATUS, DomainError, FieldViolation, Internal

DOMAIN = "jingzhun"


def _pack(message) -> any_pb2.Any:  # type: ignore[no-untyped-def]
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


def to_grpc_status(error: DomainError) -> grpc.Status:
    status = status_pb2.Status(code=error.grpc_status.value[0], message=error.message)
    status.details.append(_pack(error_details_pb2.ErrorInfo(reason=error.reason, domain=DOMAIN)))
    if error.violations:
        status.details.append(
            _pack(
                error_details_pb2.BadRequest(
                    field_violations=[
                        error_details_pb2.BadRequest.FieldViolation(
                            field=v.field, description=v.description
                        )
                        for v in error.violations
                    ]
                )
            )
        )
    if error.retry_after is not None:
        status.details.append(
            _pack(
                error_details_pb2.RetryInfo(
                    retry_delay=duration_pb2.Duration(seconds=error.retry_after)
                )
            )
        )
    return rpc_status.to_status(status)


def from_rpc_error(exc: grpc.aio.AioRpcError) -> DomainError:
    """The DomainError a failed call stands for; transport failures become `Unavailable`."""
    code = exc.code()
    cls = ERROR_BY_GRPC_STATUS.get(code)
    if cls is None:
        return Internal("internal error")
    status = rpc_status.from_call(exc)  # type: ignore[arg-type]
    if status is None:
        if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
            return cls("a service the request depends on is unavailable")
        return cls(exc.details() or code.name.lower())
    reason, violations, retry_after = None, [], None
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason = info.reason
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            violations = [FieldViolation(v.field, v.description) for v in bad.field_violations]
        elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            info_retry = error_details_pb2.RetryInfo()
            detail.Unpack(info_retry)
            retry_after = info_retry.retry_delay.seconds
    return cls(status.message, reason=reason, violations=violations, retry_after=retry_after)
