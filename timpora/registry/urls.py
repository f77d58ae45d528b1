from django.urls import path

from timpora.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.person_search, name="person_search"),
    path("<uuid:code>/", views.person_detail, name="person_detail"),
]
