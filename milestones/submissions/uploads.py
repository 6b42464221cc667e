"""Stopping an upload that is too large before its whole body is read.

Django parses a multipart body when ``request.POST`` or ``request.FILES`` is first touched, and
hands each file's bytes to the request's upload handlers as they arrive (to a temporary file on
disk: settings.FILE_UPLOAD_HANDLERS). ``limit_uploads`` puts ``LimitedUploadHandler`` in front
of them. It refuses a request whose Content-Length is above what ``max_files`` files of
``max_bytes`` could need, before reading any file's bytes; it stops taking a file as soon as
it has passed ``max_bytes`` (its temporary file is removed, the other files go on); it takes at
most ``max_files`` files; and it notes an upload cut off half way (Django then drops that
file). ``upload_problems`` says what was refused and why, for a message beside the field.

CSRF: Django's CSRF middleware reads ``request.POST`` before the view runs, which would parse
the body before the limits are in place. The upload view therefore is ``csrf_exempt`` and
checks the token itself after ``limit_uploads``, as Django's documentation on upload handlers
shows::

    @csrf_exempt
    def upload(request, pk):
        milestone = ...  # found among what the person may see, before the body is read
        limit_uploads(request, max_bytes=max_file_bytes(milestone), max_files=MAX_FILES)
        return _upload(request, milestone)

    @csrf_protect
    def _upload(request, milestone):
        problems = upload_problems(request)  # {file name: message}; "" for the whole request
        ...

When the whole request is refused, the form's fields before its first file (the CSRF token
comes first in the form) are still read; nothing of a file is, and the connection is closed
afterwards instead of reading the rest (an XHR upload may send the token as X-CSRFToken).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.utils.translation import gettext as _

from milestones.submissions.checks import MIB, clean_name, shown_name, too_large_message

# Room in a request for its form fields and each part's multipart headers, besides the files.
HEADERS_PER_FILE = 64 * 1024
WHOLE_REQUEST = ""


def request_limit(*, max_bytes, max_files):
    """The largest Content-Length a request of ``max_files`` files of ``max_bytes`` needs."""
    return max_files * (max_bytes + HEADERS_PER_FILE) + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class LimitedUploadHandler(FileUploadHandler):
    """Counts each file's bytes and refuses what is over the limits; passes the bytes on."""

    def __init__(self, request, *, max_bytes, max_files):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.files_seen = 0
        self.received = 0
        self.refuse_all = False
        self.problems = {}

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = request_limit(max_bytes=self.max_bytes, max_files=self.max_files)
        if content_length > limit:
            self.refuse_all = True
            self.problems[WHOLE_REQUEST] = _(
                "The upload is larger than %(limit)s MB in all, so none of its files were "
                "taken. Send at most %(files)s files of at most %(size)s MB each."
            ) % {
                "limit": limit // MIB,
                "files": self.max_files,
                "size": self.max_bytes // MIB,
            }
        return None

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        if self.refuse_all:
            # The fields read so far stay; no byte of a file is read, nor anything after it.
            raise StopUpload(connection_reset=True)
        self.received = 0
        self.files_seen += 1
        if self.files_seen > self.max_files:
            self.problems[file_name] = _(
                "%(name)s was not taken: at most %(count)s files can be sent at once."
            ) % {"name": shown_name(file_name), "count": self.max_files}
            raise SkipFile()
        try:
            # Django has already dropped any path and unprintable characters, but not cut
            # the name yet (an UploadedFile keeps 255 characters).
            clean_name(file_name)
        except ValidationError as error:
            self.problems[file_name] = error.messages[0]
            raise SkipFile() from error
        if self.content_length is not None and self.content_length > self.max_bytes:
            self.refuse(file_name)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.refuse(self.file_name)
        return raw_data

    def refuse(self, file_name):
        self.problems[file_name] = too_large_message(file_name, self.max_bytes)
        # Django closes (and so deletes) the file's temporary file and skips its other bytes.
        raise SkipFile()

    def file_complete(self, file_size):
        # The next handler (a temporary file on disk) makes the file.
        return None

    def upload_interrupted(self):
        if self.file_name and self.file_name not in self.problems:
            self.problems[self.file_name] = _(
                "The upload of %(name)s was cut off before it ended; it was not kept. "
                "Please send it again."
            ) % {"name": shown_name(self.file_name)}


def limit_uploads(request, *, max_bytes, max_files):
    """Puts the limits in front of the request's upload handlers; call it before anything
    reads request.POST or request.FILES."""
    handler = LimitedUploadHandler(request, max_bytes=max_bytes, max_files=max_files)
    request.upload_handlers.insert(0, handler)
    return handler


def upload_problems(request):
    """{file name: message} of the files refused while the body was read ("" for the whole
    request); reads the body if nothing has yet."""
    request.FILES  # noqa: B018 (parses the body, once)
    for handler in request.upload_handlers:
        if isinstance(handler, LimitedUploadHandler):
            return dict(handler.problems)
    return {}
