from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("send/", views.send, name="send"),
    path("read/", views.mark_read, name="read"),
    path("herald/token", views.herald_token, name="herald-token"),
]
