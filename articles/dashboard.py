"""The editors' dashboard on the admin index: what needs attention now."""

from .models import Article
from .tasks import failed_tasks

DASHBOARD_ROWS = 8


def dashboard(user):
    """The dashboard's lists for ``user``: in review, going live next (scheduled or under an
    embargo), just published, my drafts; and, for whoever may see every import, the
    background work that failed for good (with the database's task backend)."""
    articles = Article.objects.select_related("section").only(
        "headline", "status", "publish_at", "embargo_until", "updated_at", "section__name"
    )
    lists = {
        "in_review": articles.in_state(Article.State.IN_REVIEW).order_by("-updated_at"),
        "scheduled": articles.upcoming(),
        "published": articles.published().order_by("-publish_at"),
        "my_drafts": articles.in_state(Article.State.DRAFT)
        .filter(created_by=user)
        .order_by("-updated_at"),
    }
    failed = failed_tasks()
    if failed is not None and user.has_perm("articles.view_importrun"):
        lists["failed_tasks"] = failed
    return lists
