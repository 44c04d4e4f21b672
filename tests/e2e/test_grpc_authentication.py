"""Every gRPC method of every service answers UNAUTHENTICATED to a call without a token, except
the few of kit.anonymous_methods (health, reflection, the calls that issue tokens): the walk
covers what each running server lists by reflection, so a method added later is covered too."""

from __future__ import annotations

import importlib

import grpc
import pytest
from google.protobuf import descriptor_pool, message_factory
from google.protobuf.descriptor import MethodDescriptor
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from devstack.platform import LocalPlatform
from jingzhun.identity.v1 import identity_pb2 as pb
from jingzhun.identity.v1 import identity_pb2_grpc
from kit.anonymous_methods import ANONYMOUS_METHODS

SERVICES = ("identity", "registry", "assistance", "training", "notification", "projects")
# The generated modules whose descriptors the servers register (imported for the pool).
MODULES = [f"jingzhun.{s}.v1.{s}_pb2" for s in SERVICES] + [
    "jingzhun.registry.v1.transfer_pb2",
    "jingzhun.registry.v1.villages_pb2",
    "jingzhun.registry.v1.helping_units_pb2",
    "jingzhun.assistance.v1.handbook_pb2",
    "jingzhun.assistance.v1.attachments_pb2",
    "jingzhun.assistance.v1.spot_checks_pb2",
    "jingzhun.registry.v1.assessment_basis_pb2",
    "jingzhun.assistance.v1.assessment_pb2",
    "jingzhun.projects.v1.progress_pb2",
    "jingzhun.projects.v1.funds_pb2",
    "jingzhun.registry.v1.boundaries_pb2",
]


def listed_services(channel: grpc.Channel) -> list[str]:
    reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
    (answer,) = reflection.ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")])
    )
    return [s.name for s in answer.list_services_response.service]


def call_without_token(channel: grpc.Channel, method: MethodDescriptor) -> grpc.StatusCode:
    path = f"/{method.containing_service.full_name}/{method.name}"
    request = message_factory.GetMessageClass(method.input_type)()
    kinds = {
        (False, False): channel.unary_unary,
        (False, True): channel.unary_stream,
        (True, False): channel.stream_unary,
        (True, True): channel.stream_stream,
    }
    invoke = kinds[(method.client_streaming, method.server_streaming)](
        path, request_serializer=lambda m: m.SerializeToString(), response_deserializer=bytes
    )
    argument = iter([request]) if method.client_streaming else request
    try:
        reply = invoke(argument, timeout=10)
        if method.server_streaming:
            list(reply)
    except grpc.RpcError as error:
        return error.code()
    return grpc.StatusCode.OK


def test_every_method_but_the_anonymous_ones_requires_a_token(platform: LocalPlatform) -> None:
    for module in MODULES:
        importlib.import_module(module)
    pool = descriptor_pool.Default()
    answered: dict[str, grpc.StatusCode] = {}
    anonymous_seen = set()
    for service in SERVICES:
        with grpc.insecure_channel(f"127.0.0.1:{platform.config.service_ports[service]}") as ch:
            for name in listed_services(ch):
                if name.startswith("grpc."):
                    anonymous_seen.update(m for m in ANONYMOUS_METHODS if name in m)
                    continue  # health and reflection: anonymous by design, above
                for method in pool.FindServiceByName(name).methods:
                    path = f"/{name}/{method.name}"
                    if path in ANONYMOUS_METHODS:
                        anonymous_seen.add(path)
                        continue
                    answered[path] = call_without_token(ch, method)
    refused = {p for p, code in answered.items() if code == grpc.StatusCode.UNAUTHENTICATED}
    assert sorted(set(answered) - refused) == []
    assert "/jingzhun.identity.v1.IdentityService/SyncRevocations" in refused
    assert "/jingzhun.identity.v1.IdentityService/GetAuthorizationPolicy" in refused
    assert "/jingzhun.registry.v1.RegistryService/GetPublicSummary" in refused
    assert len(refused) > 90  # every service's methods were walked
    assert anonymous_seen == ANONYMOUS_METHODS  # no exception is stale


@pytest.mark.parametrize("method", ["SyncRevocations", "GetAuthorizationPolicy"])
def test_a_persons_token_may_not_use_the_platforms_own_calls(
    platform: LocalPlatform, admin_token: str, method: str
) -> None:
    """Only the platform's service clients re-seed revocations and read the policy."""
    request = {
        "SyncRevocations": pb.SyncRevocationsRequest(),
        "GetAuthorizationPolicy": pb.GetAuthorizationPolicyRequest(),
    }[method]
    with grpc.insecure_channel(f"127.0.0.1:{platform.config.service_ports['identity']}") as ch:
        stub = identity_pb2_grpc.IdentityServiceStub(ch)
        with pytest.raises(grpc.RpcError) as raised:
            getattr(stub, method)(
                request, metadata=[("authorization", f"Bearer {admin_token}")], timeout=10
            )
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_the_public_pages_still_answer_without_a_login(api) -> None:  # type: ignore[no-untyped-def]
    """The gateway calls the public methods as its own client: no login is needed for them."""
    for path in ("/public/leader-notices", "/public/household-notices", "/public/project-notices"):
        notices = api.http.get(path)
        assert notices.status_code == 200, notices.text
    unknown = api.http.get("/public/households/0a1b.AAAAAAAA")
    assert unknown.status_code == 404, unknown.text
