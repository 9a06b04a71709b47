"""Writes about documents, versions, acknowledgements and action plans. Atomic, validated,
written to the access log."""

from __future__ import annotations

import datetime
import mimetypes

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fridsam.accounts.models import memberships_unscoped
from fridsam.core import reminders, uploads
from fridsam.core.audit import log_access
from fridsam.core.dates import add_months
from fridsam.core.models import AccessAction
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.validators import validate_no_personal_identity_number
from fridsam.organisations.models import UnitType
from fridsam.routines.models import (
    Acknowledgement,
    ActionPlan,
    Activity,
    Attachment,
    Document,
    DocumentVersion,
    GoalAssessment,
    PlanGoal,
    SubGoal,
    VersionStatus,
)

ATTACHMENT_TYPES = {".pdf", ".docx", ".xlsx", ".odt", ".ods", ".pptx", ".txt", ".png", ".jpg", ".jpeg"}
ATTACHMENT_MAX = 10 * 1024 * 1024


def _log(action, obj, user, *, municipality=None, detail=""):
    log_access(action=action, object_type=obj, user=user, municipality=municipality, detail=detail)


def _check_targets(fields: dict) -> None:
    if set(fields.get("unit_types") or []) - set(UnitType.values):
        raise ValidationError({"unit_types": _("Unknown unit type.")})
    if set(fields.get("roles") or []) - set(MUNICIPAL_ROLES):
        raise ValidationError({"roles": _("Choose roles in the social services.")})


def document_create(*, municipality, fields: dict, body: str, user) -> Document:
    """A new document with its first version as a draft."""
    _check_targets(fields)
    with transaction.atomic():
        document = Document(municipality=municipality, **fields)
        document.full_clean(exclude=["current_version"])
        document.save()
        version = DocumentVersion(document=document, number=1, body=body, written_by=user)
        version.full_clean()
        version.save()
        version.writers.add(user)
        _log(AccessAction.CREATE, document, user, municipality=municipality)
    return document


def document_update(*, document: Document, fields: dict, user) -> Document:
    """The document's particulars (title, owner, target groups, legal references, review interval)."""
    _check_targets(fields)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(document, name, value)
        document.full_clean(exclude=["current_version"])
        document.save()
        _log(AccessAction.CHANGE, document, user, municipality=document.municipality, detail="particulars")
    return document


def open_version(document: Document) -> DocumentVersion | None:
    return document.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW]).first()


def version_write(*, document: Document, body: str, change_note: str, user) -> DocumentVersion:
    """Write the open version (a version in review goes back to draft), or start the next one
    from the version in force. Attachments of the version in force come along."""
    if document.archived_at:
        raise ValidationError(_("An archived document is not changed."))
    with transaction.atomic():
        Document.system_objects.select_for_update().filter(pk=document.pk).first()
        version = open_version(document)
        if version is None:
            number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = DocumentVersion(document=document, number=number, written_by=user)
            carried = list(document.current_version.attachments.all()) if document.current_version_id else []
        else:
            carried = []
        version.body, version.change_note, version.written_by = body, change_note, user
        version.status, version.submitted_at = VersionStatus.DRAFT, None
        version.full_clean()
        version.save()
        version.writers.add(user)
        for attachment in carried:
            attachment.pk, attachment.version = None, version
            attachment.save()
        _log(
            AccessAction.CHANGE,
            document,
            user,
            municipality=document.municipality,
            detail=f"version={version.number}",
        )
    return version


def version_submit(*, version: DocumentVersion, user) -> DocumentVersion:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft is sent for approval."))
    if not version.body.strip():
        raise ValidationError(_("Write the content before sending it for approval."))
    with transaction.atomic():
        version.status, version.submitted_at = VersionStatus.IN_REVIEW, timezone.now()
        version.save(update_fields=["status", "submitted_at"])
        _log(
            AccessAction.CHANGE,
            version.document,
            user,
            municipality=version.document.municipality,
            detail="submitted",
        )
    reminders.refresh_for(_managers(version.document))
    return version


def version_return(*, version: DocumentVersion, user) -> DocumentVersion:
    if version.status != VersionStatus.IN_REVIEW:
        raise ValidationError(_("Only a version in review is sent back."))
    with transaction.atomic():
        version.status, version.submitted_at = VersionStatus.DRAFT, None
        version.save(update_fields=["status", "submitted_at"])
        _log(
            AccessAction.CHANGE,
            version.document,
            user,
            municipality=version.document.municipality,
            detail="returned",
        )
    reminders.refresh_for(_managers(version.document))
    return version


def _managers(document):
    return (
        memberships_unscoped()
        .active()
        .filter(municipality_id=document.municipality_id, role=Role.MANAGER)
        .values_list("user_id", flat=True)
    )


def version_approve(*, version: DocumentVersion, user, on: datetime.date | None = None) -> DocumentVersion:
    """A manager approves a version in review: it comes into force, the one before is superseded,
    the next review is due after the document's interval, and everyone concerned reads it again."""
    on = on or timezone.localdate()
    with transaction.atomic():
        version = DocumentVersion.system_objects.select_for_update().select_related("document").get(pk=version.pk)
        if version.status != VersionStatus.IN_REVIEW:
            raise ValidationError(_("Only a version in review can be approved."))
        if version.writers.filter(pk=user.pk).exists():
            # Four eyes, as for role descriptions and the public page.
            raise ValidationError(_("The version must be approved by someone who did not write it."))
        document = version.document
        DocumentVersion.system_objects.filter(document=document, status=VersionStatus.APPROVED).update(
            status=VersionStatus.SUPERSEDED
        )
        version.status, version.approved_by, version.approved_at = VersionStatus.APPROVED, user, timezone.now()
        version.save(update_fields=["status", "approved_by", "approved_at"])
        document.current_version = version
        document.last_reviewed_on = on
        document.review_due = add_months(on, document.review_months)
        document.save(update_fields=["current_version", "last_reviewed_on", "review_due"])
        _log(
            AccessAction.CHANGE,
            document,
            user,
            municipality=document.municipality,
            detail=f"approved={version.number}",
        )
    reminders.refresh_for([user, document.owner_id])
    return version


def document_reviewed(*, document: Document, user, on: datetime.date | None = None) -> Document:
    """A manager confirms a review that changed nothing: the version in force stands and the next
    review is due after the interval."""
    on = on or timezone.localdate()
    if document.current_version_id is None or document.archived_at:
        raise ValidationError(_("Only a document in force is reviewed."))
    with transaction.atomic():
        document.last_reviewed_on = on
        document.review_due = add_months(on, document.review_months)
        document.save(update_fields=["last_reviewed_on", "review_due"])
        _log(
            AccessAction.CHANGE,
            document,
            user,
            municipality=document.municipality,
            detail="reviewed unchanged",
        )
    reminders.refresh_for([user, document.owner_id])
    return document


def document_archive(*, document: Document, user) -> Document:
    with transaction.atomic():
        document.archived_at, document.archived_by = timezone.now(), user
        document.save(update_fields=["archived_at", "archived_by"])
        DocumentVersion.system_objects.filter(
            document=document, status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW]
        ).delete()
        _log(AccessAction.CHANGE, document, user, municipality=document.municipality, detail="archived")
    return document


def acknowledge(*, document: Document, user) -> Acknowledgement:
    """The user confirms having read the version in force."""
    if document.current_version_id is None or document.archived_at:
        raise ValidationError(_("There is no version in force to confirm."))
    try:
        with transaction.atomic():
            ack = Acknowledgement.objects.create(version_id=document.current_version_id, user=user)
            _log(
                AccessAction.CREATE,
                ack,
                user,
                municipality=document.municipality,
                detail=f"document={document.pk}",
            )
    except IntegrityError:
        ack = Acknowledgement.system_objects.get(version_id=document.current_version_id, user=user)
    reminders.refresh_for([user])
    return ack


def attachment_add(*, version: DocumentVersion, upload, user) -> Attachment:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Files are added to a draft."))
    name = (upload.name or "").rsplit("/", 1)[-1][:200]
    validate_no_personal_identity_number(name)  # a file named after a client's number is refused
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("Attach a file of one of these types: %(types)s.") % {"types": ", ".join(sorted(ATTACHMENT_TYPES))}
        )
    if upload.size > ATTACHMENT_MAX:
        raise ValidationError(_("The file is larger than 10 MB."))
    try:
        uploads.check_attachment(upload, extension)  # the content is of the type its name says
    except uploads.FileError as error:
        raise ValidationError(str(error)) from None
    with transaction.atomic():
        attachment = Attachment(
            version=version,
            name=name,
            size=upload.size,
            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
            uploaded_by=user,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        version.writers.add(user)
        _log(AccessAction.CREATE, attachment, user, municipality=version.document.municipality)
    return attachment


def attachment_remove(*, attachment: Attachment, user) -> None:
    if attachment.version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Files are removed from a draft."))
    with transaction.atomic():
        _log(AccessAction.DELETE, attachment, user, municipality=attachment.version.document.municipality)
        attachment.delete()  # the file stays: earlier versions may point at it
        attachment.version.writers.add(user)


# --- Action plans ---------------------------------------------------------------------------


def action_plan_create(*, municipality, fields: dict, goals: list[str], user) -> ActionPlan:
    goals = [g.strip() for g in goals if g.strip()]
    if not goals:
        raise ValidationError({"goals": _("An action plan needs at least one goal.")})
    with transaction.atomic():
        plan = ActionPlan(municipality=municipality, created_by=user, **fields)
        plan.full_clean()
        plan.save()
        for order, text in enumerate(goals):
            goal = PlanGoal(plan=plan, text=text, order=order)
            goal.full_clean()
            goal.save()
        _log(AccessAction.CREATE, plan, user, municipality=municipality)
    return plan


def sub_goal_add(*, goal: PlanGoal, text: str, user) -> SubGoal:
    with transaction.atomic():
        sub = SubGoal(goal=goal, text=text, order=goal.sub_goals.count())
        sub.full_clean()
        sub.save()
        _log(
            AccessAction.CHANGE,
            goal.plan,
            user,
            municipality=goal.plan.municipality,
            detail=f"sub_goal={sub.pk}",
        )
    return sub


def activity_save(*, sub_goal: SubGoal, fields: dict, user, activity: Activity | None = None) -> Activity:
    plan = sub_goal.goal.plan
    owner = fields.get("owner")
    if owner is not None and not owner.memberships.filter(municipality_id=plan.municipality_id).exists():
        raise ValidationError({"owner": _("The owner must work in the municipality.")})
    with transaction.atomic():
        activity = activity or Activity(sub_goal=sub_goal)
        for name, value in fields.items():
            setattr(activity, name, value)
        activity.full_clean()
        activity.save()
        _log(AccessAction.CHANGE, plan, user, municipality=plan.municipality, detail=f"activity={activity.pk}")
    reminders.refresh_for([activity.owner_id])
    return activity


def goal_assess(*, goal: PlanGoal, year: int, result: str, assessment: str, user) -> GoalAssessment:
    plan = goal.plan
    if not plan.first_year <= year <= plan.last_year:
        raise ValidationError({"year": _("The year is outside the plan's period.")})
    with transaction.atomic():
        row, _created = GoalAssessment.system_objects.update_or_create(
            goal=goal, year=year, defaults={"result": result, "assessment": assessment, "assessed_by": user}
        )
        row.full_clean()
        _log(
            AccessAction.CHANGE,
            plan,
            user,
            municipality=plan.municipality,
            detail=f"assessment={goal.pk}:{year}",
        )
    return row
