from consents import request_views, views

app_name = "consents"

urlpatterns = views.urlpatterns + request_views.urlpatterns
