"""The portal's Jinja environment reads a dict's keys directly and still gives dict methods and undefined
values exactly as Jinja does (portal.templating)."""

from __future__ import annotations

from jinja2 import DictLoader

from portal.templating import PortalEnvironment


def render(source: str, **context: object) -> str:
    environment = PortalEnvironment(loader=DictLoader({"t": source}), autoescape=True)
    return environment.get_template("t").render(**context)


def test_a_key_of_a_dict_is_read_as_an_attribute_and_escaped():
    assert render("{{ d.name }}", d={"name": "<康乐>"}) == "&lt;康乐&gt;"


def test_a_dict_method_stays_a_method_even_when_a_key_has_its_name():
    assert render("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", d={"items": 2}) == "items=2;"


def test_a_missing_key_is_undefined_as_in_jinja():
    assert render("{{ d.missing is undefined }}|{{ d.missing }}|{{ d.get('x', 'none') }}", d={}) == "True||none"
