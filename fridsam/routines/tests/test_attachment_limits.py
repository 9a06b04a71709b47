"""Attachments are of the type their name says and within their size (ADR 0016)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fridsam.core.roles import Role
from fridsam.core.tests import bombs
from fridsam.routines import services
from fridsam.routines.models import Attachment

pytestmark = pytest.mark.django_db


def _draft(tenant):
    document = services.document_create(
        municipality=tenant.municipality,
        fields={
            "kind": "routine",
            "title": "Rutin vid våld",
            "owner": tenant.users[Role.COORDINATOR],
            "unit_types": [],
            "roles": [],
            "legal_references": "",
            "review_months": 12,
        },
        body="# Rutin",
        user=tenant.users[Role.COORDINATOR],
    )
    return document, services.open_version(document)


def test_a_program_named_as_a_pdf_and_a_zip_bomb_named_as_a_document_are_refused(world):
    _document, draft = _draft(world.own)
    coordinator = world.own.users[Role.COORDINATOR]
    with pytest.raises(ValidationError, match=r"Filens innehåll stämmer inte med filtypen \(\.pdf\)"):
        services.attachment_add(version=draft, upload=SimpleUploadedFile("blankett.pdf", b"MZ\x90\0"), user=coordinator)
    bomb = bombs.xlsx_bomb(["a"], ["b"])
    with pytest.raises(ValidationError, match="komprimerad mer än 100 gånger"):
        services.attachment_add(version=draft, upload=SimpleUploadedFile("rutin.docx", bomb), user=coordinator)
    assert not Attachment.objects.exists()
    services.attachment_add(
        version=draft, upload=SimpleUploadedFile("mall.xlsx", bombs.workbook(["a"])), user=coordinator
    )
    assert Attachment.objects.count() == 1


def test_the_page_refuses_an_attachment_over_10_mb_in_the_form(world, login):
    document, _draft_version = _draft(world.own)
    client = login(world.own.users[Role.COORDINATOR])
    response = client.post(
        reverse("routines:document_write", args=[document.pk]),
        {"body": "# Rutin", "change_note": "", "attachment": SimpleUploadedFile("a.pdf", b"%PDF" + bytes(11 * 2**20))},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attachment"] == ["Filen är större än 10 MB."]
    assert not Attachment.objects.exists()
