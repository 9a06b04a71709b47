"""Signals other domains listen to without accounts knowing them."""

from django.dispatch import Signal

# Sent inside membership_grant()'s transaction with the new membership (keyword ``membership``).
membership_granted = Signal()
