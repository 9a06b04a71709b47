"""The installation's default retention rules and their basis (ADR 0031). A municipality's own
rules replace them kind by kind; its information management plan decides."""

from __future__ import annotations

from fridsam.retention.models import Action, Clock, Kind

# kind → (clock, months, action, basis)
DEFAULTS: dict[str, tuple[str, int, str, str]] = {
    Kind.FOLLOWUP_RECORD: (
        Clock.CLOSED,
        60,
        Action.CULL,
        "SoL 12 kap. 1 §: social-services documentation is culled five years after the last entry; "
        "a closed record gets no further entries. Exceptions (SoL 12 kap. 2 §, SoF 7 kap. 1 §): "
        "in the municipalities Riksarkivet has selected for research, set 'deliver to the archive'.",
    ),
    Kind.CONSULTATION: (
        Clock.CLOSED,
        60,
        Action.CULL,
        "Documentation of the case work (SoL 12 kap. 1 §): five years after it was closed.",
    ),
    Kind.REFERRAL: (
        Clock.LAST_CHANGE,
        60,
        Action.CULL,
        "Documentation of the case work (SoL 12 kap. 1 §): five years after the referral or its receipt.",
    ),
    Kind.HOUSING_APPLICANT: (
        Clock.ALLOCATED,
        60,
        Action.CULL,
        "Documentation of the case work (SoL 12 kap. 1 §): five years after allocation or withdrawal.",
    ),
    Kind.SURVEY_RESPONSE: (
        Clock.LAST_CHANGE,
        120,
        Action.ARCHIVE,
        "The municipality's account of how its work is organised, no personal data about clients: "
        "kept ten years, then delivered to the archive (the information management plan may say 'keep').",
    ),
    Kind.OBSERVATION: (
        Clock.LAST_CHANGE,
        120,
        Action.ARCHIVE,
        "Anonymised observations behind the follow-up of the work: ten years, then the archive.",
    ),
    Kind.ACCESS_LOG: (
        Clock.LAST_CHANGE,
        60,
        Action.CULL,
        "Kept as long as the documentation it logs the reading of may be asked about: reviews "
        "(logguppföljning), complaints, IVO and the data-protection authority. One rule for the "
        "installation: the log is one chain (ADR 0032).",
    ),
    Kind.STAFF_ACCOUNT: (
        Clock.MEMBERSHIP_ENDED,
        60,
        Action.CULL,
        "Kept as long as the access log that names the person: five years after their last role ended, "
        "every read they made may still be asked about (log review, complaints, IVO, the data-protection "
        "authority) and must name who read. Then nothing in Fridsam needs the name (GDPR art. 5.1 c and e): "
        "it is replaced by a pseudonym and the account removed (ADR 0040). Not shorter than the access log's "
        "rule; the information management plan's rule for user accounts may say longer.",
    ),
}
