"""Fronts: the home page and each section page open with slots that editors fill and order (a
lead story, then top stories); the newest public articles fill every other place.

A front stores which article an editor pinned where, never a copy of what readers see: the
page reads its pinned articles through ``ArticleQuerySet.on_front()``, which starts from
``published()``, so an article that stops being public leaves its slot at once.
"""

from collections import deque

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from .articles import Section


class FrontQuerySet(models.QuerySet):
    def create_missing(self):
        """Make the fronts not made yet: the home page's and one per section (the Fronts
        list lists them all)."""
        have = set(self.values_list("section", flat=True))
        missing = [None, *Section.objects.values_list("pk", flat=True)]
        self.bulk_create(
            [Front(section_id=pk) for pk in missing if pk not in have], ignore_conflicts=True
        )


class Front(models.Model):
    """The slots of one page: the home page (no section) or a section's page."""

    section = models.ForeignKey(
        Section, null=True, blank=True, editable=False, on_delete=models.CASCADE, related_name="+"
    )

    objects = FrontQuerySet.as_manager()

    class Meta:
        ordering = [F("section__order").asc(nulls_first=True), "section__name"]
        constraints = [
            # One front per place; the home page's has no section (NULLs never clash).
            models.UniqueConstraint(Coalesce("section", Value(0)), name="articles_front_place")
        ]

    def __str__(self):
        return "Home page" if self.section_id is None else f"Section: {self.section}"

    def get_absolute_url(self):
        if self.section_id is None:
            return reverse("articles:article_list")
        return self.section.get_absolute_url()


class FrontSlotQuerySet(models.QuerySet):
    def pinned(self):
        """Slots whose pin holds now: without an end, or ending later. Expired ones stay (the
        editor sees them) but are ignored."""
        return self.filter(Q(pinned_until__isnull=True) | Q(pinned_until__gt=timezone.now()))

    def on_front_of(self, section):
        """The slots of ``section``'s front; the home page's when ``section`` is None."""
        if section is None:
            return self.filter(front__section__isnull=True)
        return self.filter(front__section=section)

    def next_pin_end(self, moment):
        """When the next pin ends after ``moment`` (a page shows another article then, with
        nothing saved), from its index; None if no pin ends."""
        ends = self.filter(pinned_until__gt=moment).order_by("pinned_until")
        return ends.values_list("pinned_until", flat=True).first()


class FrontSlot(models.Model):
    front = models.ForeignKey(Front, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        help_text="The place on the page: 1 is the lead story.",
    )
    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="front_slots")
    pinned_until = models.DateTimeField(
        "pinned until",
        null=True,
        blank=True,
        help_text="Empty: pinned until removed. After this time the newest article takes the "
        "place. An article shows only while it is public.",
    )

    objects = FrontSlotQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            # The page cache asks for the next pin to end (caching.next_publication).
            models.Index(
                fields=["pinned_until"],
                name="articles_slot_until_idx",
                condition=Q(pinned_until__isnull=False),
            )
        ]

    def __str__(self):
        return f"{self.position}. {self.article}"

    def pin_holds(self):
        """``FrontSlotQuerySet.pinned()``, for one slot in memory."""
        return self.pinned_until is None or self.pinned_until > timezone.now()

    def holds(self):
        """Whether the slot shows its article now (``pinned()`` and ``published()``)."""
        return self.pin_holds() and self.article.is_published()


def arrange(pinned, newest):
    """The articles of a front's first page in order: each of ``pinned`` (in the order of
    their ``front_position``) at its position, the ``newest`` in every other place. A pin past
    the end of the list follows its last article."""
    pinned, newest = deque(pinned), deque(newest)
    page = []
    while pinned or newest:
        if pinned and (not newest or pinned[0].front_position <= len(page) + 1):
            page.append(pinned.popleft())
        else:
            page.append(newest.popleft())
    return page
