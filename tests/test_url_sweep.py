"""Every named URL, requested as anonymous, as every role of another tenant and as a national
actor's analyst.

Generated from the URLconf, so a new view is covered the day it is written. A URL must be
either explicitly public or reachable by its own tenant; anything else fails the test. A URL
whose path names a tenant object needs an entry in TENANT_KWARGS, built from the "own" tenant.
The national analyst (ADR 0042) belongs to no tenant: every URL not in NATIONAL_PAGES must refuse
them, and those it may reach show nothing of any municipality.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fridsam.core.roles import MUNICIPAL_ROLES, Role

# Reachable without logging in. Everything else must send an anonymous visitor to the login page.
PUBLIC = {
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",  # closed: it says so to everyone
    "account_email_verification_sent",
    "account_confirm_email",
    "account_confirm_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "mfa_authenticate",  # the second login step
    "set_language",
    "core:healthz",
    "core:ready",
    "core:favicon",
    "public:page",  # the municipality's public page: anyone, without a login
    "public:accessibility",
    "competence:feed",  # a calendar program fetches it with the person's secret address
    "admin:login",  # a redirect to the two-factor login
    # Federated login (ADR 0035): the protocols' endpoints, their error pages, the logout's offer.
    "openid_connect_login",
    "openid_connect_callback",
    "saml_login",
    "saml_acs",
    "saml_finish_acs",
    "saml_sls",
    "saml_metadata",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
    "socialaccount_signup",
    "accounts:logged_out",
    "accounts:idp_logout",
}
# The protocols' endpoints name an identity provider; the sample names none, so they answer 404.
FEDERATION_ENDPOINTS = {n for n in PUBLIC if n.startswith(("openid_connect_", "saml_"))}

# Sample kwargs for URLs that name tenant objects, built from the "own" tenant of the world.
TENANT_KWARGS = {
    "core:access_log": lambda w: {"municipality_code": w.own.municipality.code},
    "organisations:municipality_detail": lambda w: {"municipality_code": w.own.municipality.code},
    "organisations:unit_create": lambda w: {"municipality_code": w.own.municipality.code},
    "organisations:unit_update": lambda w: {"municipality_code": w.own.municipality.code, "pk": w.own.unit.pk},
    "coordination:post_create": lambda w: {"municipality_code": w.own.municipality.code},
    "coordination:post_update": lambda w: {"municipality_code": w.own.municipality.code, "pk": w.own.post.pk},
    "coordination:role_description": lambda w: {"municipality_code": w.own.municipality.code, "pk": w.own.post.pk},
    "coordination:role_description_approve": lambda w: {
        "municipality_code": w.own.municipality.code,
        "pk": w.own.post.pk,
        "description_pk": w.own.role_description.pk,
    },
    "coordination:absence_create": lambda w: {"municipality_code": w.own.municipality.code, "pk": w.own.post.pk},
    "coordination:team_edit": lambda w: {"municipality_code": w.own.municipality.code},
    "coordination:assignment_add": lambda w: {"municipality_code": w.own.municipality.code, "pk": w.own.post.pk},
    "healthcheck:county_matrix": lambda w: {"county_code": w.own.county.code},
    "retention:overview": lambda w: {"municipality_code": w.own.municipality.code},
    "retention:preview": lambda w: {"municipality_code": w.own.municipality.code},
    "retention:rule_edit": lambda w: {"municipality_code": w.own.municipality.code, "kind": "consultation"},
    "retention:rule_reset": lambda w: {"municipality_code": w.own.municipality.code, "kind": "consultation"},
    "retention:hold_create": lambda w: {"municipality_code": w.own.municipality.code},
    "retention:hold_lift": lambda w: {"municipality_code": w.own.municipality.code, "pk": _retention(w)["hold"]},
    "retention:run": lambda w: {"pk": _retention(w)["run"]},
    "retention:staff": lambda w: {"municipality_code": w.own.municipality.code},
    "retention:staff_leave": lambda w: {
        "municipality_code": w.own.municipality.code,
        "user_pk": w.own.users[Role.SOCIAL_WORKER].pk,
    },
    "retention:run_sign": lambda w: {"pk": _retention(w)["run"]},
    "healthcheck:history": lambda w: {"municipality_code": w.own.municipality.code},
    "statistics:municipality": lambda w: {"municipality_code": w.own.municipality.code},
    "statistics:enter_year": lambda w: {"municipality_code": w.own.municipality.code, "year": 2024},
    "statistics:observations": lambda w: {"municipality_code": w.own.municipality.code},
    "statistics:county": lambda w: {"county_code": w.own.county.code},
    "statistics:ranking": lambda w: {"county_code": w.own.county.code},
    "statistics:effects": lambda w: {"county_code": w.own.county.code},
    "statistics:skr_municipality": lambda w: {"municipality_code": w.own.municipality.code},
    "statistics:skr_county": lambda w: {"county_code": w.own.county.code},
    "followup:record_export_suv": lambda w: {"municipality_code": w.own.municipality.code, "year": 2026},
    "opencomparisons:survey_current": lambda w: {"municipality_code": w.own.municipality.code},
    "opencomparisons:survey": lambda w: {"municipality_code": w.own.municipality.code, "year": 2026},
    "reports:county_latest": lambda w: {"county_code": w.own.county.code},
    "reports:county": lambda w: {"county_code": w.own.county.code, "year": 2024},
    "reports:county_pdf": lambda w: {"county_code": w.own.county.code, "year": 2024},
    "reports:county_text": lambda w: {"county_code": w.own.county.code, "year": 2024},
    "reports:municipality": lambda w: {"municipality_code": w.own.municipality.code, "year": 2024},
    "reports:municipality_pdf": lambda w: {"municipality_code": w.own.municipality.code, "year": 2024},
    "reports:municipality_text": lambda w: {"municipality_code": w.own.municipality.code, "year": 2024},
}


def _retention(w):
    """A hold and a culling run (nothing due) of the own municipality."""
    if getattr(w, "_retention", None) is None:
        from django.utils import timezone

        from fridsam.retention import services

        hold = services.hold_place(
            municipality=w.own.municipality,
            kind="followup_record",
            object_id=None,
            reason="complaint",
            note="",
            acting_user=w.own.users[Role.MANAGER],
        )
        run = services.preview(municipality=w.own.municipality, month=timezone.localdate())
        w._retention = {"hold": hold.pk, "run": run.pk}
    return w._retention


def _followup(w):
    """A follow-up record of the own tenant with an intervention, an assessment and a consultation."""
    if getattr(w, "_followup", None) is None:
        import datetime

        from fridsam.demo.followup_data import load_demo_instruments
        from fridsam.followup import services

        instruments = load_demo_instruments()
        worker = w.own.users[Role.SOCIAL_WORKER]
        record = services.record_create(
            owner=worker,
            municipality=w.own.municipality,
            unit=w.own.unit,
            reference="SWEEP-1",
            fields={
                "opened_on": datetime.date(2026, 1, 5),
                "route_in": "self",
                "category": "adult_victim",
                "sex": "female",
                "age_band": "25-44",
                "relation": "partner",
                "note": "Hemlig enhet own",
            },
        )
        intervention = services.intervention_add(
            record=record, kind="support_talks", started_on=datetime.date(2026, 1, 6), user=worker
        )
        screening = services.current_version(instruments["screening"])
        assessment = services.assessment_save(
            record=record,
            version=screening,
            data=services.AssessmentInput(
                assessed_on=datetime.date(2026, 1, 6),
                answers={"s1": "no", "s2": "no", "s3": "no", "s4": "no", "s5": "no"},
            ),
            user=worker,
        )
        consultation = services.consultation_ask(
            asked_by=worker,
            municipality=w.own.municipality,
            unit=w.own.unit,
            question="Hemlig enhet own frågar om risk",
            topic="risk",
            urgency="week",
        )
        w._followup = (record, intervention, assessment, consultation, instruments)
    return w._followup


TENANT_KWARGS.update(
    {
        "followup:record_detail": lambda w: {"pk": _followup(w)[0].pk},
        "followup:record_update": lambda w: {"pk": _followup(w)[0].pk},
        "followup:record_close": lambda w: {"pk": _followup(w)[0].pk},
        "followup:record_reopen": lambda w: {"pk": _followup(w)[0].pk},
        "followup:record_reassign": lambda w: {"pk": _followup(w)[0].pk},
        "followup:intervention_add": lambda w: {"pk": _followup(w)[0].pk},
        "followup:intervention_remove": lambda w: {"pk": _followup(w)[0].pk, "intervention_pk": _followup(w)[1].pk},
        "followup:assessment_create": lambda w: {"pk": _followup(w)[0].pk, "instrument_key": "demo-risk"},
        "followup:assessment_detail": lambda w: {"pk": _followup(w)[0].pk, "assessment_pk": _followup(w)[2].pk},
        "followup:assessment_pdf": lambda w: {"pk": _followup(w)[0].pk, "assessment_pk": _followup(w)[2].pk},
        "followup:consultation_detail": lambda w: {"pk": _followup(w)[3].pk},
    }
)


def _housing(w):
    """A provider of the own county, and the own municipality's apartment, applicant, allocation
    (own to own, allocated) and a matching run with a proposal."""
    if getattr(w, "_housing", None) is None:
        from fridsam.housing import services
        from fridsam.housing.tests.conftest import all_met, provider_fields

        coordinator = w.own.users[Role.COORDINATOR]
        provider = services.provider_save(
            county=w.own.county,
            fields=provider_fields(w.own, name="Hemlig enhet own boende"),
            address="Gatan 1",
            user=coordinator,
        )
        assessment = services.assessment_create(
            provider=provider, assessed_on=datetime.date(2026, 1, 5), results=all_met(), summary="", user=coordinator
        )
        apartments = [
            services.apartment_offer(
                municipality=w.own.municipality,
                fields={"housing_company": "Hemlig enhet own bostäder", "rooms": 2, "size_m2": 50, "rent": 6000,
                        "floor": 0, "has_lift": False, "accessible": False,
                        "available_from": datetime.date(2026, 2, 1)},
                address="Gatan 2",
                user=coordinator,
            )
            for _ in range(2)
        ]  # fmt: skip
        applicants = [
            services.applicant_register(
                municipality=w.own.municipality,
                data=services.ApplicantInput(reference=f"SWEEP-{i}", excluded=[w.neighbour.municipality]),
                user=coordinator,
            )
            for i in range(2)
        ]
        allocation = services.allocation_propose(apartment=apartments[0], applicant=applicants[0], user=coordinator)
        allocation = services.allocation_allocate(allocation=allocation, user=coordinator)
        run = services.match_run(county=w.own.county, user=coordinator)
        w._housing = (provider, assessment, apartments[0], applicants[0], allocation, run, run.proposals.first())
    return w._housing


TENANT_KWARGS.update(
    {
        "housing:provider_detail": lambda w: {"pk": _housing(w)[0].pk},
        "housing:provider_update": lambda w: {"pk": _housing(w)[0].pk},
        "housing:provider_reveal": lambda w: {"pk": _housing(w)[0].pk},
        "housing:assessment_create": lambda w: {"pk": _housing(w)[0].pk},
        "housing:assessment_detail": lambda w: {"pk": _housing(w)[0].pk, "assessment_pk": _housing(w)[1].pk},
        "housing:availability_report": lambda w: {"pk": _housing(w)[0].pk},
        "housing:feedback_create": lambda w: {"pk": _housing(w)[0].pk},
        "housing:apartment_detail": lambda w: {"pk": _housing(w)[2].pk},
        "housing:apartment_reveal": lambda w: {"pk": _housing(w)[2].pk},
        "housing:apartment_withdraw": lambda w: {"pk": _housing(w)[2].pk},
        "housing:applicant_detail": lambda w: {"pk": _housing(w)[3].pk},
        "housing:applicant_withdraw": lambda w: {"pk": _housing(w)[3].pk},
        "housing:allocation_detail": lambda w: {"pk": _housing(w)[4].pk},
        "housing:allocation_reveal": lambda w: {"pk": _housing(w)[4].pk},
        "housing:allocation_action": lambda w: {"pk": _housing(w)[4].pk, "action": "aterkalla"},
        "housing:match_run_detail": lambda w: {"pk": _housing(w)[5].pk},
        "housing:proposal_accept": lambda w: {"pk": _housing(w)[6].pk},
    }
)


def _credential(w):
    """An integration credential of the own municipality."""
    if getattr(w, "_credential", None) is None:
        from fridsam.integrations.tests.conftest import make_credential

        w._credential = make_credential(w.own, name="Hemlig enhet own system")[0]
    return w._credential


TENANT_KWARGS["integrations:credential_revoke"] = lambda w: {"pk": _credential(w).pk}


def _public_page(w):
    """The own municipality's published public page."""
    if getattr(w, "_public", None) is None:
        from fridsam.public.tests.test_public import publish

        w._public = publish(w.own)
    return w._public


TENANT_KWARGS.update(
    {
        "public:page": lambda w: {"code": _public_page(w).municipality.code},
        "public:manage": lambda w: {"municipality_code": w.own.municipality.code},
        "organisations:partner_detail": lambda w: {"pk": w.own.partner.pk},
        "organisations:partner_update": lambda w: {"pk": w.own.partner.pk},
        "public:edit": lambda w: {"municipality_code": w.own.municipality.code},
        "public:action": lambda w: {"municipality_code": _public_page(w).municipality.code, "action": "skicka"},
    }
)


def _collaboration(w):
    """A local group of the own municipality with a meeting, an action item and a goal."""
    if getattr(w, "_collab", None) is None:
        from fridsam.collaboration import services
        from fridsam.collaboration.models import GroupKind

        coordinator = w.own.users[Role.COORDINATOR]
        group = services.group_create(
            county=w.own.county, kind=GroupKind.LOCAL, municipality=w.own.municipality, name="Hemlig enhet own grupp",
            purpose="Samordna stödet mellan socialtjänst och polis i kommunen.", goals=["Gemensam rutin"],
            chair=coordinator, members=[w.own.users[Role.PARTNER]], user=coordinator,
        )  # fmt: skip
        meeting = services.meeting_record(
            group=group, held_on=datetime.date(2026, 2, 3), agenda="Rutinen", minutes="", present_member_ids=[],
            decisions=["Rutinen antas"], user=coordinator,
            actions=[services.ActionInput("Sprid rutinen", coordinator, datetime.date(2026, 3, 1))],
        )  # fmt: skip
        w._collab = (group, meeting, meeting.actions.get(), group.goals.get())
    return w._collab


TENANT_KWARGS.update(
    {
        "collaboration:group_detail": lambda w: {"pk": _collaboration(w)[0].pk},
        "collaboration:meeting_create": lambda w: {"pk": _collaboration(w)[0].pk},
        "collaboration:meeting_detail": lambda w: {
            "pk": _collaboration(w)[0].pk,
            "meeting_pk": _collaboration(w)[1].pk,
        },
        "collaboration:goal_review": lambda w: {"pk": _collaboration(w)[0].pk, "goal_pk": _collaboration(w)[3].pk},
        "collaboration:action_done": lambda w: {"action_pk": _collaboration(w)[2].pk},
    }
)


def _agreements(w):
    """An agreement, a referral (to the own partner) and prevention work of the own municipality."""
    if getattr(w, "_agreements", None) is None:
        from fridsam.collaboration import services

        coordinator = w.own.users[Role.COORDINATOR]
        agreement = services.agreement_save(
            municipality=w.own.municipality,
            data={"party": "police", "partner_organisation": None, "title": "Hemlig enhet own avtal",
                  "approved_by": "Socialnämnden", "approved_on": datetime.date(2025, 5, 1), "valid_until": None,
                  "last_followed_up": None, "paid": False, "note": ""},
            user=coordinator,
        )  # fmt: skip
        referral = services.referral_create(
            municipality=w.own.municipality, unit=w.own.unit, partner=w.own.partner, category="womens_shelter",
            referred_on=datetime.date(2026, 1, 5), user=coordinator,
        )  # fmt: skip
        item = services.prevention_save(
            municipality=w.own.municipality,
            data={"programme": "Huskurage", "organisation": "Hemlig enhet own bostäder",
                  "since": datetime.date(2025, 1, 1), "status": "active", "note": ""},
            user=coordinator,
        )  # fmt: skip
        w._agreements = (agreement, referral, item)
    return w._agreements


TENANT_KWARGS.update(
    {
        "collaboration:agreement_detail": lambda w: {"pk": _agreements(w)[0].pk},
        "collaboration:agreement_update": lambda w: {"pk": _agreements(w)[0].pk},
        "collaboration:referral_receive": lambda w: {"pk": _agreements(w)[1].pk},
        "collaboration:prevention_update": lambda w: {"pk": _agreements(w)[2].pk},
    }
)


def _competence(w):
    """A plan of the own municipality with a requirement and a step, a training record, an
    onboarding item, a municipal event and a calendar address."""
    if getattr(w, "_competence", None) is None:
        from fridsam.accounts.models import Membership
        from fridsam.competence import services
        from fridsam.competence.models import Event, OnboardingItem
        from fridsam.competence.tests import factories

        course = factories.course(w.own.county, "SWEEP", title="Hemlig enhet own kurs", municipality=w.own.municipality)
        plan = factories.plan(w.own, [("Grund", [course], "", "", 6)], steps=[("Samtal", 30, "person")], approve=False)
        worker = w.own.users[Role.SOCIAL_WORKER]
        membership = Membership.objects.get(user=worker)
        record = services.record_add(
            person=worker,
            course=course,
            completed_on=datetime.date(2025, 1, 1),
            municipality=w.own.municipality,
            source="self",
            user=worker,
        )
        OnboardingItem.objects.create(
            membership=membership,
            municipality=w.own.municipality,
            title="Samtal",
            responsible="person",
            due_on=datetime.date(2026, 1, 1),
        )
        start = datetime.datetime(2030, 1, 1, 9, tzinfo=datetime.UTC)
        event = services.event_save(
            county=w.own.county,
            municipality=w.own.municipality,
            user=w.own.users[Role.COORDINATOR],
            fields={
                "title": "Länsträff",
                "kind": "training",
                "starts_at": start,
                "ends_at": start + datetime.timedelta(hours=2),
                "why": "Krav",
            },
        )
        token = services.feed_token(user=worker)
        w._competence = {
            "course": course,
            "plan": plan,
            "requirement": plan.requirements.get(),
            "step": plan.steps.get(),
            "membership": membership,
            "record": record,
            "item": OnboardingItem.objects.get(),
            "event": event,
            "token": token,
            "event_model": Event,
        }
    return w._competence


def _routines(w):
    """A document of the own municipality in force with a draft of version 2 and an attachment;
    an action plan with a goal, a sub-goal and an activity."""
    if getattr(w, "_routines", None) is None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from fridsam.routines import services

        coordinator, manager = w.own.users[Role.COORDINATOR], w.own.users[Role.MANAGER]
        document = services.document_create(
            municipality=w.own.municipality,
            user=coordinator,
            body="Hemlig enhet own text",
            fields={
                "kind": "routine",
                "title": "Hemlig enhet own rutin",
                "owner": coordinator,
                "unit_types": [],
                "roles": [],
                "legal_references": "",
                "review_months": 12,
            },
        )
        first = services.open_version(document)
        services.version_submit(version=first, user=coordinator)
        services.version_approve(version=first, user=manager)
        document.refresh_from_db()
        draft = services.version_write(document=document, body="Version två", change_note="", user=coordinator)
        attachment = services.attachment_add(
            version=draft, upload=SimpleUploadedFile("a.pdf", b"%PDF"), user=coordinator
        )
        plan = services.action_plan_create(
            municipality=w.own.municipality,
            goals=["Hemlig enhet own mål"],
            user=coordinator,
            fields={"title": "Hemlig enhet own plan", "first_year": 2026, "last_year": 2028},
        )
        goal = plan.goals.get()
        sub = services.sub_goal_add(goal=goal, text="Delmål", user=coordinator)
        activity = services.activity_save(
            sub_goal=sub,
            user=coordinator,
            fields={"text": "Aktivitet", "owner": coordinator, "due_on": datetime.date(2026, 6, 1)},
        )
        w._routines = {
            "document": document,
            "draft": draft,
            "attachment": attachment,
            "plan": plan,
            "goal": goal,
            "sub": sub,
            "activity": activity,
        }
    return w._routines


def _tasks(w):
    """Two tasks of the own county analyst: a county report done (its file stored) and one failed."""
    if getattr(w, "_tasks", None) is None:
        from django.core.files.base import ContentFile

        from fridsam.tasks.models import Status, Task

        analyst = w.own.users[Role.COUNTY_ANALYST]
        params = {"county_code": w.own.county.code, "year": 2024}
        done = Task.system_objects.create(
            kind="reports.county_pdf", label="Hemlig enhet own rapport", requested_by=analyst, params=params,
            status=Status.DONE, result_name="rapport.pdf", result_type="application/pdf",
        )  # fmt: skip
        done.result_file.save("rapport.pdf", ContentFile(b"%PDF-1.7 Hemlig enhet own"))
        failed = Task.system_objects.create(
            kind="reports.county_pdf", label="Hemlig enhet own rapport", requested_by=analyst, params=params,
            status=Status.FAILED, failure="Hemlig enhet own",
        )  # fmt: skip
        w._tasks = (done, failed)
    return w._tasks


TENANT_KWARGS.update(
    {
        "tasks:detail": lambda w: {"pk": _tasks(w)[0].pk},
        "tasks:status": lambda w: {"pk": _tasks(w)[0].pk},
        "tasks:download": lambda w: {"pk": _tasks(w)[0].pk},
        "tasks:retry": lambda w: {"pk": _tasks(w)[1].pk},
    }
)


_MUNI = lambda w: {"municipality_code": w.own.municipality.code}  # noqa: E731
TENANT_KWARGS.update(
    {
        "competence:plans": _MUNI,
        "competence:coverage": _MUNI,
        "competence:coverage_history": _MUNI,
        "competence:self_assessment_results": _MUNI,
        "competence:import": _MUNI,
        "competence:import_template": _MUNI,
        "competence:unit": lambda w: {"municipality_code": w.own.municipality.code, "unit_pk": w.own.unit.pk},
        "competence:course_update": lambda w: {"pk": _competence(w)["course"].pk},
        "competence:plan_detail": lambda w: {"pk": _competence(w)["plan"].pk},
        "competence:requirement_add": lambda w: {"pk": _competence(w)["plan"].pk},
        "competence:requirement_update": lambda w: {
            "pk": _competence(w)["plan"].pk,
            "requirement_pk": _competence(w)["requirement"].pk,
        },
        "competence:requirement_remove": lambda w: {
            "pk": _competence(w)["plan"].pk,
            "requirement_pk": _competence(w)["requirement"].pk,
        },
        "competence:step_add": lambda w: {"pk": _competence(w)["plan"].pk},
        "competence:step_remove": lambda w: {"pk": _competence(w)["plan"].pk, "step_pk": _competence(w)["step"].pk},
        "competence:plan_approve": lambda w: {"pk": _competence(w)["plan"].pk},
        "competence:person": lambda w: {"pk": _competence(w)["membership"].pk},
        "competence:record_add": lambda w: {"membership_pk": _competence(w)["membership"].pk},
        "competence:record_remove": lambda w: {"pk": _competence(w)["record"].pk},
        "competence:item_done": lambda w: {"pk": _competence(w)["item"].pk},
        "competence:event_detail": lambda w: {"pk": _competence(w)["event"].pk},
        "competence:event_update": lambda w: {"pk": _competence(w)["event"].pk},
        "competence:feed": lambda w: {"token": _competence(w)["token"]},
        "routines:document_detail": lambda w: {"pk": _routines(w)["document"].pk},
        "routines:document_write": lambda w: {"pk": _routines(w)["document"].pk},
        "routines:document_settings": lambda w: {"pk": _routines(w)["document"].pk},
        "routines:version_action": lambda w: {
            "pk": _routines(w)["document"].pk,
            "version_pk": _routines(w)["draft"].pk,
            "action": "skicka",
        },
        "routines:document_reviewed": lambda w: {"pk": _routines(w)["document"].pk},
        "routines:document_archive": lambda w: {"pk": _routines(w)["document"].pk},
        "routines:acknowledge": lambda w: {"pk": _routines(w)["document"].pk},
        "routines:version_detail": lambda w: {"pk": _routines(w)["document"].pk, "number": 1},
        "routines:attachment_download": lambda w: {"pk": _routines(w)["attachment"].pk},
        "routines:attachment_remove": lambda w: {"pk": _routines(w)["attachment"].pk},
        "routines:action_plan_detail": lambda w: {"pk": _routines(w)["plan"].pk},
        "routines:sub_goal_add": lambda w: {"pk": _routines(w)["plan"].pk, "goal_pk": _routines(w)["goal"].pk},
        "routines:goal_assess": lambda w: {"pk": _routines(w)["plan"].pk, "goal_pk": _routines(w)["goal"].pk},
        "routines:activity_add": lambda w: {"pk": _routines(w)["plan"].pk, "sub_goal_pk": _routines(w)["sub"].pk},
        "routines:activity_update": lambda w: {
            "pk": _routines(w)["plan"].pk,
            "sub_goal_pk": _routines(w)["sub"].pk,
            "activity_pk": _routines(w)["activity"].pk,
        },
        "routines:activity_status": lambda w: {
            "pk": _routines(w)["plan"].pk,
            "activity_pk": _routines(w)["activity"].pk,
        },
    }
)


def _logreview(w):
    """A review of the own municipality's last month with one drawn read (a read of the sweep's
    record), as the log review's pages need."""
    if getattr(w, "_logreview", None) is None:
        from django.utils import timezone

        from fridsam.core.audit import log_access
        from fridsam.logreview import drawing
        from fridsam.logreview.models import Review, ReviewItem

        record = _followup(w)[0]
        manager = w.own.users[Role.MANAGER]
        period = drawing.last_ended_period(timezone.localdate(), 1)
        entry = log_access(
            action="read", object_type=record, user=manager, municipality=w.own.municipality, purpose="Annat (beskriv)"
        )
        review = Review.objects.create(
            municipality=w.own.municipality, period_start=period.start, period_end=period.end,
            drawn_at=timezone.now(), drawn_by=manager, reads=1, readers=1,
        )  # fmt: skip
        item = ReviewItem.objects.create(
            review=review, municipality=w.own.municipality, entry=entry, sequence=entry.sequence,
            occurred_at=entry.occurred_at, reader=manager, username=manager.username, action="read",
            object_type="followup.followuprecord", object_id=str(record.pk), purpose=entry.purpose,
            flags=["sampled", "other_purpose"],
        )  # fmt: skip
        w._logreview = (review, item)
    return w._logreview


TENANT_KWARGS.update(
    {
        "logreview:index": _MUNI,
        "logreview:draw": _MUNI,
        "logreview:plan": _MUNI,
        "logreview:routine": _MUNI,
        "logreview:who_read": _MUNI,
        "logreview:what_read": _MUNI,
        "logreview:year": lambda w: {"municipality_code": w.own.municipality.code, "year": 2026},
        "logreview:review": lambda w: {"pk": _logreview(w)[0].pk},
        "logreview:sign": lambda w: {"pk": _logreview(w)[0].pk},
        "logreview:item_mark": lambda w: {"pk": _logreview(w)[1].pk},
    }
)

# Shared by the municipalities of a county (the protected housing register, the exchange's pool
# and matching): other municipalities of the same county may reach them; other counties never.
COUNTY_SHARED = {
    "organisations:partner_detail",  # the county's partner directory
    "housing:provider_detail",
    "housing:provider_update",
    "housing:provider_reveal",
    "housing:assessment_create",
    "housing:assessment_detail",
    "housing:availability_report",
    "housing:feedback_create",
    "housing:apartment_detail",
    "housing:match_run_detail",  # the county's counts; proposals only for the applicant's municipality
}

# Views that only answer POST: the sweep posts to them (an empty form).
POST_ONLY = {
    "retention:preview",
    "retention:rule_reset",
    "retention:hold_lift",
    "retention:run_sign",
    "retention:installation_preview",
    "coordination:role_description_approve",
    "followup:record_find",
    "followup:intervention_remove",
    "housing:provider_reveal",
    "housing:apartment_reveal",
    "housing:apartment_withdraw",
    "housing:applicant_withdraw",
    "housing:allocation_reveal",
    "housing:allocation_action",
    "housing:match_run_create",
    "housing:proposal_accept",
    "public:action",
    "collaboration:action_done",
    "collaboration:referral_receive",
    "competence:requirement_remove",
    "competence:step_remove",
    "competence:plan_approve",
    "competence:record_add",
    "competence:record_remove",
    "competence:item_done",
    "competence:feed_renew",
    "routines:version_action",
    "routines:document_reviewed",
    "routines:document_archive",
    "routines:acknowledge",
    "routines:attachment_remove",
    "routines:activity_status",
    "integrations:credential_revoke",
    "tasks:retry",
    "logreview:draw",
    "logreview:sign",
    "logreview:item_mark",
}

# URLs whose arguments name no tenant (keys, file formats): any well-formed value will do.
PUBLIC_KWARGS = {
    "statistics:import_template": {"kind": "csv"},
    "integrations:file_template": {"kind": "csv"},
    "account_confirm_email": {"key": "abc"},
    "account_reset_password_from_key": {"uidb36": "1", "key": "abc"},
    "openid_connect_login": {"provider_id": "ingen"},
    "openid_connect_callback": {"provider_id": "ingen"},
    **{
        name: {"organization_slug": "ingen"}
        for name in ("saml_login", "saml_acs", "saml_finish_acs", "saml_sls", "saml_metadata")
    },
}

# What a national actor's analyst reaches (ADR 0042): the estimate over every municipality, what
# every logged-in person has (the start page, their account, their tasks) and pages that hold no
# tenant's data (the indicators' definitions, the health check's rules). Everything else refuses them.
NATIONAL_PAGES = {
    "statistics:national_effects",
    "statistics:definitions",
    "healthcheck:rules",
    "core:start",
    "tasks:index",
    "accounts:profile",
    "accounts:no_access",  # sends a person who has a role to the start page
}
NATIONAL_ACCOUNT_PREFIXES = ("account_", "mfa_", "socialaccount_")  # allauth: their own account and its second factor


def _national_page(name) -> bool:
    return name in NATIONAL_PAGES or name.startswith(NATIONAL_ACCOUNT_PREFIXES)


# Query strings some views need to do their work.
QUERY = {
    "collaboration:group_create": "?kommun=1980",
    "collaboration:agreement_create": "?kommun=1980",
    "collaboration:prevention_create": "?kommun=1980",
    "collaboration:referral_create": "?kommun=1980",
    "competence:course_create": "?kommun=1980",
    "competence:event_create": "?kommun=1980",
    "routines:document_create": "?kommun=1980",
    "routines:action_plan_create": "?kommun=1980",
    "admin:autocomplete": "?app_label=organisations&model_name=unit&field_name=municipality",
}

SECRET_MARKER = "Hemlig enhet own"


def _walk(patterns, namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(p.url_patterns, full)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


def named_urls():
    seen = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.startswith("api:"):
            continue  # the API for machine clients: swept with credentials in tests/test_api_sweep.py
        seen.setdefault(name, pattern)
    return sorted(seen.items())


def _admin_object_id(world, name) -> str:
    """The primary key of an existing object of the model an admin URL is about."""
    from fridsam.accounts.models import User
    from fridsam.core.admin_site import site

    short = name.removeprefix("admin:")
    if short.startswith("auth_user_"):  # Django's UserAdmin names its password URL this way
        return str(world.administrator.pk)
    for model in site._registry:
        if short.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
            obj = model._default_manager.order_by("pk").first()
            return str(obj.pk) if obj else "1"
    return str(User.objects.order_by("pk").first().pk)


def _admin_kwargs(world, name, pattern):
    keys = set(pattern.pattern.regex.groupindex)
    candidates = {
        "app_label": ["accounts", "organisations", "core", "mfa"],
        "object_id": [_admin_object_id(world, name)],
        "id": [_admin_object_id(world, name)],
        "content_type_id": ["1"],
        "url": ["x"],
    }
    if not keys:
        return {}
    import itertools

    for values in itertools.product(*(candidates.get(k, ["1"]) for k in keys)):
        kwargs = dict(zip(keys, values, strict=True))
        try:
            reverse(name, kwargs=kwargs)
        except Exception:
            continue
        return kwargs
    raise AssertionError(f"cannot build sample kwargs for {name}")


def url_for(world, name, pattern):
    return _path_for(world, name, pattern) + QUERY.get(name, "")


def _path_for(world, name, pattern):
    if name in TENANT_KWARGS:
        return reverse(name, kwargs=TENANT_KWARGS[name](world))
    if name in PUBLIC_KWARGS:
        return reverse(name, kwargs=PUBLIC_KWARGS[name])
    if name.startswith("admin:"):
        return reverse(name, kwargs=_admin_kwargs(world, name, pattern))
    if pattern.pattern.regex.groupindex:
        raise AssertionError(f"{name} takes arguments: add sample kwargs to TENANT_KWARGS in {__file__}")
    return reverse(name)


def _is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def _outsiders(world, name):
    """Every user who must not reach the own tenant's data through this URL."""
    users = list(world.foreign.users.values())
    if (name in TENANT_KWARGS or name.startswith("admin:")) and name not in COUNTY_SHARED:
        # Same county, other municipality: only the county analyst may see the own municipality.
        users += [u for role, u in world.neighbour.users.items() if role != Role.COUNTY_ANALYST]
    if name.startswith("admin:"):
        users += list(world.own.users.values())
    if not _national_page(name):
        users.append(world.national)  # of no tenant: refused wherever a tenant's data is
    return users


URLS = named_urls()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "pattern"), URLS, ids=[n for n, _ in URLS])
def test_url_is_public_or_protected_and_reachable_by_its_tenant(world, client, name, pattern):
    url = url_for(world, name, pattern)

    request = client.post if name in POST_ONLY else client.get

    # 1. Anonymous visitors are sent to the login page, unless the URL is public.
    response = request(url)
    if name in PUBLIC:
        expected = (200, 302, 405, 404) if name in FEDERATION_ENDPOINTS else (200, 302, 405)
        assert response.status_code in expected, f"public {name} answered {response.status_code}"
    else:
        assert _is_login_redirect(response), f"{name} ({url}) does not require login: {response.status_code}"

    # 2. Users of other tenants get 404/403 for tenant URLs, and never see the own tenant's data.
    for user in _outsiders(world, name):
        world.act_as(client, user)
        response = request(url)
        if (name in TENANT_KWARGS or name.startswith("admin:") or user == world.national) and name not in PUBLIC:
            assert response.status_code in (403, 404), (
                f"{name} ({url}) answered {response.status_code} to {user.username}"
            )
        else:
            assert SECRET_MARKER not in response.content.decode(errors="replace"), (
                f"{name} ({url}) shows the own tenant's data to {user.username}"
            )
        client.cookies.clear()
    if name in PUBLIC:
        return

    # 3. Somebody of the own tenant reaches it: otherwise the URL is dead or untested.
    insiders = [*world.own.users.values(), world.administrator, world.national]
    reached_by = []
    for user in insiders:
        world.act_as(client, user)
        response = request(url)
        if response.status_code == 200 or (response.status_code == 302 and not _is_login_redirect(response)):
            reached_by.append(user.username)
        client.cookies.clear()
    assert reached_by, f"{name} ({url}) is reachable by nobody of its own tenant and is not public"


def test_every_tenant_url_is_in_the_sweep():
    names = {n for n, _ in URLS}
    assert set(TENANT_KWARGS) <= names, f"stale entries: {set(TENANT_KWARGS) - names}"
    assert names >= NATIONAL_PAGES, f"stale entries: {NATIONAL_PAGES - names}"


@pytest.mark.django_db
def test_what_the_national_analyst_reaches_names_no_municipality(world, client):
    """The pages a national analyst may reach (NATIONAL_PAGES; every other URL refuses them, above)
    answer them, and none names a municipality, a unit or anything of a tenant: the estimate over
    every municipality is computed from the world's figures first, so the national page has a
    reading to show."""
    from fridsam.statistics.effects import NATIONAL, recompute_effects

    recompute_effects(scope=NATIONAL)
    tenants = (world.own, world.neighbour, world.foreign)
    names = [t.municipality.name for t in tenants] + [t.partner.name for t in tenants] + [t.unit.name for t in tenants]
    reached = []
    for name, pattern in URLS:
        if not _national_page(name) or name in PUBLIC:
            continue
        url = url_for(world, name, pattern)
        world.act_as(client, world.national)
        response = client.get(url)
        client.cookies.clear()
        assert response.status_code in (200, 302), f"{name} ({url}) answered {response.status_code}"
        if response.status_code == 302:
            assert not _is_login_redirect(response), f"{name} ({url}) sent the national analyst to the login"
            continue
        reached.append(name)
        page = response.content.decode()
        shown = [n for n in names if n in page]
        assert not shown, f"{name} ({url}) shows the national analyst {shown}"
    assert {"statistics:national_effects", "core:start", "statistics:definitions"} <= set(reached)


@pytest.mark.django_db
def test_municipal_roles_of_the_own_tenant_see_its_municipality(world, client):
    url = reverse("organisations:municipality_detail", kwargs={"municipality_code": world.own.municipality.code})
    for role in [*MUNICIPAL_ROLES, Role.COUNTY_ANALYST]:
        world.act_as(client, world.own.users[role])
        response = client.get(url)
        assert response.status_code == 200, role
        assert SECRET_MARKER in response.content.decode()
    # The county analyst of the same county sees it too; of another county, not.
    world.act_as(client, world.neighbour.users[Role.COUNTY_ANALYST])
    assert client.get(url).status_code == 200
    world.act_as(client, world.foreign.users[Role.COUNTY_ANALYST])
    assert client.get(url).status_code == 404
