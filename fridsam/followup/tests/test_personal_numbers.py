"""Personal identity numbers written with typographic separators (an en dash from a word
processor, the no-break space of text pasted from the journal system, a zero-width space…) are
refused in records, consultations and the purpose of reading, before anything is written to the
access log, where it could never be removed."""

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.core.validators import contains_personal_identity_number
from fridsam.followup import purpose, services
from fridsam.followup.forms import PurposeForm
from fridsam.followup.models import Consultation, ConsultationReply

pytestmark = pytest.mark.django_db

NUMBERS = [
    "121212–1212",
    "121212\u00a01212",
    "121212\u20111212",
    "121212\u22121212",
    "121212\u200b1212",
    "121212 - 1212",
    "19121212 – 1212",
]


def _nothing_logged_holds_a_number():
    for entry in AccessLogEntry.objects.all():
        assert not contains_personal_identity_number(f"{entry.purpose} {entry.detail}"), entry


@pytest.mark.parametrize("number", NUMBERS)
def test_a_record_note_with_a_number_is_refused(world, make_record, number):
    with pytest.raises(ValidationError) as error:
        make_record(note=f"Kontakt via mamma ({number})")
    assert "note" in error.value.message_dict
    record = make_record()
    with pytest.raises(ValidationError):
        services.record_update(record=record, fields={"note": number}, user=record.owner)
    record.refresh_from_db()
    assert record.note == ""


@pytest.mark.parametrize("number", NUMBERS)
def test_a_consultation_question_or_reply_with_a_number_is_refused(world, number):
    own = world.own
    ask = {
        "asked_by": own.users[Role.SOCIAL_WORKER],
        "municipality": own.municipality,
        "unit": own.unit,
        "topic": "risk",
        "urgency": "week",
    }
    with pytest.raises(ValidationError) as error:
        services.consultation_ask(question=f"Gäller {number}, hur gör vi?", **ask)
    assert "question" in error.value.message_dict
    consultation = services.consultation_ask(question="Hur bedömer vi risken?", **ask)
    with pytest.raises(ValidationError) as error:
        services.consultation_reply(consultation=consultation, author=own.users[Role.COORDINATOR], text=number)
    assert "text" in error.value.message_dict
    assert Consultation.objects.count() == 1 and ConsultationReply.objects.count() == 0


@pytest.mark.parametrize("number", NUMBERS)
def test_the_purpose_detail_with_a_number_is_refused_on_the_field(number):
    form = PurposeForm({"purpose": "other", "detail": f"samtal om {number}"})
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["detail"]] == ["personal_identity_number"]


@pytest.mark.parametrize("number", NUMBERS)
def test_the_purpose_is_validated_before_it_is_kept_for_the_log(world, number):
    request = RequestFactory().get("/")
    request.session = {}
    with pytest.raises(ValidationError):
        purpose.give(request, "other", f"gäller {number}")
    assert purpose.current(request) == ""
    # A purpose kept before the check was this strict is not written to the log either.
    request.session[purpose.SESSION_KEY] = {"text": f"Annat: {number}", "until": "2999-01-01T00:00:00+00:00"}
    assert purpose.current(request) == ""
    assert purpose.SESSION_KEY not in request.session
    assert purpose.give(request, "other", "handledning") == "Annat (beskriv): handledning"


@pytest.mark.parametrize("number", NUMBERS)
def test_no_read_is_logged_with_a_number_in_its_purpose(world, make_record, login, number):
    record = make_record()
    client = login(world.own.users[Role.MANAGER])
    response = client.post(
        "/uppfoljning/syfte/", {"purpose": "other", "detail": f"om {number}", "next": f"/uppfoljning/{record.pk}/"}
    )
    assert response.status_code == 200 and "detail" in response.context["form"].errors
    assert client.get(f"/uppfoljning/{record.pk}/").status_code == 302  # still no purpose
    session = client.session
    session[purpose.SESSION_KEY] = {"text": f"Annat: {number}", "until": "2999-01-01T00:00:00+00:00"}
    session.save()
    assert client.get(f"/uppfoljning/{record.pk}/").status_code == 302  # asked again, nothing logged
    assert client.get("/uppfoljning/?vy=alla").status_code == 302
    _nothing_logged_holds_a_number()
