"""The county's course catalogue and the municipalities' own courses."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fridsam.competence import selectors, services
from fridsam.competence.forms import CourseForm
from fridsam.competence.models import Course, CourseLevel, Topic
from fridsam.competence.policies import course_policy
from fridsam.competence.views.places import place
from fridsam.core.forms import render_form_page, save_form
from fridsam.core.kept import kept_page
from fridsam.core.policies import ADD, CHANGE, VIEW


@kept_page
def catalogue(request):
    tenancy = request.tenancy
    course_policy.check(tenancy, VIEW)
    topic, level = request.GET.get("amne", ""), request.GET.get("niva", "")
    courses = selectors.courses_on(course_policy.catalogue(tenancy), topic=topic, level=level)
    municipalities, counties = course_policy.places(tenancy)
    new = reverse("competence:course_create")
    add_places = [(m.name, f"{new}?kommun={m.code}") for m in municipalities] + [
        (c.name, f"{new}?lan={c.code}") for c in counties
    ]
    return render(
        request,
        "competence/catalogue.html",
        {
            "courses": courses,
            "topics": Topic.choices,
            "levels": CourseLevel.choices,
            "topic": topic,
            "level": level,
            "add_places": add_places,
            "can_change": {c.pk for c in courses if course_policy.can(tenancy, CHANGE, c)},
        },
    )


def course_create(request):
    municipality, county = place(request)
    course_policy.check(request.tenancy, ADD, Course(county=county, municipality=municipality))
    return _course_form(request, county=county, municipality=municipality, course=None)


def course_update(request, pk):
    course = get_object_or_404(course_policy.visible(request.tenancy), pk=pk)
    course_policy.check(request.tenancy, CHANGE, course)
    return _course_form(request, county=course.county, municipality=course.municipality, course=course)


def _course_form(request, *, county, municipality, course):
    form = CourseForm(request.POST or None, instance=course)

    def save(data):
        services.course_save(county=county, municipality=municipality, fields=data, course=course, user=request.user)

    if save_form(request, form, save, success_message=_("The course was saved.")):
        return redirect("competence:catalogue")
    return render_form_page(
        request,
        form,
        title=_("Change the course")
        if course
        else (_("New course for %(place)s") % {"place": municipality.name if municipality else county.name}),
        cancel_url=reverse("competence:catalogue"),
    )
