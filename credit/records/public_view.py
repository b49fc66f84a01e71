"""Moved to credit.public.view: the public view is defined once, on the public read side."""

from credit.public.view import counts_publicly, public_decision_numbers, public_form, public_penalties_of  # noqa: F401
