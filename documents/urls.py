"""Routes for scheme documents, under /documents/. The scheme's public page is wired at the root
(homestart/urls.py: /schemes/<code>/documents/), outside this namespace, because it is not part of the app's own
signed-in pages."""

from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("new/", views.document_new, name="new"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/new-version/", views.draft_new, name="draft_new"),
    path("versions/<int:pk>/change/", views.draft_edit, name="draft_edit"),
    path("versions/<int:pk>/pdf/", views.version_pdf, name="version_pdf"),
    path("versions/<int:pk>/publish/", views.version_publish, name="publish"),
    path("versions/<int:pk>/discard/", views.draft_discard, name="draft_discard"),
]

# The public page of one scheme's documents in force, and their downloads: no sign-in (homestart/urls.py).
public_patterns = [
    path("schemes/<slug:code>/documents/", views.public_documents, name="scheme_documents"),
    path("schemes/<slug:code>/documents/<int:pk>/", views.public_download, name="scheme_document_download"),
]
