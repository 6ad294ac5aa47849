"""Directory pages: public lists and details, export, the staff import (upload → preview → confirm) and the
organisation's own profile in the workspace. Views parse input, call one selector or service, render."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from kechuang.core.exceptions import ApplicationError
from kechuang.core.links import fixed_urls
from kechuang.core.models import Job
from kechuang.core.permissions import permits, require_bureau
from kechuang.core.tabular import get_spec, template_bytes
from kechuang.core.tabular.export import ListExport, list_export_view
from kechuang.core.updates import form_error
from kechuang.directory import contacts, selectors, services
from kechuang.directory.choices import ContactRequestStatus, RevealChannel
from kechuang.directory.forms import (
    ContactRequestForm,
    ImportUploadForm,
    InstrumentForm,
    OrganisationProfileForm,
    PersonForm,
    PlatformForm,
    YearlyFigureForm,
    parse_merge_choices,
)
from kechuang.directory.models import (
    ContactRequest,
    ContactReveal,
    Instrument,
    Organisation,
    Person,
    Platform,
)

PAGE_SIZE = 20
EXPORT_LIMIT = 100_000  # export_queryset's own limit
TITLES = {"organisations": "机构", "people": "专家与人才", "platforms": "创新平台", "instruments": "大型仪器"}
LIST_URLS = {"organisations": "directory:organisation_list", "people": "directory:person_list",
             "platforms": "directory:platform_list", "instruments": "directory:instrument_list"}
def _list(request: HttpRequest, entity: str) -> HttpResponse:
    page = selectors.list_page(entity, request.user, request.GET, PAGE_SIZE)
    for problem in selectors.filter_problems(entity, request.GET):  # the list is empty: say which filter is wrong
        messages.error(request, problem)
    listing = selectors.LISTINGS[entity]
    params = request.GET.copy()
    params.pop("page", None)
    tab_urls = fixed_urls(*LIST_URLS.values())
    return render(request, f"directory/{entity}_list.html", {
        "entity": entity, "title": TITLES[entity], "page": page, "q": request.GET.get("q", ""),
        "filters": selectors.filter_controls(entity, request.GET), "sorts": listing.sort_choices(),
        "sort": request.GET.get("sort", ""), "query_string": params.urlencode(),
        "tabs": [(e, t, tab_urls[LIST_URLS[e]]) for e, t in TITLES.items()],
        "export_url": reverse("directory:export", args=[entity]),
    })


def organisation_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "organisations")


def person_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "people")


def platform_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "platforms")


def instrument_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "instruments")


def _optional_template(name: str) -> str | None:
    """Another app's panel, included only when that app provides it (the market adds achievements/demands)."""
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


def _hidden_contact_text(user: Any) -> str:
    if not user.is_authenticated:
        return "登录后可见"
    return "机构审核通过后可见"


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(
        Organisation.objects.restrict(request.user, "view").prefetch_related("industry_chains"), pk=pk)
    return render(request, "directory/organisation_detail.html", {
        "org": org, **selectors.organisation_related(org, request.user),
        "show_contacts": contacts.can_see_official_contacts(request.user, org.pk),
        "hidden_contact_text": _hidden_contact_text(request.user),
        "market_panel": _optional_template("market/_organisation_panel.html"),
    })


def _edit_url(request: HttpRequest, key: str, obj: Any) -> str | None:
    """The workspace edit link, for those who may change the row (its organisation's members, bureau staff)."""
    if not request.user.is_authenticated:
        return None
    if not permits(request.user, "change", obj):
        return None
    return reverse(f"directory:{key}_edit", args=[obj.pk])


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.restrict(request.user, "view").select_related("organisation"), pk=pk)
    gate = contacts.ContactGate(request.user, RevealChannel.PAGE)
    show = gate.reveal(person)
    gate.flush()
    mine = (ContactRequest.objects.filter(person=person, requester=request.user).order_by("-created_at").first()
            if request.user.is_authenticated else None)
    if show:
        hidden = ""
    elif gate.limited:
        hidden = "今日查看个人联系方式已达上限"
    elif not request.user.is_authenticated:
        hidden = "登录后可发送联系请求"
    else:
        hidden = "未向您公开"
    return render(request, "directory/person_detail.html", {
        "person": person, "edit_url": _edit_url(request, "person", person), "show_contact": show,
        "hidden_contact_text": hidden, "my_request": mine,
        "can_request": request.user.is_authenticated and not show and not gate.manages(person),
    })


def platform_detail(request: HttpRequest, pk: int) -> HttpResponse:
    platform = get_object_or_404(
        Platform.objects.restrict(request.user, "view").select_related("organisation").prefetch_related(
            "industry_chains"), pk=pk)
    return render(request, "directory/platform_detail.html", {"platform": platform, "edit_url": _edit_url(request, "platform", platform)})


def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_object_or_404(
        Instrument.objects.restrict(request.user, "view").select_related("organisation"), pk=pk)
    return render(request, "directory/instrument_detail.html", {
        "instrument": instrument, "edit_url": _edit_url(request, "instrument", instrument),
        "show_contacts": contacts.can_see_official_contacts(request.user, instrument.organisation_id),
        "hidden_contact_text": _hidden_contact_text(request.user)})


def _export_of(request: HttpRequest, entity: str) -> ListExport | None:
    """The list as it is filtered on screen (the same FilterSet), as XLSX or CSV, with the import headers."""
    if entity not in selectors.LISTINGS:
        return None
    qs = selectors.search_list(entity, request.user, request.GET)
    # Personal contacts only for bureau staff, official contacts only for approved accounts (contacts.py).
    hide = contacts.export_hides(entity, request.user)

    def log_contacts() -> None:
        # One log row for the whole file (who exported how many people's contacts), not one per person.
        viewer: Any = request.user  # bureau staff: signed in (export_hides gives personal columns to no one else)
        ContactReveal.objects.create(viewer=viewer, person=None, channel=RevealChannel.EXPORT,
                                     person_name=f"导出{min(qs.count(), EXPORT_LIMIT)}人"[:50])

    return ListExport(spec=entity, rows=qs, hide=hide, limit=EXPORT_LIMIT,
                      after=log_contacts if entity == "people" and "phone" not in hide else None)


export = list_export_view(_export_of)


# --- Staff import --------------------------------------------------------------------------------------

SESSION_KEY = "directory_imports"


def _require_bureau(request: HttpRequest) -> None:
    require_bureau(request.user, "仅科技局工作人员可以批量导入")


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def purge_stale_uploads(now: float | None = None) -> int:
    """Delete uploads older than IMPORT_UPLOAD_RETENTION_HOURS (previews never confirmed); run on each upload,
    so the directory never grows without bound. Returns how many were deleted."""
    import time

    hours = float(getattr(settings, "IMPORT_UPLOAD_RETENTION_HOURS", 24))
    cutoff = (now or time.time()) - hours * 3600
    removed = 0
    for f in _upload_dir().iterdir():
        try:
            if f.is_file() and f.stat().st_mtime < cutoff:
                f.unlink()
                removed += 1
        except OSError:
            continue  # another request removed it first
    return removed


def _forget_upload(request: HttpRequest, token: str, item: dict[str, Any]) -> None:
    """A rejected or finished upload is deleted at once and forgotten by the session."""
    Path(item["path"]).unlink(missing_ok=True)
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    _require_bureau(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial={"entity": request.GET.get("entity")})
    if request.method == "POST" and form.is_valid():
        purge_stale_uploads()
        upload = form.cleaned_data["file"]
        token = uuid.uuid4().hex
        suffix = Path(upload.name).suffix.lower()
        stored = _upload_dir() / f"{token}{suffix}"
        with stored.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        pending = request.session.get(SESSION_KEY, {})
        pending[token] = {"entity": form.cleaned_data["entity"], "path": str(stored), "name": upload.name}
        request.session[SESSION_KEY] = pending
        return redirect("directory:import_preview", token=token)
    return render(request, "directory/import_start.html", {"form": form})


@login_required
def import_template(request: HttpRequest, entity: str) -> HttpResponse:
    _require_bureau(request)
    spec = get_spec(entity)
    if spec is None:
        raise Http404
    response = HttpResponse(template_bytes(spec),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{entity}-template.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    _require_bureau(request)
    pending = request.session.get(SESSION_KEY, {})
    item = pending.get(token)
    if item is None:
        raise Http404("导入文件已失效，请重新上传")
    try:
        data = Path(item["path"]).read_bytes()
    except FileNotFoundError:  # past the retention period, or already imported in another tab
        _forget_upload(request, token, item)
        messages.error(request, "导入文件已失效（上传文件只保留一段时间），请重新上传。")
        return redirect("directory:import_start")
    merges: dict[int, Any] = {}
    problems: list[str] = []
    if request.method == "POST":
        merges, problems = parse_merge_choices(request.POST)
    confirm = request.method == "POST" and not problems
    if confirm and data.count(b"\n") > services.import_background_rows():
        # A large file: validate and write in a background job, with its progress on the job page. (Counting
        # newlines is a cheap upper bound for CSV and JSON lines; an XLSX is compressed, so a large one has
        # fewer newlines than rows and is simply written in the request, within the row limit.)
        job = services.directory_import_start_job(entity=item["entity"], path=item["path"], file_name=item["name"],
                                                  actor=request.user, merges=merges)
        pending.pop(token, None)
        request.session[SESSION_KEY] = pending
        return redirect("directory:import_job", pk=job.pk)
    try:
        report = services.directory_import(entity=item["entity"], data=data, file_name=item["name"],
                                           actor=request.user, dry_run=not confirm, merges=merges if confirm else {})
    except ApplicationError as exc:
        if not confirm or not merges:
            _forget_upload(request, token, item)  # unreadable or too large: nothing to keep it for
            messages.error(request, exc.message)
            return redirect("directory:import_start")
        # The merge choices were refused (a record gone since the preview): show the preview again.
        problems, merges = [exc.message], {}
        report = services.directory_import(entity=item["entity"], data=data, file_name=item["name"],
                                           actor=request.user, dry_run=True)
    if not report.ok and not report.only_mergeable_errors:
        # Rejected: the clerk corrects the file and uploads it again; this copy is deleted now.
        _forget_upload(request, token, item)
    if request.method == "POST" and report.written:
        _forget_upload(request, token, item)
        messages.success(request, f"导入成功：新增{report.label} {report.created} 条，合并 {report.merged} 条。")
        return redirect(LIST_URLS.get(report.entity, "directory:import_start"))
    spec = get_spec(item["entity"])
    return render(request, "directory/import_preview.html", {
        "report": report, "token": token, "spec": spec, "errors_by_row": report.errors_by_row()[:500],
        "merges": merges, "problems": problems,
        "existing_candidates": [c for c in report.candidates if c.existing_id is not None][:300],
        "file_candidates": [c for c in report.candidates if c.existing_id is None][:300],
    })


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a background import, refreshed every few seconds until it ends."""
    _require_bureau(request)
    job = get_object_or_404(Job, pk=pk, kind=services.IMPORT_JOB)
    running = job.status in (Job.Status.QUEUED, Job.Status.RUNNING)
    entity = job.params.get("entity", "")
    return render(request, "directory/import_job.html", {
        "job": job, "running": running, "percent": int(job.progress * 100),
        "list_url": reverse(LIST_URLS[entity]) if entity in LIST_URLS else None})


# --- Workspace: the organisation's own profile -----------------------------------------------------------

def _own_organisation(request: HttpRequest) -> Organisation:
    org_id = getattr(request.user, "organisation_id", None)
    org = Organisation.objects.restrict(request.user, "change").filter(pk=org_id).first() if org_id else None
    if org is None:
        raise PermissionDenied("您的账户未关联机构，无法编辑机构资料")
    return org


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    org = _own_organisation(request)
    form = OrganisationProfileForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "industry_chains"}
        try:
            services.organisation_update_profile(organisation=Organisation.objects.get(pk=org.pk), data=data,
                                                 industry_chains=list(form.cleaned_data["industry_chains"]),
                                                 actor=request.user)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "机构资料已保存。")
            return redirect("directory:organisation_detail", pk=org.pk)
    return render(request, "directory/profile_edit.html", {"form": form, "org": org})


@login_required
@require_http_methods(["GET", "POST"])
def figures_edit(request: HttpRequest) -> HttpResponse:
    org = _own_organisation(request)
    form = YearlyFigureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.yearly_figure_save(organisation=org, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['year']}年度数据已保存。")
            return redirect("directory:figures_edit")
    return render(request, "directory/figures_edit.html", {
        "form": form, "org": org, "figures": org.yearly_figures.order_by("-year"),
    })


# --- Workspace: the organisation's own people, platforms and instruments --------------------------------------
# Who may change a row is the model's permission_q (members of its organisation, and bureau staff): the views
# only look rows up through restrict(user, "change"/"delete"), so another organisation's row is a 404.

@dataclass(frozen=True)
class Resource:
    key: str  # the keyword the services take ("person", "platform", "instrument")
    model: Any
    form: Any
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    detail: str
    has_chains: bool = False

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)


RESOURCES: dict[str, Resource] = {
    "person": Resource("person", Person, PersonForm, services.person_create, services.person_update,
                       services.person_delete, "directory:person_detail"),
    "platform": Resource("platform", Platform, PlatformForm, services.platform_create, services.platform_update,
                         services.platform_delete, "directory:platform_detail", has_chains=True),
    "instrument": Resource("instrument", Instrument, InstrumentForm, services.instrument_create,
                           services.instrument_update, services.instrument_delete, "directory:instrument_detail"),
}


def _service_data(res: Resource, form: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    data = {k: v for k, v in form.cleaned_data.items() if k != "industry_chains"}
    extra = {"industry_chains": list(form.cleaned_data["industry_chains"])} if res.has_chains else {}
    return data, extra


def _after_write(request: HttpRequest, obj: Any, res: Resource, deleted: bool = False) -> HttpResponse:
    """Members go back to their organisation's list; bureau staff (who edit any organisation's rows and have no
    such list) go to the row's page, or after a delete to the public list."""
    if obj.organisation_id == getattr(request.user, "organisation_id", None):
        return redirect("directory:my_resources")
    if deleted:
        return redirect(LIST_URLS[{"person": "people"}.get(res.key, res.key + "s")])
    return redirect(res.detail, pk=obj.pk)


@login_required
def my_resources(request: HttpRequest) -> HttpResponse:
    org = _own_organisation(request)
    sections = []
    for key, res in RESOURCES.items():
        rows = res.model.objects.restrict(request.user, "change").filter(organisation=org).order_by("name", "id")
        sections.append({"key": key, "label": res.label, "rows": rows, "create": f"directory:{key}_create",
                         "edit": f"directory:{key}_edit", "delete": f"directory:{key}_delete", "detail": res.detail})
    return render(request, "directory/my_resources.html", {"org": org, "sections": sections})


def _resource_create(request: HttpRequest, key: str) -> HttpResponse:
    res = RESOURCES[key]
    org = _own_organisation(request)
    form = res.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, extra = _service_data(res, form)
        try:
            obj = res.create(organisation=org, data=data, actor=request.user, **extra)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已新增{res.label}：{obj}")
            return redirect("directory:my_resources")
    return render(request, "directory/resource_form.html", {
        "form": form, "org": org, "res": res, "title": f"新增{res.label}", "obj": None})


def _resource_edit(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    res = RESOURCES[key]
    obj = get_object_or_404(res.model.objects.restrict(request.user, "change").select_related("organisation"), pk=pk)
    form = res.form(request.POST or None, instance=res.model.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data, extra = _service_data(res, form)
        try:
            res.update(**{res.key: obj}, data=data, actor=request.user, **extra)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{res.label}“{obj}”已保存。")
            return _after_write(request, obj, res)
    return render(request, "directory/resource_form.html", {
        "form": form, "org": obj.organisation, "res": res, "title": f"编辑{res.label}：{obj}", "obj": obj,
        "delete_url": reverse(f"directory:{key}_delete", args=[obj.pk])})


def _resource_delete(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    res = RESOURCES[key]
    obj = get_object_or_404(res.model.objects.restrict(request.user, "delete"), pk=pk)
    name = str(obj)
    try:
        res.delete(**{res.key: obj}, actor=request.user)
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, f"已删除{res.label}：{name}")
    return _after_write(request, obj, res, deleted=True)


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    return _resource_create(request, "person")


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _resource_edit(request, "person", pk)


@login_required
@require_POST
def person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _resource_delete(request, "person", pk)


@login_required
@require_http_methods(["GET", "POST"])
def platform_create(request: HttpRequest) -> HttpResponse:
    return _resource_create(request, "platform")


@login_required
@require_http_methods(["GET", "POST"])
def platform_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _resource_edit(request, "platform", pk)


@login_required
@require_POST
def platform_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _resource_delete(request, "platform", pk)


@login_required
@require_http_methods(["GET", "POST"])
def instrument_create(request: HttpRequest) -> HttpResponse:
    return _resource_create(request, "instrument")


@login_required
@require_http_methods(["GET", "POST"])
def instrument_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _resource_edit(request, "instrument", pk)


@login_required
@require_POST
def instrument_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _resource_delete(request, "instrument", pk)


# --- Contact requests relayed by the platform, and the reveal log -----------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def contact_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.restrict(request.user, "view").select_related("organisation"), pk=pk)
    form = ContactRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_request_create(person=person, message=form.cleaned_data["message"], actor=request.user)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            who = person.organisation.name if person.organisation else "科技局"
            messages.success(request, f"联系请求已发送，{who}处理后会通知您。")
            return redirect("directory:person_detail", pk=person.pk)
    return render(request, "directory/contact_request_form.html", {"form": form, "person": person})


@login_required
def contact_requests(request: HttpRequest) -> HttpResponse:
    """Requests to decide (members of the person's organisation; bureau staff: all) and the user's own."""
    user: Any = request.user
    incoming = (ContactRequest.objects.restrict(user, "change").select_related("person", "requester",
                                                                              "requester__organisation")
                .exclude(requester=user).order_by("status", "-created_at")[:200])
    sent = ContactRequest.objects.filter(requester=user).select_related("person").order_by("-created_at")[:100]
    return render(request, "directory/contact_requests.html", {
        "incoming": incoming, "sent": sent, "pending": ContactRequestStatus.PENDING})


@login_required
@require_POST
def contact_request_decide(request: HttpRequest, pk: int, trigger: str) -> HttpResponse:
    item = get_object_or_404(ContactRequest.objects.restrict(request.user, "change").select_related("person"), pk=pk)
    if trigger not in ("grant", "decline"):
        raise Http404
    try:
        services.contact_request_decide(request=item, trigger=trigger, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        done = "已同意，对方现在可以在专家页面看到联系方式" if trigger == "grant" else "已婉拒"
        messages.success(request, f"{item.person.name}的联系请求{done}。")
    return redirect("directory:contact_requests")


@login_required
def contact_reveals(request: HttpRequest) -> HttpResponse:
    """Bureau staff: who saw whose contact, newest first."""
    _require_bureau_staff(request)
    rows = ContactReveal.objects.select_related("viewer", "viewer__organisation").order_by("-at", "-id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "directory/contact_reveals.html", {"page": page})


def _require_bureau_staff(request: HttpRequest) -> None:
    require_bureau(request.user, "仅科技局工作人员可以查看联系方式查看记录")
