"""The admin site, with the editors' dashboard on its index page."""

from django.contrib import admin

from articles.editorial.dashboard import DASHBOARD_ROWS, dashboard


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom editor"
    site_title = "Newsroom editor"

    def index(self, request, extra_context=None):
        lists = {name: rows[:DASHBOARD_ROWS] for name, rows in dashboard(request.user).items()}
        return super().index(request, {"dashboard": lists} | (extra_context or {}))
