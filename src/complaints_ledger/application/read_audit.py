"""Recording reads: every read of a case appends a `CaseRead` to the case's access log, before the
data is returned. Under load this is most of the work of a read, so it is done in groups.

- **Group commit.** Reads recorded at the same moment by one process's threads go to the store in
  one transaction: the first caller becomes the leader and writes everything queued so far
  (its own read included) while the others wait; when it is done, the next waiting caller, if
  any, leads the next group. Every caller returns only once its own read is committed, or raises.
- **Recent logs.** The access logs this process saved last are kept, so that recording a read
  needs no reload. If another process appended meanwhile, the save fails on its version; the
  group is then written again one read at a time, each log reloaded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

import structlog
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError

from complaints_ledger.domain.errors import LedgerError, StoreUnavailableError
from complaints_ledger.domain.registry import AccessLog, access_log_id
from complaints_ledger.domain.values import Actor, Stamp

logger = structlog.get_logger(__name__)

MAX_LOGS = 1000
ATTEMPTS = 20  # one read written alone, against readers in other processes appending first


class RecentAccessLogs:
    """The logs this process saved last. A log is taken out while in use, so two threads never
    append to the same object."""

    def __init__(self, maxsize: int = MAX_LOGS) -> None:
        self._logs: OrderedDict[UUID, AccessLog] = OrderedDict()
        self._lock = threading.Lock()
        self._maxsize = maxsize

    def take(self, log_id: UUID) -> AccessLog | None:
        with self._lock:
            return self._logs.pop(log_id, None)

    def keep(self, log: AccessLog) -> None:
        with self._lock:
            self._logs[log.id] = log
            while len(self._logs) > self._maxsize:
                self._logs.popitem(last=False)


@dataclass(eq=False)
class Read:
    """One read to record, and how it ended (set by whichever thread wrote it)."""

    case_id: UUID
    actor: Actor
    what: str
    purpose: str | None
    error: BaseException | None = None
    finished: bool = False
    woken: threading.Event = field(default_factory=threading.Event)

    def finish(self, error: BaseException | None = None) -> None:
        self.error, self.finished = error, True
        self.woken.set()


class ReadRecorder:
    """Records reads in groups (module docstring). `load` returns a case's access log from the
    store (a new one if it has none yet), `save` commits aggregates in one transaction, `stamp`
    dates a read."""

    def __init__(
        self,
        load: Callable[[UUID], AccessLog],
        save: Callable[..., object],
        stamp: Callable[[Actor], Stamp],
    ) -> None:
        self._load, self._save, self._stamp = load, save, stamp
        self._recent = RecentAccessLogs()
        self._lock = threading.Lock()
        self._queued: list[Read] = []
        self._leading = False

    def record(self, case_id: UUID, actor: Actor, *, what: str, purpose: str | None) -> None:
        read = Read(case_id, actor, what, purpose)
        with self._lock:
            self._queued.append(read)
            leads = not self._leading
            self._leading = True
        if not leads:
            read.woken.wait()
        if not read.finished:  # this thread leads: write every read queued so far
            self._lead()
        if read.error is not None:
            raise read.error

    def _lead(self) -> None:
        with self._lock:
            group, self._queued = self._queued, []
        try:
            self._write(group)
        finally:
            for read in group:
                if not read.finished:  # an unexpected error: no reader may wait forever
                    read.finish(StoreUnavailableError("the read could not be recorded"))
            with self._lock:
                if self._queued:
                    self._queued[0].woken.set()  # the next waiting reader leads the next group
                else:
                    self._leading = False

    def _write(self, group: list[Read]) -> None:
        logs: dict[UUID, AccessLog] = {}
        recorded = []
        for read in group:
            log_id = access_log_id(read.case_id)
            log = logs.get(log_id) or self._recent.take(log_id) or self._load(read.case_id)
            logs[log_id] = log
            try:
                self._append(log, read)
            except LedgerError as error:  # this read's own fault: the others still go ahead
                read.finish(error)
                continue
            recorded.append(read)
        try:
            committed = self._commit(list(logs.values()))
        except StoreUnavailableError as failure:
            # Every reader of the group is answered (a 503): none waits on a store that is gone.
            logger.exception("reads could not be recorded", reads=len(recorded))
            for read in recorded:
                read.finish(failure)
            return
        for read in recorded:  # not committed: another process appended to one of the logs
            read.finish(None if committed else self._alone(read))

    def _alone(self, read: Read) -> StoreUnavailableError | None:
        """Write one read by itself, reloading its log on every version conflict."""
        for _ in range(ATTEMPTS):
            log = self._load(read.case_id)
            self._append(log, read)
            try:
                if self._commit([log]):
                    return None
            except StoreUnavailableError as failure:
                return failure
        return StoreUnavailableError("the read could not be recorded: too many concurrent readers")

    def _append(self, log: AccessLog, read: Read) -> None:
        log.record(self._stamp(read.actor), what=read.what, purpose=read.purpose)

    def _commit(self, logs: list[AccessLog]) -> bool:
        """Save the logs in one transaction and keep them; False on a version conflict."""
        try:
            self._save(*logs)
        except IntegrityError:
            return False
        except (OperationalError, InterfaceError) as error:
            raise StoreUnavailableError(f"the read could not be recorded: {error}") from None
        for log in logs:
            self._recent.keep(log)
        return True
