"""Users: delegated administration within the caller's subtree."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE, Instant, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId
from gateway.params import RegionCode as RegionQuery
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.identity.v1 import identity_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1/users", tags=["users"])

RegionCode = Annotated[str, Field(pattern=REGION_CODE, examples=["370102001001"])]
UserId = HexId
# Users named on a page (the console's assignees, actors, helpers): one call per page.
UserIds = Annotated[
    list[Annotated[str, Field(max_length=64, pattern=r"^[0-9a-f]+$")]] | None,
    Query(
        alias="id",
        max_length=200,
        description="only these users (repeat the parameter; at most 200): those out of the "
        "subtree are left out",
    ),
]


class UserOut(BaseModel):
    id: str
    mobile: str = Field(description="masked (138****5678) except on your own account")
    name: str
    region_code: str
    roles: list[str]
    disabled: bool
    must_change_password: bool
    locked: bool
    created_at: Instant
    updated_at: Instant


class UserCreate(RequestModel):
    mobile: str = Field(pattern=r"^\d{11}$", examples=["13912345678"])
    name: str = Field(min_length=1, max_length=64)
    region_code: RegionCode
    roles: list[str] = Field(min_length=1, max_length=10)


class UserCreated(BaseModel):
    user: UserOut
    initial_password: str = Field(description="one-time: the user must change it at first login")


class UserUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=64)
    disabled: bool | None = None
    roles: list[str] | None = Field(default=None, min_length=1, max_length=10)
    region_code: RegionCode | None = None


class PasswordReset(BaseModel):
    initial_password: str


user_out = from_message(pb.User, UserOut)
created_out = from_message(pb.CreateUserResponse, UserCreated)
create_message = to_message(UserCreate, pb.CreateUserRequest)
update_message = to_message(
    UserUpdate,
    pb.UpdateUserRequest,
    given=("id",),
    replace_roles=lambda body: body.roles is not None,
)


@router.post(
    "",
    status_code=201,
    response_model=UserCreated,
    responses=problem_responses(),
    summary="Create a user",
)
async def create_user(
    body: UserCreate,
    request: Request,
    caller: Annotated[Caller, caller_for("users", "create")],
) -> JSONResponse:
    async def produce() -> UserCreated:
        reply = await caller.call(caller.identity.CreateUser, create_message(body))
        return created_out(reply)

    return await respond_once(request, caller, 201, produce)


@router.get(
    "", response_model=Page[UserOut], responses=problem_responses(), summary="Users of a subtree"
)
async def list_users(
    caller: Annotated[Caller, caller_for("users", "read")],
    region_code: RegionQuery = "",
    role: Annotated[str, Query(max_length=40)] = "",
    include_disabled: bool = False,
    page_size: PageSize = 50,
    page_token: PageToken = "",
    ids: UserIds = None,
) -> ModelResponse:
    message = pb.ListUsersRequest(
        region_code=region_code,
        role=role,
        include_disabled=include_disabled,
        page_size=page_size,
        page_token=page_token,
        ids=ids or [],
    )
    reply = await caller.call(caller.identity.ListUsers, message)
    return ModelResponse(
        Page[UserOut](
            items=[user_out(u) for u in reply.users], next_page_token=reply.next_page_token or None
        )
    )


@router.get("/{user_id}", response_model=UserOut, responses=problem_responses(), summary="One user")
async def get_user(
    user_id: UserId, caller: Annotated[Caller, caller_for("users", "read")]
) -> ModelResponse:
    return ModelResponse(
        user_out(await caller.call(caller.identity.GetUser, pb.GetUserRequest(id=user_id)))
    )


@router.patch(
    "/{user_id}",
    response_model=UserOut,
    responses=problem_responses(),
    summary="Edit, disable or re-role",
)
async def update_user(
    user_id: UserId,
    body: UserUpdate,
    caller: Annotated[Caller, caller_for("users", "update")],
) -> ModelResponse:
    message = update_message(body, id=user_id)
    return ModelResponse(user_out(await caller.call(caller.identity.UpdateUser, message)))


@router.post(
    "/{user_id}/password-reset",
    response_model=PasswordReset,
    responses=problem_responses(),
    summary="Issue a new one-time password",
)
async def reset_password(
    user_id: UserId,
    request: Request,
    caller: Annotated[Caller, caller_for("users", "update")],
) -> JSONResponse:
    async def produce() -> PasswordReset:
        reply = await caller.call(
            caller.identity.ResetPassword, pb.ResetPasswordRequest(id=user_id)
        )
        return PasswordReset(initial_password=reply.initial_password)

    return await respond_once(request, caller, 200, produce)
