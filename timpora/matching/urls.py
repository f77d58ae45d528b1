from django.urls import path

from timpora.matching import views

app_name = "matching"
urlpatterns = [
    path("review/", views.review_queue, name="review"),
    path("review/<uuid:code>/", views.review_item, name="review_item"),
    path("merges/<uuid:code>/", views.merge_detail, name="merge_detail"),
    path("watchlists/", views.watchlist_list, name="watchlists"),
    path("watchlists/<str:code>/", views.watchlist_detail, name="watchlist"),
    path("watchlists/<str:code>/edit/", views.watchlist_edit, name="watchlist_edit"),
    path("screen/", views.screen, name="screen"),
]
