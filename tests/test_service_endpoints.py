"""The home page shows the registered count; operators get health and Prometheus metrics."""

from datetime import date

from credit.demo import build_demo_city
from credit.seeding import load_city


async def test_the_home_page_shows_how_many_institutions_are_registered(client):
    await load_city(build_demo_city(3, date(2026, 6, 30), count=25), date(2026, 6, 30))
    page = await client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'data-testid="institution-total">25<' in page.text
    assert "天宁区" in page.text or "武进区" in page.text


async def test_metrics_count_requests_by_route_and_status_in_prometheus_format(client):
    await client.get("/healthz")
    await client.get("/no-such-page")
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert "eldercredit_requests_total" in metrics.text
    assert 'path="/healthz"' in metrics.text and 'status_code="200"' in metrics.text
    assert "eldercredit_request_duration_seconds_bucket" in metrics.text
    assert "eldercredit_job_runs_total" in metrics.text


async def test_an_unknown_api_path_answers_problem_json(client):
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404
