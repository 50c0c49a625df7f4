"""One `POST /complaints/{id}/<action>` per catalogue command; each returns the updated case."""

from __future__ import annotations

from collections.abc import Callable
from inspect import Parameter, Signature
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from complaints_ledger.api.cases import CaseCommands
from complaints_ledger.api.deps import CaseId, CommandsDep
from complaints_ledger.api.models import CaseView
from complaints_ledger.api.problems import documented
from complaints_ledger.api.routes import SummaryRoute
from complaints_ledger.application.catalogue import CATALOGUE, CaseCommand
from complaints_ledger.application.catalogue.body import CommandBody
from complaints_ledger.inputs import Name

router = APIRouter(prefix="/complaints/{case_id}", tags=["case commands"], route_class=SummaryRoute)

ActionId = Annotated[Name, Path(description="The id the action was planned with.")]
RemedyId = Annotated[
    Name, Path(description="The remedy's id in the ombudsman's outcome (R1, R2...).")
]
PATH_PARAMETERS: dict[str, Any] = {"action_id": ActionId, "remedy_id": RemedyId}
COMMAND_PROBLEMS = documented(400, 401, 403, 404, 409, 413, 415, 422, 503)


def endpoint_for(command: CaseCommand[Any]) -> Callable[..., JSONResponse]:
    """A handler FastAPI reads as `name(case_id, <path ids>, body: <Body>, commands)`."""

    def endpoint(
        case_id: UUID, body: CommandBody, commands: CaseCommands, **path: str
    ) -> JSONResponse:
        return commands.run(case_id, command, body, path)

    def parameter(name: str, annotation: Any) -> Parameter:
        return Parameter(name, Parameter.KEYWORD_ONLY, annotation=annotation)

    endpoint.__signature__ = Signature(  # type: ignore[attr-defined]
        [
            parameter("case_id", CaseId),
            *(parameter(name, PATH_PARAMETERS[name]) for name in command.path_parameters),
            parameter("body", command.body),
            parameter("commands", CommandsDep),
        ],
        return_annotation=JSONResponse,
    )
    endpoint.__name__ = endpoint.__qualname__ = command.name
    endpoint.__doc__ = command.summary
    return endpoint


for _command in CATALOGUE:
    router.post(_command.path, response_model=CaseView, responses=COMMAND_PROBLEMS)(
        endpoint_for(_command)
    )
