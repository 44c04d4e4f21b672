"""Translation between identity's protobuf messages and its domain objects."""

from __future__ import annotations

import json

from jingzhun.identity.v1 import identity_pb2 as pb
from kit.clock import utcnow
from kit.id_numbers import mask_mobile
from kit.mapping import to_message
from services.identity.auth_service import TokenGrant
from services.identity.contacts_service import Contact
from services.identity.domain import is_platform_client
from services.identity.models import Client, DivisionChangeRecord, User
from services.identity.region_tree import RegionNode
from services.identity.user_service import UserView

token_response = to_message(TokenGrant, pb.TokenResponse, token_type=lambda grant: "Bearer")
contact_message = to_message(Contact, pb.Contact)
user_row_message = to_message(User, pb.User, given=("mobile", "roles", "locked"))


def user_message(view: UserView, *, reveal_mobile: bool = False) -> pb.User:
    user = view.user
    return user_row_message(
        user,
        mobile=user.mobile if reveal_mobile else mask_mobile(user.mobile),
        roles=view.roles,
        locked=user.locked_until is not None and user.locked_until > utcnow(),
    )


client_message = to_message(
    Client,
    pb.Client,
    scopes=lambda client: client.scopes.split(),
    platform=lambda client: is_platform_client(client.client_id),
)
region_ref = to_message(RegionNode, pb.RegionRef)
region_node_message = to_message(
    RegionNode, pb.Region, given=("ancestors",), child_count=lambda node: len(node.children)
)


def region_message(node: RegionNode, ancestors: list[RegionNode]) -> pb.Region:
    return region_node_message(node, ancestors=[region_ref(a) for a in ancestors])


change_message = to_message(
    DivisionChangeRecord,
    pb.DivisionChange,
    steps=lambda record: [
        pb.DivisionStep(old_code=o, new_code=n, new_name=name)
        for o, n, name in json.loads(record.steps_json)
    ],
    retire_codes=lambda record: json.loads(record.retire_codes_json),
)
