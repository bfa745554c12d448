from django.urls import path, re_path

from . import views

app_name = "articles"

urlpatterns = [
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[-a-zA-Z0-9_]+)/$",
        views.ArticleDetailView.as_view(),
        name="article_detail",
    ),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="article_preview"),
    path(
        "preview/shared/<str:signature>/",
        views.SharedPreviewView.as_view(),
        name="article_shared_preview",
    ),
    path("sections/<slug:slug>/", views.SectionDetailView.as_view(), name="section_detail"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author_detail"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("", views.ArticleListView.as_view(), name="article_list"),
]
