"""Writes of the public pages: a coordinator edits and submits, a manager approves (never the one
who wrote the version) or sends it back. Approval freezes the texts into a new published version."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.public.models import DraftStatus, PublicPageDraft, PublishedPage

CONTENT_FIELDS = ("intro", "phone", "opening_hours", "after_hours", "visiting_address", "email", "extra")


def draft_for(municipality) -> PublicPageDraft | None:
    return PublicPageDraft.objects.filter(municipality=municipality).first()


def draft_save(*, municipality, data: dict, partners, user) -> PublicPageDraft:
    """Save the draft; a page in review or published goes back to draft until approved again."""
    draft = draft_for(municipality) or PublicPageDraft(municipality=municipality)
    for name in (*CONTENT_FIELDS, "show_contact"):
        if name in data:
            value = data[name]
            setattr(draft, name, value.strip() if isinstance(value, str) else value)
    if any(p.county_id != municipality.county_id for p in partners):
        raise ValidationError({"partners": _("Choose organisations of the county.")})
    draft.edited_by = user
    draft.status = DraftStatus.DRAFT
    draft.full_clean(exclude=["municipality", "edited_by", "submitted_by", "partners"])
    with transaction.atomic():
        draft.save()
        draft.partners.set(partners)
        log_access(action=AccessAction.CHANGE, object_type=draft, user=user, municipality=municipality)
    return draft


def draft_submit(*, draft: PublicPageDraft, user) -> PublicPageDraft:
    if draft.status != DraftStatus.DRAFT:
        raise ValidationError(_("Only a draft can be sent for approval."))
    with transaction.atomic():
        draft.status = DraftStatus.IN_REVIEW
        draft.submitted_by = user
        draft.review_comment = ""
        draft.save(update_fields=["status", "submitted_by", "review_comment"])
        log_access(
            action=AccessAction.CHANGE,
            object_type=draft,
            user=user,
            municipality=draft.municipality,
            detail="submitted",
        )
    return draft


def draft_return(*, draft: PublicPageDraft, user, comment: str) -> PublicPageDraft:
    if draft.status != DraftStatus.IN_REVIEW:
        raise ValidationError(_("The page is not waiting for approval."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should be changed.")})
    draft.review_comment = comment
    draft.full_clean(exclude=["municipality", "edited_by", "submitted_by", "partners"])
    with transaction.atomic():
        draft.status = DraftStatus.DRAFT
        draft.save(update_fields=["status", "review_comment"])
        log_access(
            action=AccessAction.CHANGE,
            object_type=draft,
            user=user,
            municipality=draft.municipality,
            detail="returned",
        )
    return draft


def draft_approve(*, draft: PublicPageDraft, user) -> PublishedPage:
    """Publish the draft as a new version. The manager who approves did not write it."""
    if draft.status != DraftStatus.IN_REVIEW:
        raise ValidationError(_("The page is not waiting for approval."))
    if user.pk in (draft.edited_by_id, draft.submitted_by_id):
        raise ValidationError(_("Someone other than the author approves the page."))
    with transaction.atomic():
        draft = PublicPageDraft.objects.select_for_update().get(pk=draft.pk)
        if draft.status != DraftStatus.IN_REVIEW:
            raise ValidationError(_("The page is not waiting for approval."))
        last = PublishedPage.objects.filter(municipality=draft.municipality).aggregate(v=Max("version"))["v"] or 0
        page = PublishedPage.objects.create(
            municipality=draft.municipality,
            version=last + 1,
            content={name: getattr(draft, name) for name in CONTENT_FIELDS},
            show_contact=draft.show_contact,
            partner_ids=sorted(draft.partners.values_list("pk", flat=True)),
            edited_by=draft.edited_by,
            approved_by=user,
            published_at=timezone.now(),
        )
        draft.status = DraftStatus.PUBLISHED
        draft.save(update_fields=["status"])
        log_access(
            action=AccessAction.CHANGE,
            object_type=draft,
            user=user,
            municipality=draft.municipality,
            detail=f"published v{page.version}",
        )
    return page
