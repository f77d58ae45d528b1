from django.urls import path

from timpora.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("upload/", views.upload, name="upload"),
    path("upload/<str:token>/", views.preview, name="preview"),
    path("examples/<str:name>", views.example_file, name="example"),
    path("batches/<uuid:code>/", views.batch_detail, name="batch"),
    path("batches/<uuid:code>/rejections.csv", views.batch_rejections, name="rejections"),
    path("permissions/", views.permission_table, name="permissions"),
]
