"""The access logs this process appended to last, kept so that recording a read needs no reload.

Recording a read appends one event to the case's access log. Loading the log first (even from
the library's cache, which asks the store for newer events) costs a round trip per read; instead
the log this process saved last is reused, and if another process appended meanwhile the save
fails on its version and the log is reloaded. A log is taken out while in use, so two threads
never append to the same object.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from uuid import UUID

from complaints_ledger.domain.registry import AccessLog

MAX_LOGS = 1000


class RecentAccessLogs:
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
