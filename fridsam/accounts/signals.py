"""Signals other domains listen to without accounts knowing them."""

from django.dispatch import Signal

# Sent inside membership_grant()'s transaction with the new membership (keyword ``membership``).
membership_granted = Signal()
# Sent inside retention.leaving.staff_leave()'s transaction when a person leaves a municipality
# (keywords ``municipality``, ``leaver``, ``acting_user``): what the person holds there in other
# domains is revoked by their receivers, which return how many things they revoked.
staff_left = Signal()
