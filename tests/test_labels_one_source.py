"""The names of the domain's vocabularies are defined once and read by every output (issue 16 item 4).

Fire-checklist areas and hazard categories: Chinese in scoring.facts, English in scoring.labels. Listing behaviours:
credit.listings.behaviours (民发〔2019〕103号 article 6). The workspace and the public portal must show the same words.
"""

from __future__ import annotations

import pytest

from credit.listings.behaviours import BEHAVIOURS
from portal.public import views
from portal.workspace import labels
from scoring import FIRE_AREAS, HAZARD_CATEGORIES
from scoring.labels import FIRE_AREAS_EN, HAZARD_CATEGORIES_EN


def test_every_area_and_hazard_category_has_its_english_name():
    assert set(FIRE_AREAS_EN) == set(FIRE_AREAS)
    assert set(HAZARD_CATEGORIES_EN) == set(HAZARD_CATEGORIES)
    assert all(FIRE_AREAS_EN.values()) and all(HAZARD_CATEGORIES_EN.values())


@pytest.mark.parametrize("code", list(FIRE_AREAS))
def test_the_workspace_and_the_public_pages_name_an_area_alike(code):
    assert labels.AREAS[code] == (views.area_name(code, "zh"), views.area_name(code, "en"))


@pytest.mark.parametrize("code", list(HAZARD_CATEGORIES))
def test_the_workspace_names_a_hazard_category_as_the_domain_does(code):
    zh, en = labels.HAZARDS[code]
    assert zh == HAZARD_CATEGORIES[code]
    assert en.lower() == HAZARD_CATEGORIES_EN[code].lower()


@pytest.mark.parametrize("code", list(BEHAVIOURS))
def test_the_workspace_and_the_public_pages_name_a_behaviour_from_the_measures(code):
    behaviour = BEHAVIOURS[code]
    assert labels.LISTING_BEHAVIOURS[code] == behaviour.short
    assert (views.behaviour_text(code, "zh"), views.behaviour_text(code, "en")) == behaviour.official
    assert all(behaviour.official) and all(behaviour.short)
