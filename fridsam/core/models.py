"""The access log: append-only and hash-chained.

Rows are only ever inserted, through :func:`fridsam.core.audit.log_access`. Database triggers
(migration 0002) reject UPDATE and DELETE on both SQLite and PostgreSQL, and every row carries
the hash of its predecessor, keyed with a secret outside the database (``key_id`` names the key;
empty for the rows from before the keyed chain, ADR 0018), so that the ``verify_access_log``
command can name the first link that was tampered with.
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fridsam.core.roles import Role
from fridsam.core.tenancy import ScopedManager


def incoming_relations(model) -> list:
    """The relations by which rows of other models (or a many-to-many table) point at *model*'s
    rows, hidden ones (``related_name="+"``) included: ``_meta.related_objects`` leaves those out,
    Django's delete does not. A model with none can be deleted with one plain ``DELETE``."""
    return [
        relation
        for relation in model._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and relation.is_relation
    ]


class AccessAction(models.TextChoices):
    READ = "read", _("Read")
    LIST = "list", _("Listed")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed login")
    DENIED = "denied", _("Access denied")  # a refused attempt on a case-level URL (ADR 0021)


# Logged object types that are no model (every model's own verbose_name names the others).
OBJECT_TYPE_LABELS = {
    "reports.municipality": _("yearly report"),
    "reports.county": _("county report"),
}


class AccessLogEntry(models.Model):
    sequence = models.PositiveBigIntegerField(_("sequence number"), unique=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)  # several roles, joined by commas
    organisation = models.CharField(_("organisation"), max_length=250, blank=True)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    county = models.ForeignKey(
        "organisations.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
    )
    action = models.CharField(pgettext_lazy("access log", "action"), max_length=20, choices=AccessAction.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    entry_hash = models.CharField(_("hash"), max_length=64, unique=True)
    key_id = models.CharField(_("key id"), max_length=16, blank=True, default="")
    # Set once, when a former staff member's name in the entry is replaced by their pseudonym
    # (ADR 0040): "key id:HMAC" of the entry as it now reads and its unchanged hash, made with a key
    # outside the database after the entry was verified. Null for an entry as it was written.
    # Nullable, so that adding the column rewrites no row (and SQLite keeps the table and its triggers).
    seal = models.CharField(_("pseudonymisation seal"), max_length=81, null=True, blank=True)

    # The access log of a municipality is case-level: never visible to the county.
    objects = ScopedManager(case_municipality="municipality")

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["municipality", "-occurred_at"], name="accesslog_muni_time"),
            # "Who has read this?" (log review, ADR 0039): one object's entries in a municipality.
            models.Index(fields=["municipality", "object_type", "object_id"], name="accesslog_muni_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.username} {self.action} {self.object_type}:{self.object_id}"

    @property
    def object_type_label(self) -> str:
        """What the object type is called in the user's language: the model's verbose name."""
        if self.object_type in OBJECT_TYPE_LABELS:
            return str(OBJECT_TYPE_LABELS[self.object_type])
        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type

    @property
    def role_labels(self) -> str:
        return ", ".join(str(Role(r).label) if r in Role.values else r for r in self.role.split(",") if r)


class Reminder(models.Model):
    """Something due for one person, collected by the daily job (``manage.py send_reminders``)
    from every domain's collector (fridsam.core.reminders). Reached only through its user, on
    their own start page; ``resolved_on`` is set when it is no longer due."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=300, blank=True)
    due_on = models.DateField()
    first_seen_on = models.DateField()
    last_seen_on = models.DateField()
    emailed_on = models.DateField(null=True, blank=True)
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_reminder_once")]

    def __str__(self) -> str:
        return self.key


class AccessLogCheckpoint(models.Model):
    """Where the access log was cut by culling (ADR 0032): the last removed entry's sequence and
    hash, signed with a key outside the database. ``verify_access_log`` starts from the newest
    checkpoint: the first entry kept must link to ``cut_hash``. Append-only by database triggers
    (migration 0008), which also let the log's rows be deleted only up to the newest checkpoint."""

    cut_sequence = models.PositiveBigIntegerField(_("last culled entry"), unique=True)
    cut_hash = models.CharField(_("its hash"), max_length=64)
    # The key that signed the last culled entry (empty: from before the keyed chain), so that the
    # order of keys is still checked from the cut on.
    cut_key_id = models.CharField(max_length=16, blank=True, default="")
    culled_before = models.DateTimeField(_("entries older than"))
    removed = models.PositiveBigIntegerField(_("entries culled"))
    created_at = models.DateTimeField(_("time"))
    reason = models.CharField(_("reason"), max_length=200)
    key_id = models.CharField(_("key id"), max_length=16)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["-cut_sequence"]
        verbose_name = _("access log checkpoint")
        verbose_name_plural = _("access log checkpoints")

    def __str__(self) -> str:
        return f"checkpoint at #{self.cut_sequence}"


class AccessLogVerification(models.Model):
    """How far a whole verification of the access log reached (ADR 0041): the last entry verified,
    its hash and key, signed with a key outside the database. The nightly ``verify_access_log``
    stores one; a cut of the log (ADR 0032) made soon after verifies only the entries after it and
    the cut itself. A row someone forges fails its MAC and is ignored; one removed makes the next cut
    verify from the checkpoint, as before."""

    sequence = models.PositiveBigIntegerField(_("last entry verified"))
    entry_hash = models.CharField(_("its hash"), max_length=64)
    entry_key_id = models.CharField(max_length=16, blank=True, default="")  # the key of that entry
    start = models.PositiveBigIntegerField(_("verified from"))  # the checkpoint's cut (0: genesis)
    checked = models.PositiveBigIntegerField(_("entries verified"))
    verified_at = models.DateTimeField(_("time"))
    key_id = models.CharField(_("key id"), max_length=16)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["-verified_at", "-pk"]
        verbose_name = _("access log verification")
        verbose_name_plural = _("access log verifications")

    def __str__(self) -> str:
        return f"verified up to #{self.sequence} at {self.verified_at:%Y-%m-%d %H:%M}"


class StaffSession(AbstractBaseSession):
    """A session, with the account it is logged in as (ADR 0040, amending ADR 0030): the session
    engines of :mod:`fridsam.core.sessions` write ``user_id`` with every save, so ending one
    person's sessions (when they leave, when their account is removed) reads their rows by an index
    instead of decoding every session in the database. No foreign key: a session outlives nothing
    and must never hold up a change to an account."""

    user_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        return import_module(settings.SESSION_ENGINE).SessionStore  # fridsam.core.sessions(_cached)
