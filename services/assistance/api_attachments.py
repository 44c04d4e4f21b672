"""AssistanceAttachmentService over gRPC: translates proto <-> use-cases and nothing else. Bytes
travel in chunks of `CHUNK_BYTES`, far below gRPC's message size limit."""

from __future__ import annotations

from collections.abc import AsyncIterator

from grpc.aio import ServicerContext

from jingzhun.assistance.v1 import attachments_pb2 as pb
from jingzhun.assistance.v1 import attachments_pb2_grpc
from kit.access import Access
from kit.errors import InvalidArgument
from kit.mapping import to_message
from kit.paging import stamp
from services.assistance.attachments_service import AttachmentsService, Upload
from services.assistance.models import Attachment

CHUNK_BYTES = 256 * 1024


def _exif(row: Attachment) -> pb.Exif | None:
    if row.kind != "image":
        return None
    exif = pb.Exif(
        latitude=row.exif_latitude,
        longitude=row.exif_longitude,
        distance_m=row.exif_distance_m,
    )
    if row.exif_taken_at is not None:
        exif.taken_at.CopyFrom(stamp(row.exif_taken_at))
    return exif


attachment_message = to_message(
    Attachment,
    pb.Attachment,
    subject=lambda row: pb.AttachmentSubject(kind=row.subject_kind, id=row.subject_id),
    has_thumbnail=lambda row: bool(row.thumbnail_key),
    exif=_exif,
    flags=lambda row: [flag for flag in row.flags.split(",") if flag],
)


async def _data(chunks: AsyncIterator[pb.UploadAttachmentChunk]) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        if not chunk.HasField("data"):
            raise InvalidArgument("only the first message has the header", reason="HEADER_FIRST")
        yield chunk.data


class AttachmentsApi(attachments_pb2_grpc.AssistanceAttachmentServiceServicer):
    def __init__(self, attachments: AttachmentsService, access: Access) -> None:
        self.attachments = attachments
        self._access = access

    async def UploadAttachment(
        self, request_iterator: AsyncIterator[pb.UploadAttachmentChunk], context: ServicerContext
    ) -> pb.Attachment:
        caller = self._access.caller("attachments", "create")
        chunks = aiter(request_iterator)
        first = await anext(chunks, None)
        if first is None or not first.HasField("header"):
            raise InvalidArgument("the first message must carry the header", reason="HEADER_FIRST")
        header = first.header
        upload = Upload(
            header.subject.kind,
            header.subject.id,
            header.file_name,
            header.declared_type,
            _data(chunks),
        )
        return attachment_message(await self.attachments.upload(caller, upload))

    async def ListAttachments(
        self, request: pb.ListAttachmentsRequest, context: ServicerContext
    ) -> pb.ListAttachmentsResponse:
        found = await self.attachments.list_attachments(
            self._access.caller("attachments", "read"), request.subject.kind, request.subject.id
        )
        return pb.ListAttachmentsResponse(attachments=[attachment_message(a) for a in found])

    async def ReadAttachment(
        self, request: pb.ReadAttachmentRequest, context: ServicerContext
    ) -> AsyncIterator[pb.AttachmentChunk]:
        row, data = await self.attachments.read(
            self._access.caller("attachments", "read"), request.id, request.thumbnail
        )
        yield pb.AttachmentChunk(attachment=attachment_message(row))
        for start in range(0, len(data), CHUNK_BYTES):
            yield pb.AttachmentChunk(data=data[start : start + CHUNK_BYTES])
