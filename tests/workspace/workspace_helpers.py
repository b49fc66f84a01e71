"""What the workspace tests share: codes, signing in through the form, posting with the CSRF token,
and reading the error shown beside a field."""

from __future__ import annotations

import re

from stdnum.cn import uscc as uscc_rules

PASSWORD = "correct horse battery"
TIANNING, WUJIN = "320402", "320412"


def make_uscc(n: int, district: str = TIANNING) -> str:
    body = f"52{district}MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


def csrf(http) -> str:
    return http.cookies["ec_csrf"]


async def sign_in(http, username: str) -> None:
    page = await http.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    response = await http.post("/login", data={"username": username, "password": PASSWORD, "_csrf_token": token})
    assert response.status_code == 303


async def post(http, path: str, data: dict[str, str | list[str]]):
    return await http.post(path, data={**data, "_csrf_token": csrf(http)})


def error_beside_id(html: str, field_id: str) -> str:
    """The error text shown right after the input with this id ('' when there is none)."""
    match = re.search(
        rf'id="{field_id}"[^>]*aria-describedby="[^"]*{field_id}-error[^"]*"[^>]*>(?:[^<]*</textarea>|.*?</select>)?'
        rf'\s*<strong id="{field_id}-error" class="field-error"[^>]*>(.*?)</strong>',
        html,
        re.S,
    )
    return match.group(1) if match else ""
