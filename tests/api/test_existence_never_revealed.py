"""A case's existence is never revealed: over every route of the OpenAPI schema that names a
tenant-owned id, for every role of another organisation, another organisation's id gets the
very answer an unknown id gets (a 404 problem with the same type, title and field).

Each request carries a minimal valid body built from the schema, so the answer comes from the
route, not from body validation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from complaints_ledger.api import create_app
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.privacy import SubjectRole, subject_id_for
from complaints_ledger.domain.registry import OrganisationKind, access_log_id, organisation_id
from complaints_ledger.domain.values import Actor, Ombudsman, Regulator, Role
from complaints_ledger.settings import Settings
from tests.builders import bearer, complaint_body

COUNCIL, OTHER = "Northshire Council", "Southshire Council"
OTHER_HEALTHWATCH, OTHER_OMBUDSMAN = "Healthwatch Southshire", "Public Services Ombudsman Wales"
OTHER_REGULATOR = "Care Inspectorate Wales"
START = datetime(2026, 6, 1, 9, tzinfo=UTC)  # Monday 1 June 2026
AS_OF = (START + timedelta(hours=3)).isoformat()
ACTION_ID, REMEDY_ID = "A1", "R1"
TENANT_IDS = ("case_id", "subject_id")
ORGANISATIONS = (
    (COUNCIL, OrganisationKind.COUNCIL, None),
    (OTHER, OrganisationKind.COUNCIL, None),
    (OTHER_HEALTHWATCH, OrganisationKind.HEALTHWATCH, None),
    (OTHER_OMBUDSMAN, OrganisationKind.OMBUDSMAN, Ombudsman.PSOW),
    (OTHER_REGULATOR, OrganisationKind.REGULATOR, Regulator.CIW),
)
CALLER_ORGANISATION = {
    Role.HEALTHWATCH: OTHER_HEALTHWATCH,
    Role.OMBUDSMAN: OTHER_OMBUDSMAN,
    Role.REGULATOR: OTHER_REGULATOR,
}
CALLERS = sorted(set(Role) - {Role.SYSTEM})
SAMPLE_STRINGS = {"date": "2026-06-03", "date-time": (START + timedelta(days=1)).isoformat()}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    body: dict[str, Any] | None
    query: tuple[str, ...]

    @property
    def tenant_id(self) -> str:
        return next(name for name in TENANT_IDS if f"{{{name}}}" in self.path)

    def url(self, tenant_id: UUID) -> str:
        return self.path.format(
            **{self.tenant_id: tenant_id, "action_id": ACTION_ID, "remedy_id": REMEDY_ID}
        )


@dataclass(frozen=True)
class Tenant:
    """Northshire's case, its complainant, and the ids of other aggregates that are not cases."""

    client: TestClient
    case_id: UUID
    operations: list[Operation]

    def others(self, name: str) -> dict[str, UUID]:
        """Ids another organisation may not learn anything about, by what they are."""
        if name == "subject_id":
            return {"its complainant": subject_id_for(self.case_id, SubjectRole.COMPLAINANT)}
        return {
            "its case": self.case_id,
            "its organisation's record": organisation_id(COUNCIL),
            "its case's access log": access_log_id(self.case_id),
        }


def minimal(schema: dict[str, Any], components: dict[str, Any]) -> Any:  # noqa: PLR0911 - one per JSON type
    """The smallest instance of a JSON schema (required properties only)."""
    if "$ref" in schema:
        return minimal(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if "anyOf" in schema:
        chosen = next(s for s in schema["anyOf"] if s.get("type") != "null")
        return minimal(chosen, components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: minimal(properties[name], components) for name in schema.get("required", [])}
    if kind == "array":
        return [minimal(schema["items"], components)] * schema.get("minItems", 0)
    if kind == "string":
        return SAMPLE_STRINGS.get(
            schema.get("format", ""), "x" * max(schema.get("minLength", 1), 1)
        )
    if kind in {"integer", "number"}:
        return int(schema.get("minimum", 1))
    return True


def tenant_operations(openapi: dict[str, Any]) -> list[Operation]:
    components = openapi["components"]["schemas"]
    found = []
    for path, methods in openapi["paths"].items():
        if not any(f"{{{name}}}" in path for name in TENANT_IDS):
            continue
        for method, spec in methods.items():
            body = spec.get("requestBody", {}).get("content", {}).get("application/json")
            query = tuple(p["name"] for p in spec.get("parameters", []) if p["in"] == "query")
            found.append(
                Operation(
                    method.upper(),
                    path,
                    minimal(body["schema"], components) if body else None,
                    query,
                )
            )
    return found


@pytest.fixture
def tenant(store_url: str) -> Iterator[Tenant]:
    clock = lambda: START + timedelta(days=2)  # noqa: E731 - a fixed ledger clock
    app = create_app(Settings(store=store_url, snapshot_interval=0), clock=clock)
    with TestClient(app) as client:
        ledger: ComplaintsLedger = app.state.store.ledger
        register(ledger)
        officer = bearer(app.state.store.tokens, Role.OFFICER, COUNCIL)
        created = client.post("/complaints", json=new_complaint(), headers=officer)
        assert created.status_code == 201, created.text
        case_id = UUID(created.json()["id"])
        action = {"action_id": ACTION_ID, "description": "d", "owner": "o", "due_on": "2026-09-30"}
        planned = client.post(f"/complaints/{case_id}/actions", json=action, headers=officer)
        assert planned.status_code == 200, planned.text
        assert client.get(f"/complaints/{case_id}", headers=officer).status_code == 200
        yield Tenant(client, case_id, tenant_operations(app.openapi()))


def register(ledger: ComplaintsLedger) -> None:
    admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
    for name, kind, body in ORGANISATIONS:
        if isinstance(body, Regulator):
            ledger.register_organisation(admin, name=name, kind=kind, regulator_body=body)
        else:
            ledger.register_organisation(admin, name=name, kind=kind, ombudsman_body=body)


def new_complaint() -> dict[str, Any]:
    return complaint_body(
        COUNCIL,
        received_at=START.isoformat(),
        about={"organisation": COUNCIL, "service": "home care"},
        complainant={"name": "Canary Person"},
        summary="Carers missed four visits.",
    )


def answer(response: Response) -> tuple[Any, ...]:
    problem = response.json()
    return (
        response.status_code,
        response.headers["Content-Type"],
        problem.get("type"),
        problem.get("title"),
        problem.get("field"),
    )


def call(tenant: Tenant, operation: Operation, tenant_id: UUID, **request: Any) -> Response:
    return tenant.client.request(
        operation.method, operation.url(tenant_id), json=operation.body, **request
    )


def test_every_route_with_a_tenant_id_is_covered(tenant: Tenant) -> None:
    paths = {(o.method, o.path) for o in tenant.operations}
    assert len(paths) >= 30
    assert ("POST", "/subjects/{subject_id}/erasure") in paths
    assert ("GET", "/complaints/{case_id}/bundle") in paths


@pytest.mark.parametrize("role", CALLERS)
def test_another_organisations_ids_answer_like_unknown_ones(tenant: Tenant, role: Role) -> None:
    app = tenant.client.app
    headers = bearer(app.state.store.tokens, role, CALLER_ORGANISATION.get(role, OTHER))  # type: ignore[attr-defined]
    differences = []
    for operation in tenant.operations:
        variants = [{"headers": headers}]
        if "as_of" in operation.query:
            variants.append({"headers": headers, "params": {"as_of": AS_OF}})
        for request in variants:
            unknown = answer(call(tenant, operation, uuid4(), **request))
            for what, tenant_id in tenant.others(operation.tenant_id).items():
                seen = answer(call(tenant, operation, tenant_id, **request))
                if seen != unknown or unknown[0] != 404:
                    differences.append((operation.method, operation.path, what, seen, unknown))
    assert differences == []
