"""Who may do what with follow-up records and consultations.

Records: the owning social worker, managers of the record's unit (a manager without a unit: of
the whole municipality) and the municipality's coordinators. Never the county, never another
municipality, never partners: the ``case_municipality`` scope already keeps them out, and the
policy narrows it to these roles. Consultations: the social worker who asked, and those who
answer them (the municipality's coordinators, its violence team, the assignee).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from fridsam.coordination.models import Team
from fridsam.coordination.selectors import current_q
from fridsam.core.policies import ADD, CHANGE, VIEW, PermissionPolicy
from fridsam.core.roles import Role
from fridsam.followup.models import Consultation, FollowUpRecord

REASSIGN = "reassign"
ANSWER = "answer"
# The municipality's records in the SU-Kvinnofrid variable set (obj: a municipality).
BENCHMARK = "benchmark"


class FollowUpPolicy(PermissionPolicy):
    model = FollowUpRecord
    actions = (VIEW, ADD, CHANGE, REASSIGN, BENCHMARK)

    def base_queryset(self):
        return FollowUpRecord.objects.select_related("unit", "owner")

    @staticmethod
    def reader_q(tenancy) -> Q:
        q = Q(pk__in=[])
        for m in tenancy.memberships:
            if m.role == Role.SOCIAL_WORKER:
                q |= Q(owner_id=tenancy.user.pk, municipality_id=m.municipality_id)
            elif m.role == Role.MANAGER:
                q |= Q(unit_id=m.unit_id) if m.unit_id else Q(municipality_id=m.municipality_id)
            elif m.role == Role.COORDINATOR:
                q |= Q(municipality_id=m.municipality_id)
        return q

    def _reads(self, tenancy, record) -> bool:
        for m in tenancy.memberships:
            if m.municipality_id != record.municipality_id:
                continue
            if m.role == Role.SOCIAL_WORKER and record.owner_id == tenancy.user.pk:
                return True
            if m.role == Role.MANAGER and (m.unit_id is None or m.unit_id == record.unit_id):
                return True
            if m.role == Role.COORDINATOR:
                return True
        return False

    def can(self, tenancy, action, obj=None):
        if action == VIEW:
            if obj is None:
                return tenancy.has_role(Role.SOCIAL_WORKER, Role.MANAGER, Role.COORDINATOR)
            return self._reads(tenancy, obj)
        if action == ADD:
            return tenancy.has_role(Role.SOCIAL_WORKER, municipality=obj)
        if action == CHANGE:
            return (
                obj is not None
                and obj.owner_id == tenancy.user.pk
                and tenancy.has_role(Role.SOCIAL_WORKER, municipality=obj.municipality_id)
            )
        if action == BENCHMARK:
            # The coordinators and the managers of the whole municipality read all its records.
            return obj is not None and any(
                m.municipality_id == obj.pk
                and (m.role == Role.COORDINATOR or (m.role == Role.MANAGER and m.unit_id is None))
                for m in tenancy.memberships
            )
        if action == REASSIGN:
            return obj is not None and any(
                m.role == Role.MANAGER
                and m.municipality_id == obj.municipality_id
                and (m.unit_id is None or m.unit_id == obj.unit_id)
                for m in tenancy.memberships
            )
        return False

    def visible(self, tenancy, action=VIEW):
        if action != VIEW or not self.can(tenancy, VIEW):
            return self.base_queryset().none()
        return self.base_queryset().filter(self.reader_q(tenancy))

    @staticmethod
    def is_owner(tenancy, record) -> bool:
        return record.owner_id == tenancy.user.pk

    @staticmethod
    def worker_memberships(tenancy) -> list:
        """The memberships in which the user keeps records of their own (social worker): where they
        register records, and whether they have a list of their own."""
        return tenancy.memberships_with_role(Role.SOCIAL_WORKER)

    @staticmethod
    def reads_others(tenancy) -> bool:
        """Does the user read records they do not own (managers, coordinators; with a purpose)?"""
        return tenancy.has_role(Role.MANAGER, Role.COORDINATOR)


def answering_municipality_ids(tenancy) -> set[int]:
    """Municipalities where the user answers consultations: as coordinator, or as leader or
    member of the municipality's current violence team. Cached on the tenancy."""
    cached = getattr(tenancy, "_answering_ids", None)
    if cached is not None:
        return cached

    ids = {m.municipality_id for m in tenancy.memberships if m.role == Role.COORDINATOR}
    municipal = {m.municipality_id for m in tenancy.memberships if m.municipality_id}
    if municipal:
        ids |= set(
            Team.system_objects.filter(current_q("", timezone.localdate()), municipality_id__in=municipal)
            .filter(Q(leader_id=tenancy.user.pk) | Q(members__user_id=tenancy.user.pk))
            .values_list("municipality_id", flat=True)
        )
    tenancy._answering_ids = ids
    return ids


class ConsultationPolicy(PermissionPolicy):
    model = Consultation
    actions = (VIEW, ADD, ANSWER, CHANGE)

    def base_queryset(self):
        return Consultation.objects.select_related("unit", "asked_by", "assignee", "record")

    def can(self, tenancy, action, obj=None):
        if action == ADD:
            return tenancy.has_role(Role.SOCIAL_WORKER, Role.MANAGER, municipality=obj)
        if obj is None:
            if action == VIEW:
                return tenancy.has_role(Role.SOCIAL_WORKER, Role.MANAGER, Role.COORDINATOR) or bool(
                    answering_municipality_ids(tenancy)
                )
            if action == ANSWER:
                return bool(answering_municipality_ids(tenancy))
            return False
        answers = obj.municipality_id in answering_municipality_ids(tenancy) or obj.assignee_id == tenancy.user.pk
        asker = obj.asked_by_id == tenancy.user.pk
        if action == VIEW:
            return asker or answers
        if action == ANSWER:
            return answers and not asker
        if action == CHANGE:  # follow up, close
            return asker or answers
        return False

    @staticmethod
    def asker_memberships(tenancy) -> list:
        """The memberships in which the user asks (social worker, manager); the first names the
        municipality and the unit of a new question."""
        return tenancy.memberships_with_role(Role.SOCIAL_WORKER, Role.MANAGER)

    @staticmethod
    def statistics_municipality_ids(tenancy) -> list[int]:
        """The municipalities whose consultation statistics the user reads: where they are
        coordinator or manager, and where they answer consultations."""
        return sorted(
            {m.municipality_id for m in tenancy.memberships if m.role in (Role.COORDINATOR, Role.MANAGER)}
            | answering_municipality_ids(tenancy)
        )

    def visible(self, tenancy, action=VIEW):
        q = Q(asked_by_id=tenancy.user.pk) | Q(assignee_id=tenancy.user.pk)
        ids = answering_municipality_ids(tenancy)
        if ids:
            q |= Q(municipality_id__in=sorted(ids))
        return self.base_queryset().filter(q)


followup_policy = FollowUpPolicy()
consultation_policy = ConsultationPolicy()
