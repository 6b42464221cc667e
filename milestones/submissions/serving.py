"""A submitted file on its way out: read from its storage in chunks, as an attachment.

Only views that have checked who is asking call this; nothing here checks it. The browser is
told not to guess the type (``nosniff``), not to show the file inline (an attachment with the
file's own name: Django writes ``filename*`` per RFC 6266/5987 for names that are not ASCII),
and to run nothing from it should it ever try (a Content-Security-Policy that allows nothing).
"""

from django.http import FileResponse


def file_response(submission_file):
    handle = submission_file.file.storage.open(submission_file.file.name, "rb")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=submission_file.name,
        content_type=submission_file.content_type,
    )
    response["Content-Length"] = str(submission_file.size)
    response["X-Content-Type-Options"] = "nosniff"
    # Set here, django-csp leaves it as it is.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
