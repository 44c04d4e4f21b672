"""Attachments (附件): photos, small videos and documents uploaded to a visit, a work log, a
need or an alert (multipart), their content sniffed by assistance (the declared name and type
are not trusted); each subject's list, and the file and a photo's thumbnail served back only
to callers whose scope holds the subject — to anyone else they do not exist."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import Instant
from gateway.params import HexId
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.assistance.v1 import attachments_pb2 as pb
from kit.errors import DomainError, Internal, InvalidArgument
from kit.mapping import from_message

router = APIRouter(prefix="/api/v1", tags=["attachments"])

CHUNK_BYTES = 256 * 1024
SUBJECT_KINDS = {
    "visits": "visit",
    "work-logs": "work_log",
    "needs": "need",
    "alerts": "alert",
    "measures": "measure",
    "spot-check-findings": "spot_check_finding",
}
Subjects = Literal["visits", "work-logs", "needs", "alerts", "measures", "spot-check-findings"]
# GATEWAY_MAX_ATTACHMENT_BYTES: the largest file (a 30 MB video) and its multipart envelope.
UPLOAD_PATH = re.compile(rf"^/api/v1/({'|'.join(SUBJECT_KINDS)})/[^/]+/attachments$")
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}},
    **problem_responses(),
}


class UnsupportedMediaType(DomainError):
    http_status = 415


class ContentTooLarge(DomainError):
    http_status = 413


# Assistance's refusals of a file's content, answered with the HTTP status that names them.
REFUSALS: dict[str, type[DomainError]] = {
    "UNSUPPORTED_MEDIA_TYPE": UnsupportedMediaType,
    "FILE_TOO_LARGE": ContentTooLarge,
}


def refused_content(refused: InvalidArgument) -> DomainError:
    """A service's refusal of a file's content as the HTTP status that names it (415, 413);
    any other refusal as it came."""
    refusal = REFUSALS.get(refused.reason)
    if refusal is None:
        return refused
    return refusal(refused.message, reason=refused.reason, violations=refused.violations)


class SubjectOut(BaseModel):
    kind: str = Field(description="visit | work_log | need | alert")
    id: str


class ExifOut(BaseModel):
    latitude: float | None = Field(description="where the photo says it was taken")
    longitude: float | None
    taken_at: Instant | None = Field(description="when the photo says it was taken")
    distance_m: float | None = Field(description="from the subject's check-in, when both known")


class AttachmentOut(BaseModel):
    id: str
    subject: SubjectOut
    household_id: str
    village_code: str
    file_name: str
    content_type: str = Field(description="found from the content, not the declared type")
    declared_type: str
    kind: str = Field(description="image | video | document")
    size_bytes: int
    sha256: str
    has_thumbnail: bool
    exif: ExifOut | None = Field(description="photos only")
    flags: list[str] = Field(description="no_exif | exif_far | exif_time_off")
    uploaded_by: str
    created_at: Instant
    url: str
    thumbnail_url: str | None


class AttachmentList(BaseModel):
    items: list[AttachmentOut]


attachment_out = from_message(
    pb.Attachment,
    AttachmentOut,
    exif=lambda a: from_message(pb.Exif, ExifOut)(a.exif) if a.HasField("exif") else None,
    url=lambda a: f"/api/v1/attachments/{a.id}",
    thumbnail_url=lambda a: f"/api/v1/attachments/{a.id}/thumbnail" if a.has_thumbnail else None,
)


def subject(subjects: str, subject_id: str) -> pb.AttachmentSubject:
    return pb.AttachmentSubject(kind=SUBJECT_KINDS[subjects], id=subject_id)


async def chunks_of(header: pb.UploadHeader, file: UploadFile) -> AsyncIterator[Any]:
    yield pb.UploadAttachmentChunk(header=header)
    while data := await file.read(CHUNK_BYTES):
        yield pb.UploadAttachmentChunk(data=data)


def disposition(file_name: str) -> str:
    """`attachment` with an ASCII name for every client and the real one (RFC 6266)."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", file_name) or "attachment"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


async def served(caller: Caller, attachment_id: str, thumbnail: bool) -> StreamingResponse:
    """The record is awaited before answering, so a refusal is still a problem response."""
    request = pb.ReadAttachmentRequest(id=attachment_id, thumbnail=thumbnail)
    chunks = caller.stream(caller.attachments.ReadAttachment, request)
    first = await anext(chunks, None)
    if first is None or not first.HasField("attachment"):
        raise Internal("the attachment's record did not come first")
    found = first.attachment
    name = f"{found.file_name.rsplit('.', 1)[0]}-thumbnail.jpg" if thumbnail else found.file_name

    async def body() -> AsyncIterator[bytes]:
        async for chunk in chunks:
            yield chunk.data

    return StreamingResponse(
        body(),
        media_type="image/jpeg" if thumbnail else found.content_type,
        headers={
            "Content-Disposition": disposition(name),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


@router.post(
    "/{subjects}/{subject_id}/attachments",
    status_code=201,
    response_model=AttachmentOut,
    responses=problem_responses(413, 415),
    summary="Attach a photo (JPEG, PNG, WebP ≤ 10 MB), an MP4 video (≤ 30 MB) or a PDF",
    description="The content decides the type: a file named .jpg that is a PDF is kept as a PDF; "
    "anything else (HTML, SVG, an executable...) is a 415, a file over its limit a 413, and "
    "nothing is kept. A photo's EXIF place and time are compared with the subject's check-in "
    "(flags `no_exif`, `exif_far`, `exif_time_off`); its thumbnail is served without EXIF.",
)
async def upload_attachment(
    subjects: Subjects,
    subject_id: HexId,
    caller: Annotated[Caller, caller_for("attachments", "create")],
    file: Annotated[UploadFile, File(description="the photo, video or document")],
) -> ModelResponse:
    header = pb.UploadHeader(
        subject=subject(subjects, subject_id),
        file_name=file.filename or "",
        declared_type=file.content_type or "",
    )
    try:
        found = await caller.upload(caller.attachments.UploadAttachment, chunks_of(header, file))
    except InvalidArgument as refused:
        raise refused_content(refused) from None
    return ModelResponse(attachment_out(found), status_code=201)


@router.get(
    "/{subjects}/{subject_id}/attachments",
    response_model=AttachmentList,
    responses=problem_responses(),
    summary="A visit's, work log's, need's or alert's attachments, oldest first",
)
async def list_attachments(
    subjects: Subjects,
    subject_id: HexId,
    caller: Annotated[Caller, caller_for("attachments", "read")],
) -> ModelResponse:
    request = pb.ListAttachmentsRequest(subject=subject(subjects, subject_id))
    reply = await caller.call(caller.attachments.ListAttachments, request)
    return ModelResponse(AttachmentList(items=[attachment_out(a) for a in reply.attachments]))


@router.get(
    "/attachments/{attachment_id}",
    responses=FILE_RESPONSES,
    response_class=StreamingResponse,
    summary="The attached file, with the content type found at upload, as a download",
)
async def get_attachment(
    attachment_id: HexId, caller: Annotated[Caller, caller_for("attachments", "read")]
) -> StreamingResponse:
    return await served(caller, attachment_id, thumbnail=False)


@router.get(
    "/attachments/{attachment_id}/thumbnail",
    responses={200: {"content": {"image/jpeg": {}}}, **problem_responses()},
    response_class=StreamingResponse,
    summary="A photo's thumbnail: a JPEG of at most 320 px, without EXIF",
)
async def get_attachment_thumbnail(
    attachment_id: HexId, caller: Annotated[Caller, caller_for("attachments", "read")]
) -> StreamingResponse:
    return await served(caller, attachment_id, thumbnail=True)
