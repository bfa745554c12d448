"""The editors' dashboard on the admin index: what needs attention now."""

from django.utils import timezone

from .models import Article

DASHBOARD_ROWS = 8


def dashboard(user):
    """The dashboard's lists for ``user``: in review, scheduled next, just published, my drafts."""
    now = timezone.now()
    articles = Article.objects.select_related("section").only(
        "headline", "status", "publish_at", "updated_at", "section__name"
    )
    return {
        "in_review": articles.filter(status=Article.Status.IN_REVIEW).order_by("-updated_at"),
        "scheduled": articles.filter(status=Article.Status.PUBLISHED, publish_at__gt=now).order_by(
            "publish_at"
        ),
        "published": articles.published().order_by("-publish_at"),
        "my_drafts": articles.filter(status=Article.Status.DRAFT, created_by=user).order_by(
            "-updated_at"
        ),
    }
