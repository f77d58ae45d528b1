from django.urls import path

from timpora.detection import views

app_name = "detection"
urlpatterns = [
    path("alerts/", views.inbox, name="inbox"),
    path("alerts/acknowledge/", views.acknowledge_selected, name="acknowledge_selected"),
    path("alerts/<uuid:code>/", views.alert_detail, name="alert"),
    path("rules/", views.rule_list, name="rules"),
    path("parameters/", views.parameter_list, name="parameters"),
]
