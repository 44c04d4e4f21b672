"""Translation between identity's protobuf messages and its domain objects."""

from __future__ import annotations

import json
from typing import cast

from jingzhun.identity.v1 import identity_pb2 as pb
from kit.clock import utcnow
from kit.id_numbers import mask_mobile
from kit.paging import stamp
from services.identity.auth_service import TokenGrant
from services.identity.contacts_service import Contact
from services.identity.domain import is_platform_client
from services.identity.models import Client, DivisionChangeRecord
from services.identity.region_tree import RegionNode
from services.identity.user_service import UserView


def token_response(grant: TokenGrant) -> pb.TokenResponse:
    return pb.TokenResponse(
        access_token=grant.access_token,
        token_type="Bearer",
        expires_in=grant.expires_in,
        refresh_token=grant.refresh_token,
        scopes=grant.scopes,
        must_change_password=grant.must_change_password,
    )


def contact_message(contact: Contact) -> pb.Contact:
    return pb.Contact(
        user_id=contact.user_id,
        mobile=contact.mobile,
        name=contact.name,
        region_code=contact.region_code,
    )


def user_message(view: UserView, *, reveal_mobile: bool = False) -> pb.User:
    user = view.user
    return pb.User(
        id=user.id,
        mobile=user.mobile if reveal_mobile else mask_mobile(user.mobile),
        name=user.name,
        region_code=user.region_code,
        roles=view.roles,
        disabled=user.disabled,
        must_change_password=user.must_change_password,
        locked=user.locked_until is not None and user.locked_until > utcnow(),
        created_at=stamp(user.created_at),
        updated_at=stamp(user.updated_at),
    )


def client_message(client: Client) -> pb.Client:
    return pb.Client(
        client_id=client.client_id,
        name=client.name,
        region_code=client.region_code,
        scopes=client.scopes.split(),
        disabled=client.disabled,
        created_at=stamp(client.created_at),
        requests_per_minute=client.requests_per_minute or 0,
        platform=is_platform_client(client.client_id),
    )


def region_message(node: RegionNode, ancestors: list[RegionNode]) -> pb.Region:
    return pb.Region(
        code=node.code,
        name=node.name,
        level=cast("pb.RegionLevel.ValueType", node.level),
        parent_code=node.parent_code or "",
        ancestors=[
            pb.RegionRef(code=a.code, name=a.name, level=cast("pb.RegionLevel.ValueType", a.level))
            for a in ancestors
        ],
        child_count=len(node.children),
        retired=node.retired,
        successor_code=node.successor_code or "",
    )


def change_message(record: DivisionChangeRecord) -> pb.DivisionChange:
    return pb.DivisionChange(
        id=record.id,
        kind=record.kind,
        reason=record.reason,
        steps=[
            pb.DivisionStep(old_code=o, new_code=n, new_name=name)
            for o, n, name in json.loads(record.steps_json)
        ],
        retire_codes=json.loads(record.retire_codes_json),
        effective_date=record.effective_date,
        actor_id=record.actor_id,
        applied_at=stamp(record.applied_at),
        regions_recoded=record.regions_recoded,
        users_moved=record.users_moved,
    )
