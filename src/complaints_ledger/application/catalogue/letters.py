"""Letters to the complainant: the acknowledgement, an extension notice, the response."""

from __future__ import annotations

from pydantic import Field

from complaints_ledger.application.catalogue.body import CommandBody
from complaints_ledger.application.catalogue.command import CaseCommand
from complaints_ledger.domain.letters import LetterChannel, LetterKind
from complaints_ledger.inputs import Text


class LetterBody(CommandBody):
    kind: LetterKind = Field(description="Which letter: acknowledgement, extension or response.")
    text: Text = Field(description="The letter exactly as sent; the ledger records its SHA-256.")
    channel: LetterChannel = Field(
        default=LetterChannel.POST, description="How it was sent: post, email or by hand."
    )
    template_version: int | None = Field(
        default=None, ge=1, description="The version of the template it was written from."
    )


SEND_LETTER = CaseCommand(
    name="send_letter",
    path="/letters",
    body=LetterBody,
    run=lambda ledger, c: ledger.send_letter(
        c.case_id,
        c.ctx,
        kind=c.body.kind,
        text=c.body.text,
        channel=c.body.channel,
        template_version=c.body.template_version,
    ),
    summary="Record a letter sent to the complainant, with the SHA-256 of its exact text.",
    rule="SI 2009/309 regs 13 and 14: the acknowledgement and the response are in writing; "
    "the hash proves which letter went out",
)
