import pytest
from django.utils import translation


@pytest.fixture
def english():
    """Rules are tested on the source texts; the Swedish catalogue has its own test."""
    with translation.override("en"):
        yield
