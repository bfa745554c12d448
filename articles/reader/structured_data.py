"""What an article page tells search engines and social networks: schema.org ``NewsArticle``
and ``BreadcrumbList`` (JSON-LD), and the Open Graph picture. Built from the rows the page has
already loaded (``Article.load_details()``): no query of its own.
"""

from django.templatetags.static import static
from django.urls import reverse

from .. import conf
from ..links import absolute_url
from . import body


def image_objects(picture, request):
    """The 16:9, 4:3 and 1:1 crops of ``picture`` (``Article.social_picture``: a caption, or
    the article's social image) as ``ImageObject``s with caption and credit."""
    return [
        {
            "@type": "ImageObject",
            "url": absolute_url(image.url, request),
            "width": image.width,
            "height": image.height,
            **({"caption": picture.text} if picture.text else {}),
            **({"creditText": picture.credit} if picture.credit else {}),
        }
        for image in picture.social_images()
    ]


def body_images(article, request):
    """The pictures the body shows, in its order, as ``ImageObject``s (``associatedMedia``)."""
    found = []
    for picture in body.shown(article):
        image = picture.pictures["original"]  # the <img src> of the page: at most 1200 wide
        data = {
            "@type": "ImageObject",
            "url": absolute_url(image.src, request),
            "width": image.width,
            "height": image.height,
            "caption": picture.caption,
            "creditText": picture.credit,
        }
        found.append({key: value for key, value in data.items() if value not in (None, "")})
    return found


def social_image(news_article, article):
    """The 16:9 crop of ``article.social_picture`` for Open Graph and Twitter cards, taken
    from the ``news_article()`` data of ``article``; or None."""
    images = news_article.get("image")
    return images[0] | {"alt": article.social_picture.alt_text} if images else None


def publisher(request):
    logo = conf.get("ARTICLES_PUBLISHER_LOGO")
    return {
        "@type": "NewsMediaOrganization",
        "name": conf.get("ARTICLES_SITE_NAME"),
        "url": absolute_url("/", request),
        "logo": {
            "@type": "ImageObject",
            "url": absolute_url(static(logo["path"]), request),
            "width": logo["width"],
            "height": logo["height"],
        },
    }


def person(byline, request):
    """A byline's author as a schema.org Person (an ``author`` or a ``contributor``)."""
    author = byline.author
    return {
        "@type": "Person",
        "name": author.name,
        "url": absolute_url(author.get_absolute_url(), request),
        **({"jobTitle": author.job_title} if author.job_title else {}),
        **({"description": byline.get_role_display()} if not byline.is_author else {}),
    }


def news_article(article, request):
    canonical = absolute_url(article.get_absolute_url(), request)
    picture = article.social_picture
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": f"{canonical}#article",
        "url": canonical,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "headline": article.search_title,
        "alternativeHeadline": article.headline if article.seo_title else None,
        "description": article.search_description,
        "inLanguage": article.content_language(),
        "image": image_objects(picture, request) if picture else [],
        "associatedMedia": body_images(article, request),
        "datePublished": article.publish_at.isoformat() if article.publish_at else None,
        "dateModified": (
            article.revised_at or article.publish_at or article.updated_at
        ).isoformat(),
        "author": [person(byline, request) for byline in article.byline_authors],
        "contributor": [person(byline, request) for byline in article.byline_contributors],
        "publisher": publisher(request),
        "articleSection": article.section.name if article.section else None,
        "keywords": [tag.name for tag in article.tag_list],
        "wordCount": article.word_count(),
        "correction": [
            {
                "@type": "CorrectionComment",
                "name": correction.get_kind_display(),
                "text": correction.text,
                "datePublished": correction.published_at.isoformat(),
            }
            # revised_at is set only when there are corrections: no query for the others
            for correction in (article.corrections.all() if article.revised_at else ())
        ],
    }
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def breadcrumbs(article, request):
    """Home → section → article, as ``(name, url)`` pairs; the article's url is None."""
    trail = [("Home", reverse("articles:article_list"))]
    if article.section:
        trail.append((article.section.name, article.section.get_absolute_url()))
    return [*trail, (article.headline, None)]


def breadcrumb_list(trail, request):
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                **({"item": absolute_url(url, request)} if url else {}),
            }
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }
