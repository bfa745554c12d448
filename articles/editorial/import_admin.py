"""The admin's "Import articles" page, on the ImportRun admin: upload, see the dry run's table,
confirm; the import then runs as a task, its progress on the ImportRun's page."""

from collections import Counter

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..importers import admin_imports, uploads
from ..importers.pipeline import SKIPPED, ImportOptionsError
from ..models import ImportedFile
from .publishing import may_publish

IMPORT_PERMISSION = "articles.add_article"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.zip,.xml,.json"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(one, initial) for one in data]
        return [clean_one(data, initial)]


KEEP_CHOICES = (
    (admin_imports.AS_DRAFTS, "Drafts, whatever the files say"),
    (admin_imports.AS_THE_FILES_SAY, "As the files say (text files: published)"),
)


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        help_text="Text files (.txt), a .zip of them, a WordPress export (.xml) or ninjs "
        "(.json); a .zip of an export or ninjs may bring the pictures it names.",
    )
    keep = forms.ChoiceField(
        label="New articles are",
        choices=KEEP_CHOICES,
        initial=admin_imports.AS_DRAFTS,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_publish(user):
            del self.fields["keep"]  # a writer's imports are drafts


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    keep = forms.CharField(widget=forms.HiddenInput, required=False)


def preview_row(result):
    """One row of the dry run's table."""
    parsed = result.parsed
    return {
        "file": result.file,
        "headline": parsed.headline if parsed else "",
        "byline": ", ".join(parsed.authors) if parsed else "",
        "pictures": len(result.images),
        "captions": len(parsed.captions) if parsed else 0,
        "warnings": result.warnings,
        "error": result.error if result.action != SKIPPED else result.reason,
        "action": result.action,
    }


def summary(rows):
    """ "2 created, 1 conflict": how many files the dry run predicts each action for."""
    counts = Counter(row["action"] for row in rows)
    return ", ".join(
        f"{counts[action]} {action}"
        for action in (*ImportedFile.Action.values, SKIPPED)
        if counts[action]
    )


def progress(run):
    """What the ImportRun's page says of its progress (also sent to its script)."""
    what = "files or items" if run.options.get("format", "text") != "text" else "files"
    if run.error:
        text = f"Stopped after {run.done} of {run.total} {what}: {run.error}"
    elif run.finished_at:
        counts = ", ".join(
            f"{getattr(run, field)} {label}"
            for field, label in (
                ("created", "created"),
                ("updated", "updated"),
                ("unchanged", "unchanged"),
                ("conflicts", "conflicts"),
                ("failed", "failed"),
            )
        )
        text = f"Finished: {run.done} of {run.total} {what} ({counts})."
    elif not run.total:
        text = "Waiting for a worker to start the import…"
    else:
        text = f"Importing: {run.done} of {run.total} {what} done…"
    return {"done": run.done, "total": run.total, "running": run.running, "text": text}


class ImportPageMixin:
    """The ImportRun admin's "Import articles" page and its progress endpoint. Whoever may add
    articles may import, and sees their own runs; the view permission shows everyone's."""

    change_list_template = "admin/articles/importrun/change_list.html"
    change_form_template = "admin/articles/importrun/change_form.html"

    class Media:
        js = ("articles/import-progress.js",)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "<int:pk>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="{}_{}_progress".format(*info),
            ),
            *super().get_urls(),
        ]

    def sees_all_runs(self, request):
        return super().has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        if super().has_view_permission(request, obj):
            return True
        mine = obj is None or obj.user_id == request.user.pk
        return request.user.has_perm(IMPORT_PERMISSION) and mine

    def get_queryset(self, request):
        runs = super().get_queryset(request)
        return runs if self.sees_all_runs(request) else runs.filter(user=request.user)

    def changelist_view(self, request, extra_context=None):
        may_import = request.user.has_perm(IMPORT_PERMISSION)
        return super().changelist_view(request, {"may_import": may_import} | (extra_context or {}))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context = {"progress": progress(obj)} | context
        return super().render_change_form(request, context, add, change, form_url, obj)

    def progress_view(self, request, pk):
        run = get_object_or_404(self.get_queryset(request), pk=pk)
        return JsonResponse(progress(run))

    def import_view(self, request):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        form, rows, confirm = UploadForm(user=request.user), None, None
        if request.method == "POST" and "token" in request.POST:
            confirmed = ConfirmForm(request.POST)
            upload = confirmed.is_valid() and uploads.find(
                request.user, confirmed.cleaned_data["token"]
            )
            if upload:
                run = admin_imports.start(
                    upload, keep=confirmed.cleaned_data["keep"], user=request.user
                )
                self.message_user(request, f"{run} is queued: its progress is below.")
                return redirect(reverse("admin:articles_importrun_change", args=[run.pk]))
            self.message_user(
                request,
                "Those files are no longer there (another upload replaced them): "
                "upload them again.",
                messages.ERROR,
            )
        elif request.method == "POST":
            form = UploadForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                keep = form.cleaned_data.get("keep", admin_imports.AS_DRAFTS)
                rows, confirm = self.dry_run(request, form, keep)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import articles",
            "form": form,
            "rows": rows,
            "summary": summary(rows or ()),
            "confirm": confirm,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/articles/importrun/import.html", context)

    def dry_run(self, request, form, keep):
        """The dry run's rows and the form that confirms it; (None, None) with the form's
        error if the upload cannot be imported (nothing of it is kept)."""
        try:
            upload = uploads.save(request.user, form.cleaned_data["files"])
        except uploads.UploadError as error:
            form.add_error("files", str(error))
            return None, None
        try:
            results = admin_imports.preview(upload, keep=keep, user=request.user)
        except ImportOptionsError as error:
            uploads.discard(upload)
            form.add_error(None, str(error))
            return None, None
        confirm = ConfirmForm(initial={"token": upload.token, "keep": keep})
        return [preview_row(result) for result in results], confirm
