"""The article page as a newsroom would model it in Wagtail."""

from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page


class PeerAuthor(models.Model):
    name = models.CharField(max_length=200)

    def __str__(self):
        return self.name


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(Page):
    dek = models.TextField(blank=True)
    body = RichTextField()
    lead_image = models.ForeignKey(
        "wagtailimages.Image", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=255, blank=True)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)


class Byline(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(PeerAuthor, on_delete=models.PROTECT)


class RelatedLink(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_links")
    title = models.CharField(max_length=255)
    url = models.URLField()
