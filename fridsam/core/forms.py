"""Turning a service's ValidationError into form errors, so a form re-shows what was typed."""

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
