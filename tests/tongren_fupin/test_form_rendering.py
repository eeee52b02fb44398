"""The widget renderer writes byte for byte what Django's form templates write.

``tongren_fupin.form_rendering.WidgetRenderer`` renders the common widget templates in Python;
these tests render every widget of every form of the project — each field unbound, with its
initial value and with each of its choices, and each option on its own as ``radio.tag`` does —
the corner cases, and the visit form's whole page, with it and with Django's renderer.
"""

from __future__ import annotations

import datetime
import importlib
import re
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.forms.widgets import ChoiceWidget
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from tests.households.factories import household_with_head
from tongren_fupin import form_rendering
from tongren_fupin.form_rendering import WidgetRenderer

FORM_MODULES = (
    "assistance.forms",
    "fieldsync.forms",
    "households.forms",
    "inspections.forms",
    "publicity.forms",
    "relocation.forms",
    "supervision.forms",
    "tongren_fupin.forms",
)
TEMPLATES = DjangoTemplates()
FAST = WidgetRenderer()


def project_forms() -> list[type[forms.BaseForm]]:
    for module in FORM_MODULES:
        importlib.import_module(module)
    found, stack = [], list(forms.BaseForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in {m.split(".")[0] for m in FORM_MODULES}:
            found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def values_of(field: forms.Field) -> list[Any]:
    """Unbound, the initial value, and choices: each of a short list, the first three and the
    last of a long one (a village select has thousands: every option is rendered each time)."""
    values: list[Any] = [None, "", field.initial]
    choices = list(getattr(field, "choices", ()) or ())
    chosen: list[Any] = []
    for value, label in choices:
        if isinstance(label, list | tuple):  # a group
            chosen.extend(inner for inner, _label in label)
        else:
            chosen.append(value)
    values += chosen if len(chosen) <= 12 else [*chosen[:3], chosen[-1]]
    if isinstance(field.widget, forms.SelectMultiple | forms.CheckboxSelectMultiple):
        values.append([value for value, _label in choices[:2]])
    return values


def both(widget: forms.Widget, name: str, value: Any) -> tuple[str, str]:
    attrs = {"id": f"id_{name}"}
    return (
        widget.render(name, value, attrs=attrs, renderer=TEMPLATES),
        widget.render(name, value, attrs=attrs, renderer=FAST),
    )


def compare_options(widget: forms.Widget, name: str, value: Any) -> int:
    """Each option rendered alone, as ``{{ radio.tag }}`` does, with and without its label."""
    compared = 0
    for option in widget.subwidgets(name, value, {"id": f"id_{name}"}):
        for wrap in (True, False):
            context = {"widget": {**option, "wrap_label": wrap}}
            template = option["template_name"]
            assert FAST.render(template, context) == TEMPLATES.render(template, context)
            compared += 1
    return compared


def test_every_widget_of_every_form_renders_as_the_templates_do(db: None) -> None:
    classes = project_forms()
    assert len(classes) >= 20, [c.__name__ for c in classes]
    compared = 0
    for cls in classes:
        for name, field in cls.base_fields.items():
            for value in values_of(field):
                prepared = field.prepare_value(value)
                templated, fast = both(field.widget, name, prepared)
                assert fast == templated, (cls.__name__, name, value)
                compared += 1
                if isinstance(field.widget, ChoiceWidget) and value is not None:
                    compared += compare_options(field.widget, name, prepared)
    assert compared > 500


CORNER_CASES = [
    (forms.TextInput(attrs={"required": True, "disabled": False, "data-x": None}), "a<b>&\"'"),
    (forms.TextInput(), mark_safe("<b>safe</b>")),
    (forms.NumberInput(attrs={"step": Decimal("0.01")}), Decimal("1234.50")),
    (forms.NumberInput(), 1234567),
    (forms.DateInput(), datetime.date(2020, 12, 31)),
    (forms.HiddenInput(), ("tuple", 1)),
    (forms.Textarea(attrs={"rows": 3}), "第一行\n<script>"),
    (forms.Textarea(), ""),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (
        forms.Select(
            choices=[
                ("", "---"),
                (gettext_lazy("Exits"), [("a", "<甲>"), ("b", gettext_lazy("Households"))]),
                (3, 3),
            ]
        ),
        "b",
    ),
    (forms.SelectMultiple(choices=[("x", "X"), ("y", "Y")], attrs={"size": 2}), ["x", "y"]),
    (
        forms.RadioSelect(
            choices=[("组", [("1", "一"), ("2", "二")]), ("3", "三")], attrs={"class": "c<"}
        ),
        "2",
    ),
    (forms.CheckboxSelectMultiple(choices=[("1", "一"), ("2", "二")]), ["1"]),
    (forms.RadioSelect(choices=[("1", "一")]), None),
]


@pytest.mark.parametrize(("widget", "value"), CORNER_CASES)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_corner_cases_render_as_the_templates_do(widget: Any, value: Any, language: str) -> None:
    with translation.override(language):
        templated, fast = both(widget, "field", value)
        unlabelled = (
            widget.render("field", value, renderer=TEMPLATES),
            widget.render("field", value, renderer=FAST),
        )
    assert fast == templated
    assert unlabelled[1] == unlabelled[0]


def test_the_python_templates_are_used_and_others_go_to_the_engine() -> None:
    calls: list[str] = []
    original = dict(form_rendering.TEMPLATES)

    def counted(name: str, render: Any) -> Any:
        def call(renderer: Any, widget: Any) -> str:
            calls.append(name)
            return str(render(renderer, widget))

        return call

    for name, render in original.items():
        form_rendering.TEMPLATES[name] = counted(name, render)
    try:
        html = forms.RadioSelect(choices=[("1", "一")]).render("f", "1", renderer=FAST)
        label = forms.Form().renderer  # the default renderer is the project's
    finally:
        form_rendering.TEMPLATES.update(original)
    assert calls == ["django/forms/widgets/radio.html", "django/forms/widgets/radio_option.html"]
    assert html == forms.RadioSelect(choices=[("1", "一")]).render("f", "1", renderer=TEMPLATES)
    assert isinstance(label, WidgetRenderer)
    # A template it does not know: the engine's output.
    context = {"label": "名称", "tag": "label", "attrs": {"for": "id_x"}, "use_tag": True}
    assert FAST.render("django/forms/label.html", context) == '<label for="id_x">名称</label>'


# What differs between two requests of the page: the CSRF token and the visit's new client id.
PER_REQUEST = re.compile(
    r'name="csrfmiddlewaretoken" value="[^"]+"'
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


def test_the_visit_form_page_is_the_same_with_either_renderer(
    client: Any, cadre_yanhe: Any, settings: Any
) -> None:
    household = household_with_head()
    client.force_login(cadre_yanhe)
    pages = []
    for renderer in ("django.forms.renderers.DjangoTemplates", settings.FORM_RENDERER):
        settings.FORM_RENDERER = renderer
        get_default_renderer.cache_clear()
        response = client.get(f"/households/{household.pk}/visit/")
        assert response.status_code == 200
        pages.append(PER_REQUEST.sub("", response.content.decode()))
    get_default_renderer.cache_clear()
    assert pages[1] == pages[0]
    assert pages[0].count('type="radio"') > 50
