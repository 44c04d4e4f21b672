"""Prometheus: one ServiceMonitor for every process of every tier, and the alerts operators page
on (metric names: docs/metrics.md). Backlog gauges are table-wide figures every replica reports
alike, so they are combined with max, never summed."""

from __future__ import annotations

from workloads import Obj, meta

PART_OF = {"app.kubernetes.io/part-of": "jingzhun"}


def service_monitor() -> Obj:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": meta("jingzhun", PART_OF),
        "spec": {
            "selector": {"matchLabels": {"jingzhun.gov.cn/metrics": "true"}},
            "endpoints": [{"port": "metrics", "interval": "15s", "path": "/metrics"}],
        },
    }


ALERTS = (
    (
        "JingzhunOutboxBacklogGrowing",
        "max by (service) (deriv(jz_outbox_pending[10m])) > 0 and max by (service) (jz_outbox_pending) > 1000",
        "10m",
        "warning",
        "Events of {{ $labels.service }} wait in its outbox and the backlog keeps growing: is NATS reachable, is the worker running?",
    ),
    (
        "JingzhunConsumerLagGrowing",
        "max by (stream, consumer) (deriv(jz_consumer_pending[10m])) > 0 and max by (stream, consumer) (jz_consumer_pending) > 1000",
        "15m",
        "warning",
        "Consumer {{ $labels.consumer }} on {{ $labels.stream }} falls behind: its worker is at its ceiling or failing.",
    ),
    (
        "JingzhunSmsFailures",
        "sum(rate(jz_sms_failed_total[15m])) / clamp_min(sum(rate(jz_sms_submitted_total[15m])) + sum(rate(jz_sms_failed_total[15m])), 1e-9) > 0.05",
        "15m",
        "critical",
        "More than 5 % of text messages fail: check the SMSC bind, the carrier's answers and the account's balance.",
    ),
    (
        "JingzhunSmsReceiptsOverdue",
        "max(jz_sms_receipts_pending) > 50000",
        "1h",
        "warning",
        "Many submitted parts have no delivery receipt: the carrier may have stopped sending receipts.",
    ),
    (
        "JingzhunGateway5xx",
        'sum(rate(jz_http_requests_total{status=~"5.."}[5m])) / clamp_min(sum(rate(jz_http_requests_total[5m])), 1e-9) > 0.02',
        "5m",
        "critical",
        "More than 2 % of REST requests fail with a server error.",
    ),
)


def prometheus_rule() -> Obj:
    rules = [
        {
            "alert": name,
            "expr": expr,
            "for": wait,
            "labels": {"severity": severity},
            "annotations": {"summary": summary},
        }
        for name, expr, wait, severity, summary in ALERTS
    ]
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": meta("jingzhun", PART_OF),
        "spec": {"groups": [{"name": "jingzhun", "rules": rules}]},
    }
