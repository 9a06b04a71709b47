"""The competence pages, per part of the work: ``people`` (one's own page, a staff member's
training and introduction, recording courses, the import), ``courses`` (the catalogue),
``plans`` (plans, requirements, onboarding steps), ``coverage`` (the gap report, coverage over
time, a unit's people), ``self_assessment`` (the knowledge self-assessment and its results) and
``events`` (the events and the calendar feed)."""
