"""The site as production serves it, with uploaded media served beside it from MEDIA_ROOT, as a
web server or object storage would (Django serves no media with DEBUG off)."""

from django.conf import settings
from whitenoise import WhiteNoise

from newsroom.wsgi import application as site

application = WhiteNoise(site, root=settings.MEDIA_ROOT, prefix=settings.MEDIA_URL)
