"""The editors' dashboard on the admin index: what needs attention now."""

from django.contrib.auth import get_user_model

from ..models import Article, person
from ..tasks import failed_tasks

DASHBOARD_ROWS = 8


def dashboard(user):
    """The dashboard's lists for ``user``: in review, going live next (scheduled or under an
    embargo), just published, my drafts; waiting for me (my reviews) and returned to me (my
    drafts sent back from review, with the reviewer's latest note); and, for whoever may see
    every import, the background work that failed for good (with the database's task
    backend)."""
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
        "waiting_for_me": articles.waiting_for(user),
        "returned_to_me": returned_to(user),
    }
    failed = failed_tasks()
    if failed is not None and user.has_perm("articles.view_importrun"):
        lists["failed_tasks"] = failed
    return lists


def returned_to(user):
    """The first ``DASHBOARD_ROWS`` of ``Article.objects.returned_to(user)``, each with the
    name of who returned it (``returned_by``): two queries, however many rows."""
    rows = list(Article.objects.returned_to(user).only("headline")[:DASHBOARD_ROWS])
    people = get_user_model().objects.in_bulk({row.returned_by_id for row in rows} - {None})
    for row in rows:
        row.returned_by = person(people.get(row.returned_by_id))
    return rows
