"""``{{ user|person }}`` (name and role) and ``{{ user|person_name }}``: see ``regions.people``."""

from __future__ import annotations

from django import template

from regions.people import person_label, person_name

register = template.Library()
register.filter("person", person_label)
register.filter("person_name", person_name)
