from django.db import transaction
from django.utils import timezone

from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.core.validators import validate_no_personal_identity_number
from fridsam.reports.models import ReportText


def report_text_save(*, year: int, foreword: str, conclusions: str, user, county=None, municipality=None):
    """The analyst's (or the municipality's) foreword and conclusions for a year's report."""
    for text in (foreword, conclusions):
        validate_no_personal_identity_number(text)
    with transaction.atomic():
        text, _created = ReportText.objects.update_or_create(
            county=county,
            municipality=municipality,
            year=year,
            defaults={
                "foreword": foreword.strip(),
                "conclusions": conclusions.strip(),
                "updated_at": timezone.now(),
                "updated_by": user,
            },
        )
        log_access(
            action=AccessAction.CHANGE,
            object_type=text,
            municipality=municipality,
            county=county,
            detail=f"Rapporttext {year}",
        )
    return text
