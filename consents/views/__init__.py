"""The consents app's pages, one module per feature; ``consents.urls`` names them all.

Thin, like the family pages: load through a selector (anything the user may not see is a 404), validate a form,
call one service, redirect or hand back the document the service printed. Volunteers never reach any of it (P7).
"""
