"""The shape of one demo case: who receives it, who deals with it, what it is about, and when."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TypeVar

from complaints_ledger.demo import names, texts, world
from complaints_ledger.demo import organisations as orgs
from complaints_ledger.demo.detours import Detour, choose_detour
from complaints_ledger.demo.timeline import chance, moment, next_working_day
from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.domain.complaint import Intake
from complaints_ledger.domain.values import Channel, Kind, Ombudsman, RegimeId

T = TypeVar("T")
HISTORY_DAYS = 730  # receipts spread over about two years...
NEWEST_DAYS = 3  # ...up to a few days ago
RECENT_SKEW = 1.25
KINDS = ((Kind.COMPLAINT, 80), (Kind.CONCERN, 12), (Kind.COMPLIMENT, 8))
CHANNELS = (
    (Channel.EMAIL, 28),
    (Channel.WEB_FORM, 22),
    (Channel.PHONE, 20),
    (Channel.LETTER, 14),
    (Channel.IN_PERSON, 8),
    (Channel.VIA_REFERRAL, 3),
)
HEALTHWATCH_CHANNELS = ((Channel.PHONE, 4), (Channel.WEB_FORM, 4), (Channel.IN_PERSON, 3))
OFFICE_CHANNELS = frozenset({Channel.LETTER, Channel.PHONE, Channel.IN_PERSON})
SUBJECT_COUNTS = ((1, 50), (2, 35), (3, 15))


def weighted(rng: random.Random, choices: Sequence[tuple[T, int]]) -> T:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


@dataclass(frozen=True)
class Profile:
    receiver: orgs.Organisation
    handler: orgs.Organisation
    service: orgs.Service
    kind: Kind
    regime: RegimeId  # the handling organisation's regime for this case
    received_at: datetime  # true receipt by the receiving organisation
    logged_receipt_at: datetime | None  # a wrongly logged receipt, corrected later by a manager
    late: bool  # made after the reg 12 time limit: accepted with both limbs recorded
    referral_reason: str | None
    intake: Intake
    detour: Detour | None = None  # a referral that goes to a wrong door first (partners.py)

    @property
    def ombudsman(self) -> Ombudsman:
        return self.service.ombudsman or self.handler.ombudsman

    @property
    def referred(self) -> bool:
        return self.referral_reason is not None


def choose_profile(rng: random.Random, extra: random.Random, anchor: date) -> Profile:
    received_day = anchor - timedelta(days=_days_ago(rng))
    receiver = _receiver(rng, extra)
    handler, reason = _handler(rng, receiver)
    service = _service(rng, handler, received_day)
    kind = weighted(rng, KINDS)
    detour = None if kind == Kind.COMPLIMENT else choose_detour(extra, receiver, handler)
    regime = service.regime or handler.regime
    channel = _channel(rng, receiver)
    received_at = _receipt_moment(rng, receiver, channel, received_day)
    logged = None
    if reason is None and channel in {Channel.LETTER, Channel.EMAIL} and chance(rng, 0.04):
        next_day = uk_local_date(received_at) + timedelta(days=1)
        logged = moment(next_working_day(receiver.calendar, next_day), rng)
    late = kind == Kind.COMPLAINT and regime == RegimeId.ENGLAND_2009 and chance(rng, 0.04)
    intake_regime = regime if reason is None else receiver.regime
    intake = _intake(rng, (receiver, handler, service), kind, channel, received_day, late=late)
    intake = replace(intake, regime=intake_regime)
    return Profile(
        receiver, handler, service, kind, regime, received_at, logged, late, reason, intake, detour
    )


def _receiver(rng: random.Random, extra: random.Random) -> orgs.Organisation:
    if chance(extra, world.DEVOLVED_SHARE):
        return weighted(extra, world.DEVOLVED_RECEIVERS)
    return weighted(rng, world.RECEIVERS)


def _days_ago(rng: random.Random) -> int:
    """Receipts over the last two years, more of them recently (complaints are rising)."""
    return NEWEST_DAYS + int((HISTORY_DAYS - NEWEST_DAYS) * rng.random() ** RECENT_SKEW)


def _handler(
    rng: random.Random, receiver: orgs.Organisation
) -> tuple[orgs.Organisation, str | None]:
    if receiver is orgs.HEALTHWATCH_NORTHSHIRE:
        handler = weighted(rng, orgs.HEALTHWATCH_TARGETS)
        return handler, (
            f"Healthwatch Northshire is not a complaints body: {handler.name} deals with "
            "complaints about its own service; the person agreed to us passing it on"
        )
    if receiver in orgs.ENGLISH_COUNCILS and chance(rng, 0.05):
        handler = rng.choice((orgs.PROVIDERS[1], orgs.PROVIDERS[3], orgs.NHS))
        if handler is orgs.NHS:
            return handler, "the complaint is about the hospital ward's discharge decision"
        return handler, (
            "self-funded placement: the provider deals with it first (the LGSCO gives a "
            "provider 12 weeks' reasonable opportunity to respond)"
        )
    return receiver, None


def _service(rng: random.Random, handler: orgs.Organisation, received_day: date) -> orgs.Service:
    if handler.non_statutory and received_day >= orgs.LGSCO_CODE_FROM and chance(rng, 0.25):
        return rng.choice(handler.non_statutory)
    housing = [s for s in handler.services if s.regime == RegimeId.HOUSING_OMBUDSMAN_CODE]
    if housing and chance(rng, 0.1):
        return housing[0]
    return rng.choice([s for s in handler.services if s not in housing])


def _channel(rng: random.Random, receiver: orgs.Organisation) -> Channel:
    if receiver is orgs.HEALTHWATCH_NORTHSHIRE:
        return weighted(rng, HEALTHWATCH_CHANNELS)
    return weighted(rng, CHANNELS)


def _receipt_moment(
    rng: random.Random, receiver: orgs.Organisation, channel: Channel, day: date
) -> datetime:
    if channel in OFFICE_CHANNELS:
        return moment(next_working_day(receiver.calendar, day), rng)
    return moment(day, rng, start_hour=7, end_hour=22)


def _subjects(rng: random.Random, service: orgs.Service) -> tuple[str, ...]:
    count = weighted(rng, SUBJECT_COUNTS)
    chosen = [rng.choice(service.subjects)]
    extra = (orgs.SAFEGUARDING,) if chance(rng, 0.15) else ()  # a safeguarding concern too
    pool = [s for s in (*service.subjects, *orgs.ANY_SERVICE_SUBJECTS, *extra) if s not in chosen]
    while len(chosen) < count and pool:
        subject = rng.choice(pool)
        pool = [s for s in pool if s != subject]
        chosen.append(subject)
    return tuple(chosen)


def _matter_dates(
    rng: random.Random, received_day: date, *, late: bool
) -> tuple[date | None, date | None]:
    if late:
        occurred = received_day - timedelta(days=rng.randrange(400, 540))
        return occurred, occurred + timedelta(days=rng.randrange(0, 20))
    if chance(rng, 0.15):
        return None, None
    occurred = received_day - timedelta(days=rng.randrange(1, 110))
    if chance(rng, 0.3):
        return occurred, min(received_day, occurred + timedelta(days=rng.randrange(0, 21)))
    return occurred, None


def _intake(
    rng: random.Random,
    parties: tuple[orgs.Organisation, orgs.Organisation, orgs.Service],
    kind: Kind,
    channel: Channel,
    received_day: date,
    *,
    late: bool,
) -> Intake:
    receiver, handler, service = parties
    subjects = _subjects(rng, service)
    care_home = any(s in {orgs.RESIDENTIAL, orgs.DIGNITY} for s in subjects)
    representative = None
    if chance(rng, 0.45 if care_home else 0.2):
        representative = names.representative(
            rng, handler.town, care_home=care_home, pool=handler.people
        )
    advocacy = _advocacy(rng, handler) if kind == Kind.COMPLAINT else None
    if advocacy and chance(rng, 0.6):
        channel = Channel.VIA_ADVOCATE
    occurred, noticed = _matter_dates(rng, received_day, late=late)
    return Intake(
        kind=kind,
        channel=channel,
        regime=handler.regime,
        receiving_organisation=receiver.name,
        about_organisation=service.about or handler.name,
        service=service.name,
        subjects=subjects,
        complainant=names.person(rng, handler.town, pool=handler.people),
        summary=texts.summary(rng, kind, subjects),
        representative=representative,
        accessibility_needs=names.accessibility_needs(rng) if chance(rng, 0.12) else (),
        advocacy=advocacy,
        matter_occurred_on=occurred,
        matter_noticed_on=noticed,
        internal_target_working_days=10 if kind == Kind.CONCERN else 20,
    )


def _advocacy(rng: random.Random, handler: orgs.Organisation) -> str | None:
    return handler.advocacy if chance(rng, 0.07) else None
