"""The public random-inspection draw names the inspectors' units, never a regulator's login name."""

from datetime import date

from credit.accounts.tables import User
from credit.demo import build_demo_city
from credit.disclosures.jobs import draw_random_inspections
from credit.seeding import load_city

AS_OF = date(2026, 6, 30)


async def test_the_public_draw_shows_units_and_counts_and_no_login_name(client):
    await load_city(build_demo_city(22, AS_OF, count=80), AS_OF)
    await draw_random_inspections(AS_OF)
    response = await client.get("/api/v1/inspection-draws")
    assert response.status_code == 200
    usernames = [u["username"] for u in await User.select(User.username).run()]
    assert usernames and not any(f'"{name}"' in response.text for name in usernames)
    draw = response.json()["items"][0]
    assert "inspectors" not in draw
    assert draw["inspection_teams"]["320402"] == [
        {"unit": "天宁区民政局", "unit_en": "Tianning Civil Affairs Bureau", "inspectors": 1}]
