"""Writes of the log review, and its reads that are logged (ADR 0039).

Every page of a review reads access-log entries and what the reviewers said of them: each such
read writes a row to the access log itself, as do the two questions a manager may ask of the log
("who has read this?", "what has this person read?").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.validators import redact_personal_identity_numbers, validate_no_personal_identity_number
from fridsam.logreview import drawing
from fridsam.logreview.models import Flag, Review, ReviewItem, ReviewPlan, Verdict
from fridsam.logreview.policies import review_policy

DEFAULT_ROUTINE = gettext_lazy(
    "Every time you open, list or export case-level data in Fridsam (follow-up records, "
    "consultations, applicants, the access log) it is written to the access log: who, when, what "
    "and with which purpose. The log cannot be changed. Each month the municipality's managers "
    "review the log: a random sample of every unit's reads, and every read that needs a look "
    "(records of other units, reads without a purpose or with the purpose “other”, many reads in "
    "a short time, records with protected personal data, refused attempts). The reviewer notes "
    "whether each read was justified or is to be followed up, and signs the review. Read only what "
    "your work needs, and say why when the record is not yours."
)
PAGE_SIZE = 50


def plan_for(municipality) -> ReviewPlan:
    """The municipality's plan, or the installation's default (monthly, five reads per unit) not
    yet saved."""
    plan = ReviewPlan.objects.filter(municipality=municipality).first()
    if plan is None:
        plan = ReviewPlan(municipality=municipality, routine=str(DEFAULT_ROUTINE))
    return plan


def plan_save(*, municipality, fields: dict, user) -> ReviewPlan:
    with transaction.atomic():
        plan = plan_for(municipality)
        created = plan.pk is None
        for name in ("frequency_months", "sample_size", "routine"):
            setattr(plan, name, fields[name])
        plan.updated_by = user
        plan.full_clean()
        plan.save()
        log_access(
            action=AccessAction.CREATE if created else AccessAction.CHANGE,
            object_type=plan,
            user=user,
            municipality=municipality,
        )
    return plan


def review_draw(*, municipality, period: drawing.Period, user, today: datetime.date | None = None) -> Review:
    """Draw the review of *period*: its sample and its flags, stored. A period drawn before is not
    drawn again (the stored review is returned): what the reviewer saw stays what they judged."""
    today = today or timezone.localdate()
    existing = Review.objects.filter(municipality=municipality, period_start=period.start).first()
    if existing is not None:
        return existing
    plan = plan_for(municipality)
    if period != drawing.period_containing(period.start, plan.frequency_months):
        raise ValidationError(_("The period does not follow the plan's frequency."))
    if period.end >= today:
        raise ValidationError(_("A period is reviewed once it is over."))
    drawn = drawing.draw(municipality=municipality, period=period, sample_size=plan.sample_size)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                municipality=municipality,
                period_start=period.start,
                period_end=period.end,
                drawn_at=timezone.now(),
                drawn_by=user,
                reads=drawn.reads,
                readers=drawn.readers,
                refused=drawn.refused,
            )
            ReviewItem.objects.bulk_create(
                [
                    ReviewItem(
                        review=review,
                        municipality=municipality,
                        entry_id=d.entry_id,
                        sequence=d.sequence,
                        occurred_at=d.occurred_at,
                        reader_id=d.user_id,
                        username=d.username,
                        unit_id=d.unit_id,
                        action=d.action,
                        object_type=d.object_type,
                        object_id=d.object_id,
                        purpose=d.purpose,
                        flags=[str(f) for f in d.flags],
                        burst_size=d.burst_size,
                    )
                    for d in drawn.items
                ],
                batch_size=1000,
            )
            log_access(
                action=AccessAction.CREATE,
                object_type=review,
                user=user,
                municipality=municipality,
                detail=f"{len(drawn.items)} records",
            )
    except IntegrityError:  # drawn by someone else at the same moment
        return Review.objects.get(municipality=municipality, period_start=period.start)
    return review


@dataclass
class ReviewPage:
    review: Review
    items: list[ReviewItem]
    decided: int

    @property
    def complete(self) -> bool:
        return self.decided == len(self.items)


def review_read(*, tenancy, pk: int, flag: str = "") -> ReviewPage:
    """A review with its reads (all, or those of one flag); the read is logged."""
    review = review_policy.get_or_404(tenancy, pk=pk)
    items = list(review.items.select_related("unit", "decided_by").order_by("unit__name", "occurred_at", "sequence"))
    decided = sum(1 for i in items if i.verdict)
    if flag:
        items = [i for i in items if flag in i.flags]
    log_access(
        action=AccessAction.READ,
        object_type=review,
        user=tenancy.user,
        municipality=review.municipality,
    )
    return ReviewPage(review, items, decided)


def item_mark(*, item: ReviewItem, verdict: str, note: str, user) -> ReviewItem:
    if verdict not in (Verdict.JUSTIFIED, Verdict.FOLLOW_UP):
        raise ValidationError({"verdict": _("Say whether the read was justified or is to be followed up.")})
    validate_no_personal_identity_number(note)
    if verdict == Verdict.FOLLOW_UP and not note.strip():
        raise ValidationError({"note": _("Say what is to be followed up.")})
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=item.review_id)
        if review.is_signed:
            raise ValidationError(_("The review is signed: its verdicts can no longer be changed."))
        item.verdict, item.note = verdict, note.strip()
        item.decided_at, item.decided_by = timezone.now(), user
        item.save(update_fields=["verdict", "note", "decided_at", "decided_by"])
        log_access(
            action=AccessAction.CHANGE,
            object_type=item,
            user=user,
            municipality=review.municipality,
            detail=f"entry {item.sequence}",
        )
    return item


def review_sign(*, review: Review, conclusion: str, user) -> Review:
    validate_no_personal_identity_number(conclusion)
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.is_signed:
            raise ValidationError(_("The review is already signed."))
        left = review.items.filter(verdict="").count()
        if left:
            raise ValidationError(
                _("%(n)s of the drawn reads are not reviewed yet: review every read before signing.") % {"n": left}
            )
        review.signed_at, review.signed_by, review.conclusion = timezone.now(), user, conclusion.strip()
        review.save(update_fields=["signed_at", "signed_by", "conclusion"])
        log_access(
            action=AccessAction.CHANGE, object_type=review, user=user, municipality=review.municipality, detail="signed"
        )
    return review


@dataclass
class PeriodRow:
    period: drawing.Period
    review: Review | None
    items: int = 0
    decided: int = 0
    follow_up: int = 0

    @property
    def overdue(self) -> bool:
        return (self.review is None or not self.review.is_signed) and self.period.due_on < timezone.localdate()


def _reviews_with_counts(municipality, **filters):
    return Review.objects.filter(municipality=municipality, **filters).annotate(
        n_items=Count("items"),
        n_decided=Count("items", filter=~Q(items__verdict="")),
        n_follow_up=Count("items", filter=Q(items__verdict=Verdict.FOLLOW_UP)),
    )


def reviews_overview_read(*, tenancy, municipality, today: datetime.date | None = None) -> list[PeriodRow]:
    """The last twelve periods that are over, each with its review if drawn; logged as a list."""
    review_policy.check(tenancy, "view", municipality)
    today = today or timezone.localdate()
    plan = plan_for(municipality)
    # Twelve periods back at most: as many years back as a period has months is enough.
    since = datetime.date(today.year - plan.frequency_months, 1, 1)
    periods = drawing.periods_ended(since, today, plan.frequency_months)
    periods = periods[-12:] if len(periods) > 12 else periods
    reviews = {
        r.period_start: r
        for r in _reviews_with_counts(municipality, period_start__gte=periods[0].start).select_related("signed_by")
    }
    rows = [
        PeriodRow(
            p,
            reviews.get(p.start),
            getattr(reviews.get(p.start), "n_items", 0),
            getattr(reviews.get(p.start), "n_decided", 0),
            getattr(reviews.get(p.start), "n_follow_up", 0),
        )
        for p in reversed(periods)
    ]
    log_access(
        action=AccessAction.LIST,
        object_type=Review,
        user=tenancy.user,
        municipality=municipality,
        detail=",".join(str(r.review.pk) for r in rows if r.review is not None),
    )
    return rows


@dataclass
class YearSummary:
    year: int
    rows: list[PeriodRow]
    flags: list[tuple[str, int, int]]  # (label, drawn, to be followed up)
    reads: int
    refused: int
    signed: int

    @property
    def periods(self) -> int:
        return len(self.rows)


def year_summary_read(*, tenancy, municipality, year: int, today: datetime.date | None = None) -> YearSummary:
    """The year's reviews of a municipality: each period's state, the flags and what was found."""
    review_policy.check(tenancy, "view", municipality)
    today = today or timezone.localdate()
    plan = plan_for(municipality)
    periods = [
        p
        for p in drawing.periods_ended(datetime.date(year, 1, 1), min(today, datetime.date(year + 1, 1, 1)),
                                       plan.frequency_months)
        if p.start.year == year
    ]  # fmt: skip
    reviews = {
        r.period_start: r
        for r in _reviews_with_counts(municipality, period_start__year=year).select_related("signed_by")
    }
    rows = [
        PeriodRow(p, reviews.get(p.start), getattr(reviews.get(p.start), "n_items", 0),
                  getattr(reviews.get(p.start), "n_decided", 0), getattr(reviews.get(p.start), "n_follow_up", 0))
        for p in periods
    ]  # fmt: skip
    drawn = {f: 0 for f in Flag.values}
    follow = {f: 0 for f in Flag.values}
    for flags, verdict in ReviewItem.objects.filter(review__in=list(reviews.values())).values_list("flags", "verdict"):
        for f in flags:
            if f in drawn:
                drawn[f] += 1
                follow[f] += verdict == Verdict.FOLLOW_UP
    log_access(
        action=AccessAction.LIST,
        object_type=Review,
        user=tenancy.user,
        municipality=municipality,
        detail=f"year={year}",
    )
    return YearSummary(
        year=year,
        rows=rows,
        flags=[(str(Flag(f).label), drawn[f], follow[f]) for f in Flag.values],
        reads=sum(r.reads for r in reviews.values()),
        refused=sum(r.refused for r in reviews.values()),
        signed=sum(1 for r in reviews.values() if r.is_signed),
    )


# --- The two questions ------------------------------------------------------------------------


def _in_municipality(tenancy, municipality):
    review_policy.check(tenancy, "view", municipality)
    return AccessLogEntry.objects.filter(municipality=municipality).order_by("-sequence")


def who_read(*, tenancy, municipality, object_type: str, object_id: str, page: str | None) -> Page:
    """Every entry of the municipality's log about one object: its reads, the lists that showed
    it (a follow-up record on a page of the record list), changes and refused attempts. The
    question is logged, with what was asked."""
    qs = _in_municipality(tenancy, municipality).filter(object_type=object_type)
    shown_in_list = Q(action=AccessAction.LIST, detail__regex=rf"^page [0-9]+: ([0-9]+,)*{int(object_id)}(,|$)")
    result = Paginator(qs.filter(Q(object_id=object_id) | shown_in_list), PAGE_SIZE).get_page(page)
    log_access(
        action=AccessAction.LIST,
        object_type=AccessLogEntry,
        user=tenancy.user,
        municipality=municipality,
        detail=f"who read {object_type} {object_id}",
    )
    return result


def what_read(*, tenancy, municipality, person, asked: str, page: str | None) -> Page:
    """Everything one person did in the municipality's log: *person* when they are of its staff,
    else whoever has the id *asked* (a former member of staff is still in the log). Only this
    municipality's entries are read; the question is logged either way."""
    user_id = person.pk if person is not None else (int(asked) if asked.isdigit() else 0)
    result = Paginator(_in_municipality(tenancy, municipality).filter(user_id=user_id), PAGE_SIZE).get_page(page)
    who = person.username if person is not None else f"#{asked}"
    log_access(
        action=AccessAction.LIST,
        object_type=AccessLogEntry,
        user=tenancy.user,
        municipality=municipality,
        detail=redact_personal_identity_numbers(f"what read {who}")[:300],
    )
    return result
