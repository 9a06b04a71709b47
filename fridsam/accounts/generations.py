"""What a person may see changes: bump their tenancy generation, in the same transaction, so their
next request builds the tenancy anew (the cache in :func:`fridsam.accounts.selectors.tenancy_for_user`).

Receivers of the model signals cover every save and delete, the administration's and cascades
included; a bulk ``update()`` of memberships bumps them itself (``MembershipQuerySet.update``).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from fridsam.accounts.models import Membership, bump_tenancy_generation
from fridsam.core.roles import Role
from fridsam.organisations.models import Municipality


@receiver([post_save, post_delete], sender=Membership, dispatch_uid="tenancy-membership")
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    generation = bump_tenancy_generation([instance.user_id])
    user = instance._state.fields_cache.get("user")
    if user is not None:  # the caller's copy of the person agrees with the database
        user.tenancy_generation = generation


@receiver([post_save, post_delete], sender=Municipality, dispatch_uid="tenancy-municipality")
def municipality_changed(sender, instance: Municipality, **kwargs) -> None:
    """A county analyst's scope is every municipality of their county."""
    analysts = Membership.system_objects.filter(role=Role.COUNTY_ANALYST, county_id=instance.county_id)
    bump_tenancy_generation(analysts.values_list("user_id", flat=True))
