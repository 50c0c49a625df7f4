"""Dependencies of the route handlers, as `Annotated` aliases that keep signatures short.

FastAPI runs each plain `def` dependency in a worker thread; those that never block are `async
def`, so a request hops to a thread only for work that waits on the store."""

from __future__ import annotations

from typing import Annotated, cast
from uuid import UUID

import structlog
from fastapi import Depends, Header, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from complaints_ledger.access import Policy, Principal, TokenStore
from complaints_ledger.api import idempotency
from complaints_ledger.api.cases import CaseCommands, CaseReader, RequestContext
from complaints_ledger.api.metrics import Metrics
from complaints_ledger.api.problems import ApiProblemError
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.inputs import Name

bearer = HTTPBearer(
    auto_error=False,
    description="A token from `complaints-ledger token create --org ORG --role ROLE`.",
)


async def get_ledger(request: Request) -> ComplaintsLedger:
    return cast("ComplaintsLedger", request.app.state.store.ledger)


async def get_policy(request: Request) -> Policy:
    return cast("Policy", request.app.state.store.policy)


async def get_tokens(request: Request) -> TokenStore:
    return cast("TokenStore", request.app.state.store.tokens)


async def get_metrics(request: Request) -> Metrics:
    return cast("Metrics", request.app.state.metrics)


LedgerDep = Annotated[ComplaintsLedger, Depends(get_ledger)]
PolicyDep = Annotated[Policy, Depends(get_policy)]
TokensDep = Annotated[TokenStore, Depends(get_tokens)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]


def get_principal(
    tokens: TokensDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller, from `Authorization: Bearer <token>`; 401 when missing, unknown, revoked or
    expired."""
    if credentials is None:
        raise unauthorized("send Authorization: Bearer <token>", "")
    principal = tokens.authenticate(credentials.credentials)
    if principal is None:
        raise unauthorized("the token is unknown, revoked or expired", ' error="invalid_token"')
    structlog.contextvars.bind_contextvars(
        principal=principal.principal, organisation=principal.organisation
    )
    return principal


def unauthorized(detail: str, challenge: str) -> ApiProblemError:
    return ApiProblemError(
        401,
        "unauthorized",
        "Unauthorized",
        detail,
        field="Authorization",
        headers={"WWW-Authenticate": f'Bearer realm="complaints-ledger"{challenge}'},
    )


PrincipalDep = Annotated[Principal, Depends(get_principal)]

CaseId = Annotated[UUID, Path(description="The case id (a UUID).")]

Purpose = Annotated[
    Name | None,
    Header(alias="Purpose", description="Why the case is being read; kept in the access record."),
]
ReturnedPurpose = Annotated[
    Name | None,
    Header(
        alias="Purpose",
        description="Why the case this returns is read; kept in the access record "
        "(default: 'case work: <command>').",
    ),
]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=64,
        description='The version the change is based on, as the ETag gave it ("3").',
    ),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=idempotency.HEADER,
        pattern=idempotency.KEY_PATTERN,
        description="Retries with the same key and body return the first response.",
    ),
]


async def request_context(
    request: Request,
    ledger: LedgerDep,
    policy: PolicyDep,
    principal: PrincipalDep,
    metrics: MetricsDep,
) -> RequestContext:
    return RequestContext(request, ledger, policy, principal, metrics)


ContextDep = Annotated[RequestContext, Depends(request_context)]


async def case_reader(context: ContextDep, purpose: Purpose = None) -> CaseReader:
    return CaseReader(context, purpose)


async def case_commands(
    context: ContextDep,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
    purpose: ReturnedPurpose = None,
) -> CaseCommands:
    return CaseCommands(context, if_match, idempotency_key, purpose)


async def complaint_receiver(
    context: ContextDep, idempotency_key: IdempotencyKey = None, purpose: ReturnedPurpose = None
) -> CaseCommands:
    return CaseCommands(context, None, idempotency_key, purpose)  # a new case: no version


ReaderDep = Annotated[CaseReader, Depends(case_reader)]
CommandsDep = Annotated[CaseCommands, Depends(case_commands)]
ReceiverDep = Annotated[CaseCommands, Depends(complaint_receiver)]
