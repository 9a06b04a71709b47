"""An instrument definition uploaded by an administrator is read within bounds (ADR 0016)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fridsam.followup.models import Instrument

pytestmark = pytest.mark.django_db


def _upload(world, login, content: bytes):
    client = login(world.administrator)
    url = reverse("admin:followup_instrument_upload")
    return client.post(url, {"file": SimpleUploadedFile("instrument.json", content)}).content.decode()


def test_a_definition_over_1_mb_is_refused_with_its_size_not_cut_and_misread(world, login):
    padding = " " * (1024 * 1024)
    page = _upload(world, login, json.dumps({"format": 1, "key": "x"}).encode() + padding.encode())
    assert "Filen är större än 1 MB." in page
    assert "giltig JSON" not in page
    assert not Instrument.objects.exists()


def test_a_definition_nested_too_deep_is_refused(world, login):
    page = _upload(world, login, b'{"format": 1, "sections": ' + b"[" * 30 + b"]" * 30 + b"}")
    assert "Filen är nästlad i fler än 20 nivåer." in page
    assert not Instrument.objects.exists()
