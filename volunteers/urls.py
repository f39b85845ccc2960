from volunteers import meeting_views, supervision_views, views

app_name = "volunteers"

urlpatterns = views.urlpatterns + supervision_views.urlpatterns + meeting_views.urlpatterns
