"""The case page's actions: one button per catalogue command the signed-in person may run on the
case now, each opening the command's form. Two checks decide, each the one the command itself
makes: the access policy (who may run it) and the case's state (`Complaint.state_refusal`: no
"Acknowledge" once acknowledged, "Reopen" only when closed). A command that acts on one item of
the case (an action, an ombudsman's remedy) has a button per open item, its id in the form's
address."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import product
from typing import Any
from urllib.parse import quote

from complaints_ledger.access import Policy, Principal
from complaints_ledger.application.catalogue import CATALOGUE, CaseCommand
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import NotFoundError, NotPermittedError
from complaints_ledger.web.forms import words

View = Mapping[str, Any]  # the case as application/case_view.py shows it

# For each path parameter of the catalogue, the open items of a case it can name: (id, what).
PATH_ITEMS: dict[str, Callable[[View], list[tuple[str, str]]]] = {
    "action_id": lambda view: [
        (action["id"], action["description"])
        for action in view["actions"]
        if action["completed_at"] is None
    ],
    "remedy_id": lambda view: [
        (remedy["id"], f"{remedy['body']}: {remedy['description']}")
        for remedy in view["ombudsman_remedies"]
        if not remedy["done"]
    ],
}


# Commands with a page of their own instead of the generated form: (label, address in the case).
OWN_PAGES = {"send_letter": ("Write a letter", "/letters")}


@dataclass(frozen=True)
class CommandLink:
    label: str
    hint: str
    href: str
    id: str  # the hint's id, for aria-describedby


def command_label(command: CaseCommand[Any]) -> str:
    """`send_response` -> "Send response"."""
    return words(command.name)


def form_address(case_id: str, command: CaseCommand[Any], path: Mapping[str, str]) -> str:
    ids = "".join("/" + quote(path[name], safe="") for name in command.path_parameters)
    return f"/cases/{case_id}/do/{command.cli_name}{ids}"


def link_address(case_id: str, command: CaseCommand[Any], path: Mapping[str, str]) -> str:
    """Where the case page's button for the command goes: its own page, or its form."""
    if command.name in OWN_PAGES:
        return f"/cases/{case_id}{OWN_PAGES[command.name][1]}"
    return form_address(case_id, command, path)


def command_links(
    policy: Policy, principal: Principal, complaint: Complaint, view: View
) -> list[CommandLink]:
    """The buttons of the commands `principal` may run on the case now, in catalogue order."""
    links: list[CommandLink] = []
    for command in CATALOGUE:
        if complaint.state_refusal(command.name) is not None:
            continue
        for path, about in _targets(command, view):
            try:
                policy.check_can_run(principal, command.name, complaint, None, path)
            except (NotPermittedError, NotFoundError):
                continue
            suffix = " ".join(path[name] for name in command.path_parameters)
            label = OWN_PAGES.get(command.name, (f"{command_label(command)} {suffix}".strip(),))[0]
            hint = " ".join(filter(None, [command.summary, about]))
            anchor = f"command-{len(links) + 1}-hint"
            links.append(CommandLink(label, hint, link_address(view["id"], command, path), anchor))
    return links


def _targets(command: CaseCommand[Any], view: View) -> Iterator[tuple[dict[str, str], str]]:
    """Each (path ids, what they name) the command can run with on this case."""
    choices = [PATH_ITEMS[name](view) for name in command.path_parameters]
    for combination in product(*choices):
        path = {
            name: item_id
            for name, (item_id, _) in zip(command.path_parameters, combination, strict=True)
        }
        yield path, "; ".join(about for _, about in combination)
