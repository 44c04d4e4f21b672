"""Training courses and their trainees: an approved institution publishes a course; trainees
enrol (a waiting list when it is full, moving up on a cancellation), the institution records
attendance and certifies completion, and each trainee rates the course and institution once."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE, Day, Instant, ProtoModel, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.institutions import ObjectId, RatingOut
from gateway.routes.leaders import RegionCode
from jingzhun.training.v1 import training_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1", tags=["training"])

Category = Literal["planting_breeding", "e_commerce", "vocational_skills", "management", "other"]


class CourseIn(ProtoModel, proto=pb.PublishCourseRequest):
    title: str = Field(min_length=1, max_length=200)
    category: Category
    mode: Literal["online", "offline"]
    starts_at: Instant
    ends_at: Instant
    capacity: int = Field(ge=1, le=10_000)
    region_codes: list[Annotated[str, Field(pattern=REGION_CODE)]] = Field(
        min_length=1, max_length=200, description="whose people may enrol: within your county"
    )


class CourseOut(BaseModel):
    id: str
    institution_id: str
    institution_name: str
    county_code: str
    title: str
    category: str
    mode: str
    starts_at: Instant
    ends_at: Instant
    capacity: int
    enrolled: int
    waiting: int
    region_codes: list[str]
    created_at: Instant
    rating: RatingOut


class EnrolmentIn(RequestModel):
    household_id: str = Field(
        default="", pattern=r"^([0-9a-f]{1,64})?$", description="empty: you enrol yourself"
    )
    trainee_name: str = Field(default="", max_length=50, description="the household's member")


class EnrolmentActionIn(RequestModel):
    action: Literal["cancel", "complete"] = Field(
        description="cancel (the trainee) or complete (the institution certifies)"
    )


class AttendanceIn(RequestModel):
    date: Day


class RatingIn(ProtoModel, proto=pb.RateCourseRequest):
    course_rating: int = Field(ge=1, le=5)
    institution_rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)


class EnrolmentOut(BaseModel):
    id: str
    course_id: str
    user_id: str | None
    household_id: str | None
    trainee_name: str
    trainee_role: str
    region_code: str
    status: Literal["enrolled", "waiting", "cancelled", "completed"]
    waiting_position: int | None = Field(description="1: next to move up")
    attended_dates: list[str]
    course_rating: int | None
    institution_rating: int | None
    enrolled_at: Instant
    completed_at: Instant | None
    certified_by: str | None


course_out = from_message(pb.Course, CourseOut)


enrolment_out = from_message(pb.Enrolment, EnrolmentOut)


publish_course_message = to_message(CourseIn, pb.PublishCourseRequest)
act_on_enrolment_message = to_message(EnrolmentActionIn, pb.ActOnEnrolmentRequest, given=("id",))
record_attendance_message = to_message(AttendanceIn, pb.RecordAttendanceRequest, given=("id",))


@router.post(
    "/courses",
    status_code=201,
    response_model=CourseOut,
    responses=problem_responses(),
    summary="Publish a course (an approved institution)",
)
async def publish_course(
    body: CourseIn, request: Request, caller: Annotated[Caller, caller_for("courses", "publish")]
) -> JSONResponse:
    async def produce() -> CourseOut:
        message = publish_course_message(body)
        return course_out(await caller.call(caller.training.PublishCourse, message))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/courses",
    response_model=Page[CourseOut],
    responses=problem_responses(),
    summary="Courses: an institution's own; otherwise those of your county or territory",
)
async def list_courses(
    caller: Annotated[Caller, caller_for("courses", "read")],
    region_code: RegionCode = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListCoursesRequest(
        region_code=region_code, page_size=page_size, page_token=page_token
    )
    reply = await caller.call(caller.training.ListCourses, message)
    return ModelResponse(
        Page[CourseOut](
            items=[course_out(c) for c in reply.courses],
            next_page_token=reply.next_page_token or None,
        )
    )


@router.get(
    "/courses/{course_id}",
    response_model=CourseOut,
    responses=problem_responses(),
    summary="A course, its seats, waiting list and rating",
)
async def get_course(
    course_id: ObjectId, caller: Annotated[Caller, caller_for("courses", "read")]
) -> ModelResponse:
    return ModelResponse(
        course_out(await caller.call(caller.training.GetCourse, pb.GetCourseRequest(id=course_id)))
    )


@router.post(
    "/courses/{course_id}/enrolments",
    status_code=201,
    response_model=EnrolmentOut,
    responses=problem_responses(),
    summary="Enrol yourself, or a registry household's member (full: the waiting list)",
)
async def enrol(
    course_id: ObjectId,
    body: EnrolmentIn,
    request: Request,
    caller: Annotated[Caller, caller_for("courses", "enrol")],
) -> JSONResponse:
    async def produce() -> EnrolmentOut:
        message = pb.EnrolRequest(course_id=course_id, **body.model_dump())
        return enrolment_out(await caller.call(caller.training.Enrol, message))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/courses/{course_id}/enrolments",
    response_model=Page[EnrolmentOut],
    responses=problem_responses(),
    summary="A course's trainees (an officer: those of their territory; a trainee: their own)",
)
async def list_enrolments(
    course_id: ObjectId,
    caller: Annotated[Caller, caller_for("courses", "read")],
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListEnrolmentsRequest(
        course_id=course_id, page_size=page_size, page_token=page_token
    )
    reply = await caller.call(caller.training.ListEnrolments, message)
    return ModelResponse(
        Page[EnrolmentOut](
            items=[enrolment_out(e) for e in reply.enrolments],
            next_page_token=reply.next_page_token or None,
        )
    )


@router.post(
    "/enrolments/{enrolment_id}/actions",
    response_model=EnrolmentOut,
    responses=problem_responses(),
    summary="Cancel (the trainee; the first waiting moves up) or complete (the institution)",
)
async def act_on_enrolment(
    enrolment_id: ObjectId,
    body: EnrolmentActionIn,
    caller: Annotated[Caller, caller_for("courses", "read")],
) -> ModelResponse:
    message = act_on_enrolment_message(body, id=enrolment_id)
    return ModelResponse(enrolment_out(await caller.call(caller.training.ActOnEnrolment, message)))


@router.post(
    "/enrolments/{enrolment_id}/attendance",
    response_model=EnrolmentOut,
    responses=problem_responses(),
    summary="The institution records the trainee's attendance of a session (a day of the course)",
)
async def record_attendance(
    enrolment_id: ObjectId,
    body: AttendanceIn,
    caller: Annotated[Caller, caller_for("courses", "certify")],
) -> ModelResponse:
    message = record_attendance_message(body, id=enrolment_id)
    return ModelResponse(
        enrolment_out(await caller.call(caller.training.RecordAttendance, message))
    )


@router.post(
    "/enrolments/{enrolment_id}/rating",
    response_model=EnrolmentOut,
    responses=problem_responses(),
    summary="Rate the course and the institution, 1 to 5, once, after completing it",
)
async def rate_course(
    enrolment_id: ObjectId,
    body: RatingIn,
    caller: Annotated[Caller, caller_for("courses", "enrol")],
) -> ModelResponse:
    message = pb.RateCourseRequest(id=enrolment_id, **body.model_dump())
    return ModelResponse(enrolment_out(await caller.call(caller.training.RateCourse, message)))
