from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fridsam.coordination.selectors import entry_points_for
from fridsam.core.forms import render_form_page, save_form
from fridsam.core.policies import CHANGE, VIEW
from fridsam.organisations.models import Municipality, PartnerOrganisation
from fridsam.organisations.policies import municipality_for
from fridsam.public import services
from fridsam.public.forms import DraftForm, ReturnForm
from fridsam.public.models import PublishedPage
from fridsam.public.policies import APPROVE, public_page_policy


def _content_context(municipality, content, show_contact, partner_ids):
    """What the page shows, for the public view and the preview alike."""
    partners = list(PartnerOrganisation.system_objects.filter(pk__in=partner_ids).order_by("name"))
    contacts = entry_points_for([municipality.pk]).get(municipality.pk, []) if show_contact else []
    return {
        "municipality": municipality,
        "content": content,
        "partners": partners,
        "contacts": contacts,
        "exit_url": settings.FRIDSAM_QUICK_EXIT_URL,
    }


@login_not_required
@require_GET
def public_page(request, code):
    """The municipality's page for the public: no login, no cookie, nothing from other sites, and it
    works without JavaScript. (The URL argument is not called municipality_code: the tenancy
    middleware would hide every municipality from an anonymous visitor.)"""
    municipality = Municipality.objects.filter(code=code).first()
    page = (
        PublishedPage.objects.filter(municipality=municipality).order_by("-version").first() if municipality else None
    )
    if page is None:
        # Not the site's 404 page: that one has a language form, and its CSRF token would set a cookie.
        return render(request, "public/not_found.html", {"exit_url": settings.FRIDSAM_QUICK_EXIT_URL}, status=404)
    context = _content_context(municipality, page.content, page.show_contact, page.partner_ids)
    return render(request, "public/page.html", {**context, "published": page})


@login_not_required
@require_GET
def accessibility_statement(request):
    return render(request, "public/accessibility.html", {"exit_url": settings.FRIDSAM_QUICK_EXIT_URL})


def manage(request, municipality_code):
    municipality = municipality_for(request.tenancy, municipality_code, public_page_policy, VIEW)
    draft = services.draft_for(municipality)
    published = PublishedPage.objects.filter(municipality=municipality).order_by("-version").first()
    preview = None
    if draft is not None:
        preview = _content_context(
            municipality,
            {name: getattr(draft, name) for name in services.CONTENT_FIELDS},
            draft.show_contact,
            list(draft.partners.values_list("pk", flat=True)),
        )
    tenancy = request.tenancy
    return render(
        request,
        "public/manage.html",
        {
            "municipality": municipality,
            "draft": draft,
            "published": published,
            "preview": preview,
            "public_url": request.build_absolute_uri(reverse("public:page", args=[municipality.code])),
            "can_edit": public_page_policy.can(tenancy, CHANGE, municipality),
            "can_approve": public_page_policy.can(tenancy, APPROVE, municipality)
            and draft is not None
            and request.user.pk not in (draft.edited_by_id, draft.submitted_by_id),
            "return_form": ReturnForm(),
        },
    )


def edit(request, municipality_code):
    municipality = municipality_for(request.tenancy, municipality_code, public_page_policy, CHANGE)
    draft = services.draft_for(municipality)
    form = DraftForm(request.POST or None, instance=draft, municipality=municipality)

    def save(data):
        services.draft_save(
            municipality=municipality,
            data=data,
            partners=list(data["partners"]),
            user=request.user,
        )

    if save_form(request, form, save, success_message=_("The draft was saved. Send it for approval when it is ready.")):
        return redirect("public:manage", municipality_code=municipality.code)
    return render_form_page(
        request,
        form,
        municipality=municipality,
        title=_("The public page of %(municipality)s") % {"municipality": municipality.name},
        intro=_(
            "Written for a person subjected to violence who looks for help. Plain language; no names of "
            "clients. The national helplines, the right to support, reporting to the police and protection "
            "orders are on every page already."
        ),
        cancel_url=reverse("public:manage", args=[municipality.code]),
        submit=_("Save the draft"),
    )


@require_POST
def action(request, municipality_code, action):
    actions = {"skicka": CHANGE, "godkann": APPROVE, "atervisa": APPROVE}
    if action not in actions:
        raise Http404
    municipality = municipality_for(request.tenancy, municipality_code, public_page_policy, actions[action])
    draft = services.draft_for(municipality)
    if draft is None:
        raise Http404
    try:
        if action == "skicka":
            services.draft_submit(draft=draft, user=request.user)
            messages.success(request, _("The page was sent to a manager for approval."))
        elif action == "godkann":
            page = services.draft_approve(draft=draft, user=request.user)
            messages.success(request, _("Version %(n)s is published.") % {"n": page.version})
        else:
            form = ReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Say what should be changed."))
            services.draft_return(draft=draft, user=request.user, comment=form.cleaned_data["comment"])
            messages.success(request, _("The page was sent back to the coordinator."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("public:manage", municipality_code=municipality.code)
