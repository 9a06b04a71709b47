"""Turning a service's ValidationError into form errors, so a form re-shows what was typed."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render


def add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class DateInput(forms.DateInput):
    """A date typed the Swedish way, ÅÅÅÅ-MM-DD, whatever the browser's language (ADR 0026): a
    text input, since the browser's own date input shows the format of the browser's locale
    (MM/DD/YYYY in an American one). The field template shows the format as the field's hint."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "maxlength": "10", **(attrs or {})}, format="%Y-%m-%d")


def run_service(request, call, success_message: str) -> bool:
    """Call a service for a button without a form (approve, archive, mark done…): its
    ValidationError becomes error messages, success a success message."""
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, success_message)
    return True


def save_form(request, form, save, *, success_message: str = "") -> bool:
    """Validate *form* on POST and call ``save(cleaned_data)`` (a service call). A service's
    ValidationError lands on the form, which re-shows what was typed. True when saved."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    if success_message:
        messages.success(request, success_message)
    return True


def render_form_page(request, form, *, title, cancel_url=None, intro="", submit=None, municipality=None):
    """A plain form on the shared page (fridsam/form_page.html): title, intro, errors, the fields
    as typed, submit and cancel."""
    return render(
        request,
        "fridsam/form_page.html",
        {
            "form": form,
            "page_title": title,
            "intro": intro,
            "cancel_url": cancel_url,
            "submit": submit,
            "municipality": municipality,
        },
    )
