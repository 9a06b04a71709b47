"""A staff member added to a municipality gets an introduction checklist from the plan in force."""

from django.dispatch import receiver

from fridsam.accounts.signals import membership_granted
from fridsam.competence.services import checklist_ensure


@receiver(membership_granted)
def create_checklist(sender, membership, **kwargs):
    checklist_ensure(membership=membership)
