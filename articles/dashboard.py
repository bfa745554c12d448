"""The editors' dashboard on the admin index: what needs attention now."""

from .models import Article

DASHBOARD_ROWS = 8


def dashboard(user):
    """The dashboard's lists for ``user``: in review, going live next (scheduled or under an
    embargo), just published, my drafts."""
    articles = Article.objects.select_related("section").only(
        "headline", "status", "publish_at", "embargo_until", "updated_at", "section__name"
    )
    return {
        "in_review": articles.in_state(Article.State.IN_REVIEW).order_by("-updated_at"),
        "scheduled": articles.upcoming(),
        "published": articles.published().order_by("-publish_at"),
        "my_drafts": articles.in_state(Article.State.DRAFT)
        .filter(created_by=user)
        .order_by("-updated_at"),
    }
