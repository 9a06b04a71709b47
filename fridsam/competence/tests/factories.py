"""Courses and plans for tests."""

from __future__ import annotations

import datetime

from fridsam.competence import services
from fridsam.competence.models import Course
from fridsam.core.roles import Role


def course(county, code="GRUND", *, topics=("basics",), level="basic", municipality=None, title=None) -> Course:
    return Course.objects.create(
        county=county,
        municipality=municipality,
        code=code,
        title=title or f"Kurs {code}",
        provider="nck",
        format="web",
        hours=4,
        level=level,
        topics=list(topics),
    )


def plan(tenant, requirements, *, steps=(), year=None, approve=True):
    """A plan of the tenant's municipality: requirements as (title, [courses], unit_type, role, months),
    steps as (title, days, responsible)."""
    year = year or datetime.date.today().year
    coordinator, manager = tenant.users[Role.COORDINATOR], tenant.users[Role.MANAGER]
    draft = services.plan_start(municipality=tenant.municipality, year=year, user=coordinator)
    for title, courses, unit_type, role, months in requirements:
        services.requirement_save(
            plan=draft,
            fields={"title": title, "unit_type": unit_type, "role": role, "months": months},
            courses=courses,
            user=coordinator,
        )
    for title, days, responsible in steps:
        services.step_save(
            plan=draft, fields={"title": title, "days": days, "responsible": responsible}, user=coordinator
        )
    if approve:
        services.plan_approve(plan=draft, user=manager)
    return draft
