"""Django forms built from a scenario's parameter specs.

One form class validates parameters everywhere: the playground page, the API
and `manage.py simulate`, with messages in the reader's language.
"""

from __future__ import annotations

import random
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from workers.sim.engine import Scenario
from workers.sim.params import Param

MAX_SEED = 2**31 - 1


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _field_for(spec: Param, language: str) -> forms.Field:
    label = spec.label.get(language) + (f" ({spec.unit})" if spec.unit else "")
    help_text = spec.help.get(language)
    if spec.type in ("int", "float") and spec.min is not None and spec.max is not None:
        with translation.override(language):
            bounds = gettext("Allowed: %(min)s to %(max)s.") % {"min": _number(spec.min), "max": _number(spec.max)}
            help_text += ("" if language == "ja" else " ") + bounds  # Japanese sentences take no space
    common: dict[str, Any] = {"label": label, "help_text": help_text, "initial": spec.default}
    if spec.type == "int":
        return forms.IntegerField(min_value=spec.min, max_value=spec.max, step_size=None, **common)
    if spec.type == "float":
        field = forms.FloatField(min_value=spec.min, max_value=spec.max, **common)
        field.widget.attrs["step"] = spec.step or "any"
        return field
    if spec.type == "bool":
        return forms.BooleanField(required=False, **common)
    if spec.type == "choice":
        choices = [(c.value, c.label.get(language)) for c in spec.choices]
        return forms.ChoiceField(choices=choices, **common)
    raise ValueError(f"unknown parameter type {spec.type!r}")


class ScenarioForm(forms.Form):
    """Parameters of one scenario plus the seed. Build it with `form_for`."""

    scenario: Scenario
    only_seed: bool = False

    def params(self) -> dict[str, Any]:
        return {spec.name: self.cleaned_data[spec.name] for spec in self.scenario.params}

    def seed(self) -> int:
        seed = self.cleaned_data.get("seed")
        return random.randint(0, MAX_SEED) if seed is None else seed


def form_for(
    scenario: Scenario,
    data: dict[str, Any] | None = None,
    initial: dict | None = None,
    *,
    prefix: str | None = None,
    with_seed: bool = True,
    only_seed: bool = False,
) -> ScenarioForm:
    language = get_language() or "en"
    fields: dict[str, forms.Field] = {}
    if not only_seed:
        fields.update({spec.name: _field_for(spec, language) for spec in scenario.params})
    if with_seed or only_seed:
        fields["seed"] = forms.IntegerField(
            label=_("Seed"),
            required=False,
            min_value=0,
            max_value=MAX_SEED,
            help_text=_("The same parameters and seed always give the same run. Leave empty for a random seed."),
        )
    form_class = type(
        f"{scenario.slug.title().replace('-', '')}Form",
        (ScenarioForm,),
        {**fields, "scenario": scenario, "only_seed": only_seed},
    )
    return form_class(data=data, initial=initial, prefix=prefix)


def form_for_values(scenario: Scenario, values: dict[str, Any], seed: Any = None) -> ScenarioForm:
    """A bound form from typed values (API JSON, command line); unset parameters take their defaults."""
    merged = {**scenario.defaults(), **values}
    # An HTML checkbox is "on" when ticked and absent when not; BooleanField reads it that way.
    data = {name: ("on" if value is True else "" if value is False else value) for name, value in merged.items()}
    if seed is not None:
        data["seed"] = seed
    return form_for(scenario, data=data)


def check_as_typed(form: ScenarioForm, validate_url: str) -> ScenarioForm:
    """Have each input ask the server about its value as the reader types (htmx),
    showing the answer next to the field in the reader's language."""
    for name, field in form.fields.items():
        bound = form[name]
        query = f"field={name}" + (f"&prefix={form.prefix}" if form.prefix else "")
        error_id = f"{bound.auto_id}_error"
        field.widget.attrs.update(
            {
                "hx-post": f"{validate_url}?{query}",
                "hx-trigger": "input changed delay:250ms, change",
                "hx-target": f"#{error_id}",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
                "hx-sync": "this:replace",
                "aria-describedby": f"{bound.auto_id}_help {error_id}",
            }
        )
    return form
