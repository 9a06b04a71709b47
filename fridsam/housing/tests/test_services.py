"""Services of the register and the exchange: validation, encryption, access log, quality status,
the allocation state machine and the ledger."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.housing import selectors, services
from fridsam.housing.models import (
    Allocation,
    AllocationStatus,
    ApartmentStatus,
    ApplicantStatus,
    Provider,
)
from fridsam.housing.tests.conftest import all_met, provider_fields

pytestmark = pytest.mark.django_db


def test_private_operator_needs_an_ivo_permit(world):
    with pytest.raises(ValidationError) as exc:
        services.provider_save(
            county=world.own.county,
            fields=provider_fields(world.own, operator_type="private"),
            address="Gatan 1",
            user=world.own.users[Role.COORDINATOR],
        )
    assert set(exc.value.error_dict) >= {"ivo_permit_number", "ivo_permit_date"}
    assert not Provider.objects.exists()


def test_provider_refuses_a_municipality_of_another_county(world):
    with pytest.raises(ValidationError) as exc:
        services.provider_save(
            county=world.own.county,
            fields=provider_fields(world.own, located_in=world.foreign.municipality),
            address="Gatan 1",
            user=world.own.users[Role.COORDINATOR],
        )
    assert "located_in" in exc.value.error_dict


def test_address_is_encrypted_at_rest_and_every_reveal_is_logged(world, make_provider):
    provider = make_provider(address="Hemliga gatan 7, Västerås")
    with connection.cursor() as cursor:
        cursor.execute("SELECT address_encrypted FROM housing_provider WHERE id = %s", [provider.pk])
        (stored,) = cursor.fetchone()
    assert "Hemliga" not in stored and stored.startswith("fernet:")
    before = AccessLogEntry.objects.filter(object_type="housing.provider", detail="address").count()
    user = world.own.users[Role.SOCIAL_WORKER]
    assert services.provider_address_reveal(provider=provider, user=user) == "Hemliga gatan 7, Västerås"
    entry = AccessLogEntry.objects.filter(object_type="housing.provider", detail="address").latest("sequence")
    assert entry.user_id == user.pk and entry.action == "read"
    assert AccessLogEntry.objects.filter(object_type="housing.provider", detail="address").count() == before + 1


def test_wrong_key_fails_loudly(make_provider):
    provider = make_provider()
    wrong_key = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI="
    with override_settings(FRIDSAM_FIELD_ENCRYPTION_KEY=wrong_key), pytest.raises(ValueError, match="cannot be read"):
        services.provider_address_reveal(provider=provider, user=None)


def test_no_table_holds_a_clear_address(world, make_provider, make_apartment):
    make_provider(address="Klartextvägen 99")
    make_apartment(address="Klartextgatan 98")
    with connection.cursor() as cursor:
        for table in ("housing_provider", "housing_apartment", "core_accesslogentry"):
            cursor.execute(f"SELECT * FROM {table}")  # fixed table names
            assert "Klartext" not in repr(cursor.fetchall())


def test_quality_status_from_the_latest_assessment(world, make_provider):
    provider = make_provider()
    today = timezone.localdate()
    coordinator = world.own.users[Role.COORDINATOR]

    def status():
        (c,) = [c for c in selectors.candidates(Provider.objects.filter(pk=provider.pk))]
        return c.quality

    assert status() == "not_assessed"
    services.assessment_create(
        provider=provider,
        assessed_on=today - datetime.timedelta(days=800),
        results=all_met(),
        summary="",
        user=coordinator,
    )
    assert status() == "expired"
    services.assessment_create(
        provider=provider,
        assessed_on=today - datetime.timedelta(days=10),
        results=all_met(**{"safety-planning-children": "partly"}),
        summary="",
        user=coordinator,
    )
    assert status() == "not_assured"
    services.assessment_create(
        provider=provider,
        assessed_on=today,
        results=all_met(documentation="not_met"),  # not a required criterion
        summary="",
        user=coordinator,
    )
    assert status() == "assured"
    assert provider.assessments.count() == 3  # history kept


def test_assessment_needs_every_criterion(world, make_provider):
    provider = make_provider()
    results = all_met()
    results.pop("valid-permit")
    with pytest.raises(ValidationError) as exc:
        services.assessment_create(
            provider=provider,
            assessed_on=timezone.localdate(),
            results=results,
            summary="",
            user=world.own.users[Role.COORDINATOR],
        )
    assert "result_valid-permit" in exc.value.error_dict
    assert not provider.assessments.exists()


def test_availability_is_stale_after_48_hours(world, make_provider):
    provider = make_provider()
    report = services.availability_report(
        provider=provider, free_places=2, free_family_rooms=1, user=world.own.users[Role.PARTNER]
    )
    (c,) = selectors.candidates(Provider.objects.filter(pk=provider.pk))
    assert c.availability.free_places == 2 and not c.availability.stale
    type(report).objects.filter(pk=report.pk).update(reported_at=timezone.now() - datetime.timedelta(hours=49))
    (c,) = selectors.candidates(Provider.objects.filter(pk=provider.pk))
    assert c.availability.stale
    with pytest.raises(ValidationError):
        services.availability_report(provider=provider, free_places=99, free_family_rooms=0, user=None)


def test_applicant_needs_an_exclusion_and_no_personal_identity_number(world, make_applicant):
    with pytest.raises(ValidationError) as exc:
        make_applicant(excluded=[])
    assert "excluded" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        make_applicant(reference="19121212-1212")
    assert "reference" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        make_applicant(excluded=[world.foreign.municipality])
    assert "excluded" in exc.value.error_dict
    applicant = make_applicant(reference="IFO-77")
    assert "IFO" not in applicant.reference_hash and len(applicant.reference_hash) == 64
    with pytest.raises(ValidationError) as exc:
        make_applicant(reference=" ifo-77")  # the same case, typed differently
    assert "reference" in exc.value.error_dict


def test_the_whole_allocation_and_the_ledger(world, make_apartment, make_applicant):
    apartment = make_apartment()  # offered by the neighbour
    applicant = make_applicant()  # own municipality's applicant
    own, neighbour = world.own.users[Role.COORDINATOR], world.neighbour.users[Role.COORDINATOR]
    allocation = services.allocation_propose(apartment=apartment, applicant=applicant, user=own)
    assert allocation.status == AllocationStatus.PROPOSED and allocation.receiving_accepted_at
    with pytest.raises(ValidationError):  # the offering side must accept before allocating
        services.allocation_allocate(allocation=allocation, user=neighbour)
    allocation = services.allocation_accept(allocation=allocation, user=neighbour)
    assert allocation.status == AllocationStatus.ACCEPTED
    allocation = services.allocation_allocate(allocation=allocation, user=neighbour)
    apartment.refresh_from_db()
    assert apartment.status == ApartmentStatus.ALLOCATED
    allocation = services.allocation_move_in(allocation=allocation, user=own, on=timezone.localdate())
    applicant.refresh_from_db()
    assert allocation.status == AllocationStatus.MOVED_IN and applicant.status == ApplicantStatus.PLACED
    rows = {r.municipality.pk: r for r in selectors.ledger(world.own.county, timezone.localdate().year)}
    assert (rows[world.neighbour.municipality.pk].given, rows[world.neighbour.municipality.pk].balance) == (1, 1)
    assert (rows[world.own.municipality.pk].taken, rows[world.own.municipality.pk].balance) == (1, -1)
    assert rows[world.neighbour.municipality.pk].offered == (
        1 if apartment.available_from.year == timezone.localdate().year else 0
    )


def test_an_apartment_is_never_allocated_twice(world, make_apartment, make_applicant):
    apartment = make_apartment()
    first, second = make_applicant(), make_applicant()
    own = world.own.users[Role.COORDINATOR]
    services.allocation_propose(apartment=apartment, applicant=first, user=own)
    with pytest.raises(ValidationError):
        services.allocation_propose(apartment=apartment, applicant=second, user=own)
    # The database itself refuses, whatever Python checks:
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(apartment=apartment, applicant=second, status=AllocationStatus.ACCEPTED)
    assert Allocation.objects.filter(apartment=apartment).count() == 1


def test_an_applicant_never_holds_two(world, make_apartment, make_applicant):
    a, b = make_apartment(), make_apartment()
    applicant = make_applicant()
    own = world.own.users[Role.COORDINATOR]
    services.allocation_propose(apartment=a, applicant=applicant, user=own)
    with pytest.raises(ValidationError):
        services.allocation_propose(apartment=b, applicant=applicant, user=own)
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(apartment=b, applicant=applicant, status=AllocationStatus.PROPOSED)


def test_withdrawing_frees_the_apartment(world, make_apartment, make_applicant):
    apartment, applicant = make_apartment(), make_applicant()
    own, neighbour = world.own.users[Role.COORDINATOR], world.neighbour.users[Role.COORDINATOR]
    allocation = services.allocation_propose(apartment=apartment, applicant=applicant, user=own)
    services.allocation_accept(allocation=allocation, user=neighbour)
    services.allocation_allocate(allocation=allocation, user=neighbour)
    with pytest.raises(ValidationError):
        services.allocation_withdraw(allocation=allocation, user=own, reason="")
    services.allocation_withdraw(allocation=allocation, user=own, reason="Tackade nej")
    apartment.refresh_from_db()
    assert apartment.status == ApartmentStatus.OFFERED
    # and it can be proposed again
    assert services.allocation_propose(apartment=apartment, applicant=make_applicant(), user=own).pk


def test_proposal_refused_when_it_breaks_an_exclusion(world, make_apartment, make_applicant):
    apartment = make_apartment()
    applicant = make_applicant(excluded=[world.neighbour.municipality])
    with pytest.raises(ValidationError):
        services.allocation_propose(apartment=apartment, applicant=applicant, user=world.own.users[Role.COORDINATOR])


def test_match_run_keeps_proposals_and_reasons(world, make_apartment, make_applicant):
    make_apartment(rooms=2)
    fits = make_applicant(min_rooms=2)
    too_big = make_applicant(min_rooms=6)
    run = services.match_run(county=world.own.county, user=world.own.users[Role.COORDINATOR])
    assert (run.applicants, run.apartments, run.placed) == (2, 1, 1)
    assert [p.applicant_id for p in run.proposals.all()] == [fits.pk]
    assert run.unmatched == [
        {"applicant": too_big.pk, "reason": "rooms", "detail": {"offers": 1, "excluded": 1, "rooms": 0}}
    ]
    assert run.greedy_placed <= run.placed
