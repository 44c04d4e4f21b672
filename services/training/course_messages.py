"""Translation between the protobuf messages of institutions, courses, enrolments and trainee
archives and training's domain objects."""

from __future__ import annotations

from datetime import UTC

from jingzhun.training.v1 import training_pb2 as pb
from kit.clock import aware
from kit.paging import stamp
from services.training.archives_service import Archive, NewFollowUp, TraineeKey
from services.training.courses_service import CourseView, NewCourse
from services.training.enrolments_service import EnrolmentView
from services.training.institutions_service import InstitutionView, NewInstitution


def rating_message(rating: tuple[float, int]) -> pb.Rating:
    return pb.Rating(average=round(rating[0], 2), count=rating[1])


def new_institution(request: pb.ApplyInstitutionRequest) -> NewInstitution:
    return NewInstitution(
        name=request.name,
        county_code=request.county_code,
        contact=request.contact,
        description=request.description,
    )


def new_course(request: pb.PublishCourseRequest) -> NewCourse:
    return NewCourse(
        title=request.title,
        category=request.category,
        mode=request.mode,
        starts_at=request.starts_at.ToDatetime(tzinfo=UTC),
        ends_at=request.ends_at.ToDatetime(tzinfo=UTC),
        capacity=request.capacity,
        region_codes=tuple(request.region_codes),
    )


def institution_message(view: InstitutionView) -> pb.Institution:
    i = view.institution
    return pb.Institution(
        id=i.id,
        owner_user_id=i.owner_user_id,
        name=i.name,
        county_code=i.county_code,
        contact=i.contact,
        description=i.description,
        status=i.status,
        reason=i.reason,
        screened_by=i.screened_by,
        version=i.version,
        created_at=stamp(aware(i.created_at)),
        updated_at=stamp(aware(i.updated_at)),
        rating=rating_message(view.rating),
    )


def course_message(view: CourseView) -> pb.Course:
    c = view.course
    return pb.Course(
        id=c.id,
        institution_id=c.institution_id,
        institution_name=view.institution_name,
        county_code=c.county_code,
        title=c.title,
        category=c.category,
        mode=c.mode,
        starts_at=stamp(aware(c.starts_at)),
        ends_at=stamp(aware(c.ends_at)),
        capacity=c.capacity,
        enrolled=c.enrolled,
        waiting=view.waiting,
        region_codes=c.region_codes,
        created_at=stamp(aware(c.created_at)),
        rating=rating_message(view.rating),
    )


def enrolment_message(view: EnrolmentView) -> pb.Enrolment:
    e = view.enrolment
    return pb.Enrolment(
        id=e.id,
        course_id=e.course_id,
        user_id=e.user_id,
        household_id=e.household_id,
        trainee_name=e.trainee_name,
        trainee_role=e.trainee_role,
        region_code=e.region_code,
        status=e.status,
        waiting_position=view.waiting_position,
        attended_dates=e.attended_dates,
        course_rating=e.course_rating,
        institution_rating=e.institution_rating,
        enrolled_at=stamp(aware(e.enrolled_at)),
        completed_at=stamp(aware(e.completed_at)) if e.completed_at else None,
        certified_by=e.certified_by,
    )


def trainee_key(ref: pb.TraineeRef) -> TraineeKey:
    return TraineeKey(ref.user_id, ref.household_id, ref.trainee_name)


def new_follow_up(request: pb.RecordFollowUpRequest) -> NewFollowUp:
    amount = request.amount_yuan if request.HasField("amount_yuan") else None
    return NewFollowUp(request.kind, request.date, request.details, amount)


def archive_message(archive: Archive) -> pb.TraineeArchive:
    key = archive.trainee
    courses = [
        pb.ArchivedCourse(
            enrolment=enrolment_message(EnrolmentView(a.enrolment)),
            course_title=a.course.title,
            category=a.course.category,
            institution_name=a.institution_name,
            starts_at=stamp(aware(a.course.starts_at)),
            ends_at=stamp(aware(a.course.ends_at)),
        )
        for a in archive.courses
    ]
    follow_ups = [
        pb.FollowUp(
            id=f.id,
            kind=f.kind,
            date=f.happened_on,
            details=f.details,
            amount_yuan=f.amount_yuan,
            region_code=f.region_code,
            recorded_by=f.recorded_by,
            recorded_at=stamp(aware(f.recorded_at)),
        )
        for f in archive.follow_ups
    ]
    return pb.TraineeArchive(
        trainee=pb.TraineeRef(
            user_id=key.user_id, household_id=key.household_id, trainee_name=key.name
        ),
        courses=courses,
        completed=len(archive.completed),
        follow_ups=follow_ups,
    )
