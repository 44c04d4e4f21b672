"""Translation between the protobuf messages of institutions, courses, enrolments and trainee
archives and training's domain objects."""

from __future__ import annotations

from jingzhun.training.v1 import training_pb2 as pb
from kit.clock import aware
from kit.mapping import from_message, to_message
from kit.paging import stamp
from services.training.archives_service import Archive, NewFollowUp, TraineeKey
from services.training.courses_service import CourseView, NewCourse
from services.training.enrolments_service import EnrolmentView
from services.training.institutions_service import InstitutionView, NewInstitution
from services.training.models import Course, Enrolment, FollowUp, Institution


def rating_message(rating: tuple[float, int]) -> pb.Rating:
    return pb.Rating(average=round(rating[0], 2), count=rating[1])


new_institution = from_message(pb.ApplyInstitutionRequest, NewInstitution)
new_course = from_message(pb.PublishCourseRequest, NewCourse)
institution_row_message = to_message(Institution, pb.Institution, given=("rating",))


def institution_message(view: InstitutionView) -> pb.Institution:
    return institution_row_message(view.institution, rating=rating_message(view.rating))


course_row_message = to_message(Course, pb.Course, given=("institution_name", "waiting", "rating"))


def course_message(view: CourseView) -> pb.Course:
    return course_row_message(
        view.course,
        institution_name=view.institution_name,
        waiting=view.waiting,
        rating=rating_message(view.rating),
    )


enrolment_row_message = to_message(Enrolment, pb.Enrolment, given=("waiting_position",))


def enrolment_message(view: EnrolmentView) -> pb.Enrolment:
    return enrolment_row_message(view.enrolment, waiting_position=view.waiting_position)


trainee_key = from_message(pb.TraineeRef, TraineeKey, name=lambda ref: ref.trainee_name)
new_follow_up = from_message(pb.RecordFollowUpRequest, NewFollowUp)
follow_up_message = to_message(FollowUp, pb.FollowUp, date=lambda f: f.happened_on)


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
    follow_ups = [follow_up_message(f) for f in archive.follow_ups]
    return pb.TraineeArchive(
        trainee=pb.TraineeRef(
            user_id=key.user_id, household_id=key.household_id, trainee_name=key.name
        ),
        courses=courses,
        completed=len(archive.completed),
        follow_ups=follow_ups,
    )
