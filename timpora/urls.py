from django.urls import include, path

from timpora.api import api

urlpatterns = [
    path("", include("timpora.core.urls")),
    path("accounts/", include("timpora.accounts.urls")),
    path("persons/", include("timpora.registry.urls")),
    path("audit/", include("timpora.audit.urls")),
    path("matching/", include("timpora.matching.urls")),
    path("exchange/", include("timpora.exchange.urls")),
    path("detection/", include("timpora.detection.urls")),
    path("cases/", include("timpora.cases.urls")),
    path("v/", include("timpora.cases.verify_urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler404 = "timpora.core.errors.not_found"
handler403 = "timpora.core.errors.forbidden"
handler500 = "timpora.core.errors.server_error"
