"""Django's form renderer, with the widget templates a form page is made of rendered in Python.

Every widget of a form, and every option of a radio group or a select, is rendered by Django's
form renderer through a template of its own (``django/forms/widgets/*.html``): the visit form's
56 fields make 145 such renders, half of the page's CPU time. ``WidgetRenderer`` writes the
common ones — inputs, options, selects, radio and checkbox groups, text areas — out in Python,
byte for byte the templates' output (localized and escaped the same way, trailing newlines
included); any other template goes through the template engine as before.

Django's ``DjangoTemplates`` renderer, which this extends, looks in Django's own form templates
first, so no project template overrides these. That the output is the same is the test
``tests/tongren_fupin/test_form_rendering.py``: every widget of every form of the project,
bound and unbound, and the corner cases (groups, boolean attributes, ``None``, markup to
escape), against the template engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, mark_safe

Widget = Mapping[str, Any]

# The context the renderer's templates render in: autoescape on, the active language's formats.
_CONTEXT = Context(autoescape=True)
_WIDGETS = "django/forms/widgets/"


def _shown(value: Any) -> str:
    """``{{ value }}``: localized and escaped as a template does."""
    return render_value_in_context(value, _CONTEXT)


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        text = "%s" % value  # noqa: UP031 - the filter's own formatting
    except (ValueError, TypeError):
        text = ""
    return _shown(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """``attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(" " + _shown(name))
            if value is not True:
                parts.append('="' + _formatted(value) + '"')
    return "".join(parts)


def _input(widget: Widget) -> str:
    """``input.html``."""
    value = widget.get("value")
    shown = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711 - the template's `!= None`
    return (
        f'<input type="{_shown(widget.get("type", ""))}" name="{_shown(widget.get("name", ""))}"'
        f"{shown}{_attrs(widget.get('attrs') or {})}>\n"
    )


def _input_option(widget: Widget) -> str:
    """``input_option.html``: an option of a radio or checkbox group, in its label."""
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    id_ = (widget.get("attrs") or {}).get("id")
    opening = f'<label for="{_shown(id_)}">' if id_ else "<label>"
    return f"{opening}{_input(widget)} {_shown(widget.get('label', ''))}</label>\n"


def _included(renderer: WidgetRenderer, option: Widget) -> str:
    """``{% include option.template_name with widget=option %}``."""
    name = option.get("template_name", "")
    fast = TEMPLATES.get(name)
    if fast is not None:
        return fast(renderer, option)
    return renderer.get_template(name).render({"widget": option})


def _select(renderer: WidgetRenderer, widget: Widget) -> str:
    """``select.html``."""
    parts = [f'<select name="{_shown(widget.get("name", ""))}"{_attrs(widget.get("attrs") or {})}>']
    for group_name, group_choices, _index in widget.get("optgroups") or ():
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            parts.append("\n  " + _included(renderer, option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _select_option(widget: Widget) -> str:
    """``select_option.html``."""
    return (
        f'<option value="{_formatted(widget.get("value"))}"{_attrs(widget.get("attrs") or {})}>'
        f"{_shown(widget.get('label', ''))}</option>\n"
    )


def _multiple_input(renderer: WidgetRenderer, widget: Widget) -> str:
    """``multiple_input.html``: a radio or checkbox group."""
    attrs = widget.get("attrs") or {}
    id_, class_ = attrs.get("id"), attrs.get("class")
    parts = [
        "<div",
        f' id="{_shown(id_)}"' if id_ else "",
        f' class="{_shown(class_)}"' if class_ else "",
        ">",
    ]
    for group, options, _index in widget.get("optgroups") or ():
        if group:
            parts.append(f"\n  <div><label>{_shown(group)}</label>")
        for option in options:
            parts.append("<div>\n    " + _included(renderer, option) + "</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _textarea(widget: Widget) -> str:
    """``textarea.html``."""
    value = widget.get("value")
    return (
        f'<textarea name="{_shown(widget.get("name", ""))}"{_attrs(widget.get("attrs") or {})}>\n'
        f"{_shown(value) if value else ''}</textarea>\n"
    )


def _plain(render: Callable[[Widget], str], tail: str = "") -> Callable[[Any, Widget], str]:
    return lambda _renderer, widget: render(widget) + tail


# Django's input templates that only include ``input.html``.
INPUTS = (
    "checkbox.html",
    "color.html",
    "date.html",
    "datetime.html",
    "email.html",
    "hidden.html",
    "number.html",
    "password.html",
    "search.html",
    "tel.html",
    "text.html",
    "time.html",
    "url.html",
)

# Template name → its output for a widget context. A template that only includes another adds
# the newline that ends its own file.
TEMPLATES: dict[str, Callable[[Any, Widget], str]] = {
    _WIDGETS + "input.html": _plain(_input),
    **{_WIDGETS + name: _plain(_input, "\n") for name in INPUTS},
    _WIDGETS + "input_option.html": _plain(_input_option),
    _WIDGETS + "radio_option.html": _plain(_input_option, "\n"),
    _WIDGETS + "checkbox_option.html": _plain(_input_option, "\n"),
    _WIDGETS + "select.html": _select,
    _WIDGETS + "select_option.html": _plain(_select_option),
    _WIDGETS + "multiple_input.html": lambda r, w: _multiple_input(r, w) + "\n",
    _WIDGETS + "radio.html": lambda r, w: _multiple_input(r, w) + "\n\n",
    _WIDGETS + "checkbox_select.html": lambda r, w: _multiple_input(r, w) + "\n\n",
    _WIDGETS + "textarea.html": _plain(_textarea),
}


class WidgetRenderer(DjangoTemplates):
    """``FORM_RENDERER``: the templates of ``TEMPLATES`` in Python, the others by the engine."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        fast = TEMPLATES.get(template_name)
        widget = context.get("widget")
        if fast is not None and len(context) == 1 and isinstance(widget, Mapping):
            return fast(self, widget).strip()
        return super().render(template_name, context, request=request)
