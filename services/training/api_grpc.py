"""TrainingService over gRPC: translates proto <-> use-cases and nothing else."""

from __future__ import annotations

from grpc.aio import ServicerContext

from jingzhun.training.v1 import training_pb2 as pb
from jingzhun.training.v1 import training_pb2_grpc
from kit.access import Access
from kit.clock import aware
from kit.paging import decode_token, encode_token, page_size, stamp
from services.training import repository as repo
from services.training.candidates_service import CandidatesService
from services.training.course_messages import (
    archive_message,
    course_message,
    enrolment_message,
    institution_message,
    new_course,
    new_follow_up,
    new_institution,
    trainee_key,
)
from services.training.enrolments_service import CourseUseCases
from services.training.leader_files_service import LeaderFilesService
from services.training.messages import (
    candidate_message,
    coverage_message,
    new_candidate,
    notice_message,
    policy_of,
)
from services.training.notices_service import NoticesService


class TrainingApi(training_pb2_grpc.TrainingServiceServicer):
    def __init__(
        self,
        candidates: CandidatesService,
        notices: NoticesService,
        files: LeaderFilesService,
        access: Access,
        courses: CourseUseCases,
    ) -> None:
        self.candidates = candidates
        self.notices = notices
        self.files = files
        self._access = access
        self.courses = courses

    async def RegisterCandidate(
        self, request: pb.RegisterCandidateRequest, context: ServicerContext
    ) -> pb.Candidate:
        caller = self._access.caller("leaders", "register")
        return candidate_message(await self.candidates.register(caller, new_candidate(request)))

    async def GetCandidate(
        self, request: pb.GetCandidateRequest, context: ServicerContext
    ) -> pb.Candidate:
        caller = self._access.caller("leaders", "read")
        return candidate_message(await self.candidates.get(caller, request.id))

    async def ListCandidates(
        self, request: pb.ListCandidatesRequest, context: ServicerContext
    ) -> pb.ListCandidatesResponse:
        limit = page_size(request.page_size)
        wanted = repo.CandidateFilter(region_code=request.region_code, status=request.status)
        views = await self.candidates.list_candidates(
            self._access.caller("leaders", "read"),
            wanted,
            after_id=decode_token(request.page_token),
            limit=limit,
        )
        next_token = encode_token(views[-1].candidate.id) if len(views) == limit else ""
        return pb.ListCandidatesResponse(
            candidates=[candidate_message(v) for v in views], next_page_token=next_token
        )

    async def ActOnCandidate(
        self, request: pb.ActOnCandidateRequest, context: ServicerContext
    ) -> pb.Candidate:
        view = await self.candidates.act(
            self._access.caller("leaders", "review"),
            request.id,
            request.action,
            request.note,
            request.expected_version,
        )
        return candidate_message(view)

    async def ResolveObjection(
        self, request: pb.ResolveObjectionRequest, context: ServicerContext
    ) -> pb.Candidate:
        view = await self.notices.resolve(
            self._access.caller("leaders", "review"),
            request.candidate_id,
            request.objection_id,
            request.upheld,
            request.resolution,
        )
        return candidate_message(view)

    async def AddLedHousehold(
        self, request: pb.AddLedHouseholdRequest, context: ServicerContext
    ) -> pb.Candidate:
        view = await self.files.add_household(
            self._access.caller("leaders", "update"),
            request.candidate_id,
            request.household_id,
            request.how,
            request.note,
        )
        return candidate_message(view)

    async def RecordLeaderPolicy(
        self, request: pb.RecordLeaderPolicyRequest, context: ServicerContext
    ) -> pb.Candidate:
        view = await self.files.record_policy(
            self._access.caller("leaders", "update"),
            request.candidate_id,
            policy_of(request.policy),
        )
        return candidate_message(view)

    async def ListVillagesWithoutLeader(
        self, request: pb.ListVillagesWithoutLeaderRequest, context: ServicerContext
    ) -> pb.ListVillagesWithoutLeaderResponse:
        coverage = await self.files.villages_without_leader(
            self._access.caller("leaders", "read"), request.region_code
        )
        return coverage_message(coverage)

    async def ListPublicNotices(
        self, request: pb.ListPublicNoticesRequest, context: ServicerContext
    ) -> pb.ListPublicNoticesResponse:
        limit = page_size(request.page_size)
        notices = await self.notices.running(
            request.region_code, after_id=decode_token(request.page_token), limit=limit
        )
        next_token = encode_token(notices[-1].notice_id) if len(notices) == limit else ""
        return pb.ListPublicNoticesResponse(
            notices=[notice_message(n) for n in notices], next_page_token=next_token
        )

    async def LodgeObjection(
        self, request: pb.LodgeObjectionRequest, context: ServicerContext
    ) -> pb.LodgeObjectionResponse:
        objection = await self.notices.lodge(request.candidate_id, request.text, request.contact)
        return pb.LodgeObjectionResponse(
            objection_id=objection.id, lodged_at=stamp(aware(objection.lodged_at))
        )

    async def ApplyInstitution(
        self, request: pb.ApplyInstitutionRequest, context: ServicerContext
    ) -> pb.Institution:
        caller = self._access.caller("institutions", "apply")
        view = await self.courses.institutions.apply(caller, new_institution(request))
        return institution_message(view)

    async def GetInstitution(
        self, request: pb.GetInstitutionRequest, context: ServicerContext
    ) -> pb.Institution:
        caller = self._access.caller("institutions", "read")
        return institution_message(await self.courses.institutions.get(caller, request.id))

    async def ListInstitutions(
        self, request: pb.ListInstitutionsRequest, context: ServicerContext
    ) -> pb.ListInstitutionsResponse:
        limit = page_size(request.page_size)
        views = await self.courses.institutions.list_institutions(
            self._access.caller("institutions", "read"),
            request.region_code,
            request.status,
            decode_token(request.page_token),
            limit,
        )
        next_token = encode_token(views[-1].institution.id) if len(views) == limit else ""
        return pb.ListInstitutionsResponse(
            institutions=[institution_message(v) for v in views], next_page_token=next_token
        )

    async def ScreenInstitution(
        self, request: pb.ScreenInstitutionRequest, context: ServicerContext
    ) -> pb.Institution:
        view = await self.courses.institutions.screen(
            self._access.caller("institutions", "screen"),
            request.id,
            request.approve,
            request.reason,
            request.expected_version,
        )
        return institution_message(view)

    async def PublishCourse(
        self, request: pb.PublishCourseRequest, context: ServicerContext
    ) -> pb.Course:
        caller = self._access.caller("courses", "publish")
        return course_message(await self.courses.courses.publish(caller, new_course(request)))

    async def GetCourse(self, request: pb.GetCourseRequest, context: ServicerContext) -> pb.Course:
        caller = self._access.caller("courses", "read")
        return course_message(await self.courses.courses.get(caller, request.id))

    async def ListCourses(
        self, request: pb.ListCoursesRequest, context: ServicerContext
    ) -> pb.ListCoursesResponse:
        limit = page_size(request.page_size)
        views = await self.courses.courses.list_courses(
            self._access.caller("courses", "read"),
            request.region_code,
            decode_token(request.page_token),
            limit,
        )
        next_token = encode_token(views[-1].course.id) if len(views) == limit else ""
        return pb.ListCoursesResponse(
            courses=[course_message(v) for v in views], next_page_token=next_token
        )

    async def Enrol(self, request: pb.EnrolRequest, context: ServicerContext) -> pb.Enrolment:
        view = await self.courses.enrolments.enrol(
            self._access.caller("courses", "enrol"),
            request.course_id,
            request.household_id,
            request.trainee_name,
        )
        return enrolment_message(view)

    async def ListEnrolments(
        self, request: pb.ListEnrolmentsRequest, context: ServicerContext
    ) -> pb.ListEnrolmentsResponse:
        limit = page_size(request.page_size)
        views = await self.courses.enrolments.list_enrolments(
            self._access.caller("courses", "read"),
            request.course_id,
            decode_token(request.page_token),
            limit,
        )
        next_token = encode_token(views[-1].enrolment.id) if len(views) == limit else ""
        return pb.ListEnrolmentsResponse(
            enrolments=[enrolment_message(v) for v in views], next_page_token=next_token
        )

    async def ActOnEnrolment(
        self, request: pb.ActOnEnrolmentRequest, context: ServicerContext
    ) -> pb.Enrolment:
        permission = "certify" if request.action == "complete" else "enrol"
        caller = self._access.caller("courses", permission)
        return enrolment_message(
            await self.courses.enrolments.act(caller, request.id, request.action)
        )

    async def RecordAttendance(
        self, request: pb.RecordAttendanceRequest, context: ServicerContext
    ) -> pb.Enrolment:
        caller = self._access.caller("courses", "certify")
        return enrolment_message(
            await self.courses.enrolments.attend(caller, request.id, request.date)
        )

    async def RateCourse(
        self, request: pb.RateCourseRequest, context: ServicerContext
    ) -> pb.Enrolment:
        view = await self.courses.enrolments.rate(
            self._access.caller("courses", "enrol"),
            request.id,
            request.course_rating,
            request.institution_rating,
            request.comment,
        )
        return enrolment_message(view)

    async def GetTraineeArchive(
        self, request: pb.GetTraineeArchiveRequest, context: ServicerContext
    ) -> pb.TraineeArchive:
        caller = self._access.caller("courses", "read")
        archive = await self.courses.archives.get(caller, trainee_key(request.trainee))
        return archive_message(archive)

    async def RecordFollowUp(
        self, request: pb.RecordFollowUpRequest, context: ServicerContext
    ) -> pb.TraineeArchive:
        archive = await self.courses.archives.follow_up(
            self._access.caller("courses", "follow_up"),
            trainee_key(request.trainee),
            new_follow_up(request),
        )
        return archive_message(archive)
