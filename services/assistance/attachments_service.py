"""Use-cases of attachments (附件): a caller who may see a visit, work log, need or alert uploads
a photo, small video or document to it; the content decides its type (sniffed, never the
declared name), its size limit and, for a photo, the EXIF place and time compared with the
subject's check-in, and a thumbnail without EXIF. The bytes go to the object store, the record
(with the file's sha256) to the database with the audit of the upload; they are served back
only to callers whose scope holds the subject's household or village.

A new kind of subject is one entry of `SUBJECTS`: how to find it and where it belongs."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit.clock import aware
from kit.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from kit.file_content import LARGEST, read_limited, safe_name
from kit.object_store import ObjectStore
from kit.principal import Principal
from kit.scope import Scope
from services.assistance import attachment_repository as repo
from services.assistance.attachment_content import PhotoFacts, photo_facts
from services.assistance.components import Components
from services.assistance.domain import distance_m
from services.assistance.events import SERVICE
from services.assistance.models import (
    Alert,
    Attachment,
    Measure,
    Need,
    Plan,
    SpotCheckFinding,
    SpotCheckHousehold,
    Visit,
    WorkLog,
)
from services.assistance.registry_view import RegistryView


@dataclass(frozen=True)
class Subject:
    """Where a subject belongs, and its check-in when it has one."""

    household_id: str  # "" for a village's record (a work log)
    village_code: str
    point: tuple[float, float] | None = None
    at: datetime | None = None


Resolver = Callable[[AsyncSession, str], Awaitable[Subject | None]]


async def _visit(session: AsyncSession, visit_id: str) -> Subject | None:
    visit = await session.get(Visit, visit_id)
    if visit is None:
        return None
    point = (visit.latitude, visit.longitude)
    return Subject(visit.household_id, visit.village_code, point, aware(visit.visited_at))


async def _work_log(session: AsyncSession, log_id: str) -> Subject | None:
    log = await session.get(WorkLog, log_id)
    return None if log is None else Subject("", log.village_code)


async def _need(session: AsyncSession, need_id: str) -> Subject | None:
    need = await session.get(Need, need_id)
    return None if need is None else Subject(need.household_id, need.village_code)


async def _alert(session: AsyncSession, alert_id: str) -> Subject | None:
    alert = await session.get(Alert, alert_id)
    return None if alert is None else Subject(alert.household_id, alert.village_code)


async def _measure(session: AsyncSession, measure_id: str) -> Subject | None:
    """A handbook measure belongs where its plan's household does."""
    measure = await session.get(Measure, measure_id)
    plan = None if measure is None else await session.get(Plan, measure.plan_id)
    return None if plan is None else Subject(plan.household_id, plan.village_code)


async def _finding(session: AsyncSession, finding_id: str) -> Subject | None:
    """A spot check's finding belongs where its sampled household does."""
    finding = await session.get(SpotCheckFinding, finding_id)
    if finding is None:
        return None
    sampled = await session.get(SpotCheckHousehold, (finding.spot_check_id, finding.household_id))
    return None if sampled is None else Subject(finding.household_id, sampled.village_code)


SUBJECTS: dict[str, Resolver] = {
    "visit": _visit,
    "work_log": _work_log,
    "need": _need,
    "alert": _alert,
    "measure": _measure,
    "spot_check_finding": _finding,
}


def not_found() -> NotFound:
    return NotFound("attachment not found", reason="ATTACHMENT_NOT_FOUND")


def visible(scope: Scope, village_code: str, household_id: str) -> bool:
    """A household's record in the caller's scope (a helper: their pairings); a village's
    record in their territory, never to a caller who sees only pairings."""
    if household_id:
        return scope.covers(village_code, household_id)
    return not scope.is_paired_only and scope.covers_region(village_code)


@dataclass(frozen=True)
class Upload:
    subject_kind: str
    subject_id: str
    file_name: str
    declared_type: str
    chunks: AsyncIterator[bytes]


def exif_flags(
    facts: PhotoFacts, subject: Subject, max_distance_m: float, max_hours: float
) -> tuple[list[str], float | None]:
    """no_exif, exif_far (beyond the visit distance limit from the check-in), exif_time_off
    (taken more than `max_hours` from the check-in), and the distance when both are known."""
    if not facts.has_exif:
        return ["no_exif"], None
    flags, distance = [], None
    if subject.point is not None and facts.latitude is not None and facts.longitude is not None:
        distance = distance_m(facts.latitude, facts.longitude, *subject.point)
        if distance > max_distance_m:
            flags.append("exif_far")
    if subject.at is not None and facts.taken_at is not None:
        if abs(facts.taken_at - subject.at) > timedelta(hours=max_hours):
            flags.append("exif_time_off")
    return flags, distance


class AttachmentsService:
    def __init__(
        self,
        components: Components,
        registry: RegistryView,
        store: ObjectStore,
        exif_max_hours: float,
    ) -> None:
        self.c = components
        self.registry = registry
        self.store = store
        self.exif_max_hours = exif_max_hours

    async def _subject(self, caller: Principal, kind: str, subject_id: str) -> Subject:
        resolver = SUBJECTS.get(kind)
        if resolver is None:
            raise InvalidArgument(
                f"attachments belong to one of: {', '.join(SUBJECTS)}",
                reason="UNKNOWN_SUBJECT_KIND",
                violations=[FieldViolation("subject.kind", ", ".join(SUBJECTS))],
            )
        scope = await self.registry.scope(caller)
        async with self.c.db.read_only() as session:
            subject = await resolver(session, subject_id)
        if subject is None or not visible(scope, subject.village_code, subject.household_id):
            raise NotFound(f"{kind.replace('_', ' ')} not found", reason="SUBJECT_NOT_FOUND")
        return subject

    async def upload(self, caller: Principal, upload: Upload) -> Attachment:
        subject = await self._subject(caller, upload.subject_kind, upload.subject_id)
        async with self.c.db.read_only() as session:
            count = await repo.count_of_subject(session, upload.subject_kind, upload.subject_id)
        if count >= repo.SUBJECT_LIMIT:
            raise FailedPrecondition(
                f"a {upload.subject_kind} has at most {repo.SUBJECT_LIMIT} attachments",
                reason="TOO_MANY_ATTACHMENTS",
            )
        data, kind = await read_limited(upload.chunks)
        attachment_id = uuid.uuid4().hex
        attachment = Attachment(
            id=attachment_id,
            subject_kind=upload.subject_kind,
            subject_id=upload.subject_id,
            household_id=subject.household_id,
            village_code=subject.village_code,
            file_name=safe_name(upload.file_name, kind),
            content_type=kind.content_type,
            declared_type=upload.declared_type[:100],
            kind=kind.kind,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            object_key=f"attachments/{attachment_id}/original.{kind.extension}",
            uploaded_by=caller.subject,
            created_at=self.c.clock(),
        )
        thumbnail = b""
        if kind.kind == "image":
            facts = await asyncio.to_thread(photo_facts, data)
            flags, distance = exif_flags(
                facts, subject, self.c.visit_max_distance_m, self.exif_max_hours
            )
            attachment.exif_latitude, attachment.exif_longitude = facts.latitude, facts.longitude
            attachment.exif_taken_at, attachment.exif_distance_m = facts.taken_at, distance
            attachment.flags = ",".join(flags)
            attachment.thumbnail_key = f"attachments/{attachment_id}/thumbnail.jpg"
            thumbnail = facts.thumbnail
        await self._store(attachment, data, thumbnail, caller)
        return attachment

    async def _store(
        self, attachment: Attachment, data: bytes, thumbnail: bytes, caller: Principal
    ) -> None:
        """The bytes first, then the record: a record never names missing bytes, and bytes
        whose record failed are removed again."""
        keys = [attachment.object_key] + ([attachment.thumbnail_key] if thumbnail else [])
        try:
            await self.store.put(attachment.object_key, data, attachment.content_type)
            if thumbnail:
                await self.store.put(attachment.thumbnail_key, thumbnail, "image/jpeg")
            async with self.c.db.unit_of_work() as session:
                session.add(attachment)
                audit.record(
                    session,
                    SERVICE,
                    actor_id=caller.actor_id,
                    action="attachment.upload",
                    target_id=attachment.id,
                    region_code=attachment.village_code,
                    detail={
                        "subject": f"{attachment.subject_kind}:{attachment.subject_id}",
                        "household_id": attachment.household_id,
                        "content_type": attachment.content_type,
                        "size_bytes": attachment.size_bytes,
                        "sha256": attachment.sha256,
                        "flags": attachment.flags,
                    },
                    at=attachment.created_at,
                )
        except BaseException:
            for key in keys:
                await self.store.delete(key)
            raise

    async def list_attachments(
        self, caller: Principal, subject_kind: str, subject_id: str
    ) -> list[Attachment]:
        await self._subject(caller, subject_kind, subject_id)
        async with self.c.db.read_only() as session:
            return list(await repo.subject_attachments(session, subject_kind, subject_id))

    async def read(
        self, caller: Principal, attachment_id: str, thumbnail: bool
    ) -> tuple[Attachment, bytes]:
        """The attachment and its bytes (or its thumbnail's); out of scope: not found."""
        scope = await self.registry.scope(caller)
        async with self.c.db.read_only() as session:
            found = await repo.get_attachment(session, attachment_id)
        if found is None or not visible(scope, found.village_code, found.household_id):
            raise not_found()
        key = found.thumbnail_key if thumbnail else found.object_key
        if not key:
            raise NotFound("this attachment has no thumbnail", reason="NO_THUMBNAIL")
        return found, await self.store.get(key, max(found.size_bytes, LARGEST))
