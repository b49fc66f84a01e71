"""Prometheus metrics beyond the per-request ones the middleware records."""

from prometheus_client import Counter

JOB_RUNS = Counter("eldercredit_job_runs_total", "Scheduled job runs, by job and result", ["job", "result"])
