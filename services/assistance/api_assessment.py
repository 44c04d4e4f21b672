"""AssistanceAssessmentService over gRPC: translates proto <-> the assessment's use-cases."""

from __future__ import annotations

from grpc.aio import ServicerContext

from jingzhun.assistance.v1 import assessment_pb2 as pb
from jingzhun.assistance.v1 import assessment_pb2_grpc
from kit.access import Access
from kit.mapping import to_message
from services.assistance.assessment_scoring import Ranking
from services.assistance.assessment_service import Assessment, AssessmentService, CircularView
from services.assistance.models import Circular

ranking_message = to_message(Ranking, pb.Ranking)
assessment_message = to_message(
    Assessment,
    pb.Assessment,
    period=lambda found: found.period.name,
    from_=lambda found: found.period.since,
    to=lambda found: found.period.until,
)
circular_row_message = to_message(Circular, pb.Circular, given=("rankings",))


def circular_message(view: CircularView) -> pb.Circular:
    return circular_row_message(view.circular, rankings=[ranking_message(r) for r in view.rankings])


class AssessmentApi(assessment_pb2_grpc.AssistanceAssessmentServiceServicer):
    def __init__(self, assessment: AssessmentService, access: Access) -> None:
        self.assessment = assessment
        self._caller = access.caller

    async def GetAssessment(
        self, request: pb.GetAssessmentRequest, context: ServicerContext
    ) -> pb.Assessment:
        found = await self.assessment.assess(
            self._caller("assessment", "read"), request.region_code, request.period
        )
        return assessment_message(found)

    async def IssueCircular(
        self, request: pb.IssueCircularRequest, context: ServicerContext
    ) -> pb.Circular:
        issued = await self.assessment.issue(
            self._caller("assessment", "issue"), request.region_code, request.period
        )
        return circular_message(issued)

    async def ListCirculars(
        self, request: pb.ListCircularsRequest, context: ServicerContext
    ) -> pb.ListCircularsResponse:
        found = await self.assessment.circulars(
            self._caller("assessment", "read"), request.region_code
        )
        return pb.ListCircularsResponse(circulars=[circular_message(c) for c in found])
