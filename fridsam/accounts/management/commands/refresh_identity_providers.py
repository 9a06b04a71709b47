"""Fetch every active SAML identity provider's metadata again and keep it only when its signature
holds (ADR 0035): a new signing certificate or endpoint of the IdP reaches Fridsam without an
administrator. Exits non-zero, naming the provider, when one could not be refreshed (the last
verified metadata stays in use)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fridsam.accounts.federation import metadata
from fridsam.accounts.models import IdentityProvider
from fridsam.core.tenancy import unscoped


class Command(BaseCommand):
    help = "Fetch the SAML identity providers' metadata again and keep what its signature verifies."

    def handle(self, *args, **options):
        failed = []
        with unscoped():
            providers = list(
                IdentityProvider.objects.filter(is_active=True, protocol=IdentityProvider.Protocol.SAML).exclude(
                    metadata_url=""
                )
            )
            for provider in providers:
                try:
                    provider.idp_settings = metadata.verified_idp_settings(
                        xml=metadata.fetch(provider.metadata_url),
                        certificate=provider.metadata_certificate,
                        entity_id=provider.idp_entity_id,
                    )
                except ValidationError as error:
                    failed.append(f"{provider.slug}: {' '.join(error.messages)}")
                    continue
                provider.metadata_checked_at = timezone.now()
                provider.save(update_fields=["idp_settings", "metadata_checked_at"])
                self.stdout.write(f"{provider.slug}: {provider.idp_settings['entity_id']}")
        if failed:
            raise CommandError("metadata not refreshed: " + "; ".join(failed))
