"""Prometheus metrics of one API process, in a registry of its own (one per app, not global).

Read-model code adds its gauges (projection lag) through `Metrics.register_gauge`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = structlog.get_logger(__name__)

GaugeReader = Callable[[], Mapping[tuple[str, ...], float]]
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _CallbackGauge(Collector):
    """A gauge whose samples are read at scrape time; a failing reader skips the gauge."""

    def __init__(
        self, name: str, documentation: str, read: GaugeReader, labels: Sequence[str]
    ) -> None:
        self.name, self.documentation = name, documentation
        self.read, self.labels = read, list(labels)

    def describe(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(self.name, self.documentation, labels=self.labels)

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(self.name, self.documentation, labels=self.labels)
        try:
            samples = self.read()
        except Exception:
            logger.exception("gauge reader failed", gauge=self.name)
            return
        for label_values, value in samples.items():
            family.add_metric(list(label_values), value)
        yield family


class Metrics:
    """Requests by route template and status, latencies, events appended, and added gauges."""

    content_type = "text/plain; version=0.0.4; charset=utf-8"

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "complaints_ledger_http_requests",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "complaints_ledger_http_request_seconds",
            "HTTP request latency by route template.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.events_appended = Counter(
            "complaints_ledger_events_appended",
            "Events appended to the ledger through the API.",
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method=method, route=route, status=str(status)).inc()
        self.latency.labels(route=route).observe(seconds)

    def register_gauge(
        self, name: str, documentation: str, read: GaugeReader, labels: Sequence[str] = ()
    ) -> None:
        """Add a gauge read at scrape time: `read()` maps label values to a value.

        For projection lag: `register_gauge("complaints_ledger_projection_lag_events", "...",
        lambda: {(name,): lag for name, lag in ...}, labels=("projection",))`.
        """
        self.registry.register(_CallbackGauge(name, documentation, read, labels))

    def render(self) -> bytes:
        return generate_latest(self.registry)
