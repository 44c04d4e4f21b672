"""IdentityService over gRPC: translates proto <-> use-cases and nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC

from grpc.aio import ServicerContext

from jingzhun.identity.v1 import identity_pb2 as pb
from jingzhun.identity.v1 import identity_pb2_grpc
from kit.errors import InvalidArgument, PermissionDenied
from kit.paging import decode_number_token, decode_token, encode_token, page_size, stamp
from kit.principal import USER, Principal, require_principal
from services.identity.audit_service import AuditService
from services.identity.auth_service import AuthService
from services.identity.client_service import ClientService
from services.identity.contacts_service import ContactsService
from services.identity.domain import AuditFilters
from services.identity.messages import (
    change_message,
    client_message,
    contact_message,
    region_message,
    token_response,
    user_message,
)
from services.identity.region_service import DivisionRequest, RegionService
from services.identity.user_service import UserChanges, UserService


class IdentityApi(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(
        self,
        auth: AuthService,
        users: UserService,
        clients: ClientService,
        regions: RegionService,
        audit: AuditService,
        *,
        contacts: ContactsService,
    ) -> None:
        self.contacts = contacts
        self.auth, self.users, self.clients, self.regions, self.audit = (
            auth,
            users,
            clients,
            regions,
            audit,
        )

    def _caller(self, resource: str, action: str) -> Principal:
        """Defence in depth: the gateway checked the function already; check it again here."""
        caller = require_principal()
        if caller.must_change_password:
            raise PermissionDenied(
                "change your initial password first", reason="PASSWORD_CHANGE_REQUIRED"
            )
        self.auth.c.authorizer.require(caller, resource, action)
        return caller

    # ------------------------------------------------------------------ tokens

    async def Authenticate(
        self, request: pb.AuthenticateRequest, context: ServicerContext
    ) -> pb.TokenResponse:
        return token_response(
            await self.auth.authenticate(request.mobile, request.password, request.client_ip)
        )

    async def RefreshToken(
        self, request: pb.RefreshTokenRequest, context: ServicerContext
    ) -> pb.TokenResponse:
        return token_response(await self.auth.refresh(request.refresh_token, request.client_ip))

    async def AuthenticateClient(
        self, request: pb.AuthenticateClientRequest, context: ServicerContext
    ) -> pb.TokenResponse:
        grant = await self.auth.authenticate_client(
            request.client_id, request.client_secret, list(request.scopes), request.client_ip
        )
        return token_response(grant)

    async def Logout(
        self, request: pb.LogoutRequest, context: ServicerContext
    ) -> pb.LogoutResponse:
        await self.auth.logout(require_principal())
        return pb.LogoutResponse()

    async def ChangePassword(
        self, request: pb.ChangePasswordRequest, context: ServicerContext
    ) -> pb.TokenResponse:
        grant = await self.auth.change_password(
            require_principal(), request.current_password, request.new_password
        )
        return token_response(grant)

    async def SyncRevocations(
        self, request: pb.SyncRevocationsRequest, context: ServicerContext
    ) -> pb.SyncRevocationsResponse:
        self._caller("revocations", "sync")
        users, sessions = await self.auth.sync_revocations()
        return pb.SyncRevocationsResponse(users=users, sessions=sessions)

    # ------------------------------------------------------------------ users

    async def CreateUser(
        self, request: pb.CreateUserRequest, context: ServicerContext
    ) -> pb.CreateUserResponse:
        view, password = await self.users.create(
            self._caller("users", "create"),
            request.mobile,
            request.name,
            request.region_code,
            list(request.roles),
        )
        return pb.CreateUserResponse(user=user_message(view), initial_password=password)

    async def GetUser(self, request: pb.GetUserRequest, context: ServicerContext) -> pb.User:
        caller = self._caller("users", "read")
        view = await self.users.get(caller, request.id)
        return user_message(view, reveal_mobile=view.user.id == caller.subject)

    async def GetCurrentUser(
        self, request: pb.GetCurrentUserRequest, context: ServicerContext
    ) -> pb.User:
        caller = require_principal()
        if caller.kind != USER:
            raise InvalidArgument("an integrator client is not a user", reason="NOT_A_USER")
        return user_message(await self.users.get(caller, caller.subject), reveal_mobile=True)

    async def ListUsers(
        self, request: pb.ListUsersRequest, context: ServicerContext
    ) -> pb.ListUsersResponse:
        limit = page_size(request.page_size)
        views = await self.users.list_users(
            self._caller("users", "read"),
            region_code=request.region_code,
            role=request.role,
            include_disabled=request.include_disabled,
            after_id=decode_token(request.page_token),
            limit=limit,
            ids=list(request.ids),
        )
        next_token = encode_token(views[-1].user.id) if len(views) == limit else ""
        return pb.ListUsersResponse(
            users=[user_message(v) for v in views], next_page_token=next_token
        )

    async def ListContacts(
        self, request: pb.ListContactsRequest, context: ServicerContext
    ) -> AsyncIterator[pb.ContactPage]:
        pages = self.contacts.contacts(
            self._caller("users", "contact"),
            user_ids=list(request.user_ids),
            role=request.role,
            region_code=request.region_code,
            page_size=request.page_size,
        )
        async for page in pages:
            yield pb.ContactPage(contacts=[contact_message(c) for c in page])

    async def UpdateUser(self, request: pb.UpdateUserRequest, context: ServicerContext) -> pb.User:
        changes = UserChanges(
            name=request.name if request.HasField("name") else None,
            disabled=request.disabled if request.HasField("disabled") else None,
            roles=list(request.roles) if request.replace_roles else None,
            region_code=request.region_code if request.HasField("region_code") else None,
        )
        return user_message(
            await self.users.update(self._caller("users", "update"), request.id, changes)
        )

    async def ResetPassword(
        self, request: pb.ResetPasswordRequest, context: ServicerContext
    ) -> pb.ResetPasswordResponse:
        password = await self.users.reset_password(self._caller("users", "update"), request.id)
        return pb.ResetPasswordResponse(initial_password=password)

    # ------------------------------------------------------------------ clients

    async def CreateClient(
        self, request: pb.CreateClientRequest, context: ServicerContext
    ) -> pb.CreateClientResponse:
        client, secret = await self.clients.create(
            self._caller("clients", "create"),
            request.name,
            request.region_code,
            list(request.scopes),
            request.requests_per_minute,
        )
        return pb.CreateClientResponse(client=client_message(client), client_secret=secret)

    async def ListClients(
        self, request: pb.ListClientsRequest, context: ServicerContext
    ) -> pb.ListClientsResponse:
        limit = page_size(request.page_size)
        found = await self.clients.list_clients(
            self._caller("clients", "read"),
            request.region_code,
            decode_token(request.page_token),
            limit,
        )
        next_token = encode_token(found[-1].client_id) if len(found) == limit else ""
        return pb.ListClientsResponse(
            clients=[client_message(c) for c in found], next_page_token=next_token
        )

    async def DisableClient(
        self, request: pb.DisableClientRequest, context: ServicerContext
    ) -> pb.Client:
        return client_message(
            await self.clients.disable(self._caller("clients", "update"), request.client_id)
        )

    async def UpdateClient(
        self, request: pb.UpdateClientRequest, context: ServicerContext
    ) -> pb.Client:
        quota = request.requests_per_minute if request.HasField("requests_per_minute") else None
        return client_message(
            await self.clients.update(self._caller("clients", "update"), request.client_id, quota)
        )

    # ------------------------------------------------------------------ territory

    async def GetRegion(self, request: pb.GetRegionRequest, context: ServicerContext) -> pb.Region:
        node = self.regions.visible(self._caller("regions", "read"), request.code)
        return region_message(node, self.regions.c.regions.ancestors(node.code))

    async def BatchGetRegions(
        self, request: pb.BatchGetRegionsRequest, context: ServicerContext
    ) -> pb.BatchGetRegionsResponse:
        found = self.regions.named(self._caller("regions", "read"), list(request.codes))
        return pb.BatchGetRegionsResponse(regions=[region_message(n, []) for n in found])

    async def ListRegions(
        self, request: pb.ListRegionsRequest, context: ServicerContext
    ) -> pb.ListRegionsResponse:
        limit = page_size(request.page_size)
        found = self.regions.children(
            self._caller("regions", "read"),
            request.parent_code,
            request.name_prefix,
            decode_token(request.page_token) or "",
            limit,
        )
        next_token = encode_token(found[-1].code) if len(found) == limit else ""
        return pb.ListRegionsResponse(
            regions=[region_message(n, []) for n in found], next_page_token=next_token
        )

    async def ApplyDivisionChange(
        self, request: pb.ApplyDivisionChangeRequest, context: ServicerContext
    ) -> pb.DivisionChange:
        change = DivisionRequest(
            kind=request.kind,
            reason=request.reason,
            steps=[(s.old_code, s.new_code, s.new_name) for s in request.steps],
            retire_codes=list(request.retire_codes),
            effective_date=request.effective_date,
        )
        return change_message(
            await self.regions.apply_change(self._caller("regions", "change"), change)
        )

    async def ListDivisionChanges(
        self, request: pb.ListDivisionChangesRequest, context: ServicerContext
    ) -> pb.ListDivisionChangesResponse:
        self._caller("regions", "read")
        limit = page_size(request.page_size)
        found = await self.regions.list_changes(decode_number_token(request.page_token), limit)
        next_token = encode_token(str(found[-1].seq)) if len(found) == limit else ""
        return pb.ListDivisionChangesResponse(
            changes=[change_message(c) for c in found], next_page_token=next_token
        )

    # ------------------------------------------------------------------ policy and audit

    async def GetAuthorizationPolicy(
        self, request: pb.GetAuthorizationPolicyRequest, context: ServicerContext
    ) -> pb.AuthorizationPolicy:
        self._caller("policy", "read")
        authorizer = self.auth.c.authorizer
        return pb.AuthorizationPolicy(
            model=authorizer.model,
            version=authorizer.version,
            rules=[pb.PolicyRule(role=r, resource=res, action=a) for r, res, a in authorizer.rules],
            grants=[pb.GrantRule(granter_role=g, grantable_role=r) for g, r in authorizer.grants],
        )

    async def ListAuditRecords(
        self, request: pb.ListAuditRecordsRequest, context: ServicerContext
    ) -> pb.ListAuditRecordsResponse:
        limit = page_size(request.page_size)
        before = decode_number_token(request.page_token)
        filters = AuditFilters(
            service=request.service,
            action=request.action,
            actor_id=request.actor_id,
            target_id=request.target_id,
            since=request.since.ToDatetime(UTC) if request.HasField("since") else None,
            until=request.until.ToDatetime(UTC) if request.HasField("until") else None,
        )
        records = await self.audit.list_records(
            self._caller("audit", "read"),
            region_code=request.region_code,
            filters=filters,
            before_id=before,
            limit=limit,
        )
        next_token = encode_token(str(records[-1].id)) if len(records) == limit else ""
        return pb.ListAuditRecordsResponse(
            records=[
                pb.AuditRecord(
                    id=str(r.id),
                    at=stamp(r.at),
                    actor_id=r.actor_id,
                    action=r.action,
                    target_id=r.target_id,
                    region_code=r.region_code,
                    detail=r.detail,
                    client_ip=r.client_ip,
                    service=r.service,
                    hash=r.hash,
                )
                for r in records
            ],
            next_page_token=next_token,
        )
