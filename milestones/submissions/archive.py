"""Many submitted files as one ZIP, streamed as it is written: for a StreamingHttpResponse.

``zipfile`` writes into a buffer that cannot seek, so it puts each entry's size and CRC after
the entry (a data descriptor) instead of going back to its header; every chunk it has written
is handed on at once. Memory stays that of one read chunk whatever the files' sizes, and ZIP64
comes on by itself for files and archives past 4 GB.

Entries are stored, not compressed: PDF, the office formats and ZIP archives are compressed
already, and deflating them again would cost time for nothing.
"""

import io
import unicodedata
import zipfile

from django.utils import timezone

from milestones.submissions.checks import BIDI_CONTROLS

CHUNK_BYTES = 1024 * 1024
# Characters Windows does not allow in names, besides the path separators.
NOT_IN_NAMES = frozenset('<>:"|?*/\\')
LONGEST_FOLDER = 100


class _Outbox(io.RawIOBase):
    """What zipfile writes, kept until it is taken; not seekable."""

    def __init__(self):
        super().__init__()
        self._chunks = []

    def writable(self):
        return True

    def write(self, data):
        self._chunks.append(bytes(data))
        return len(data)

    def take(self):
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def stream_zip(entries):
    """The bytes of a ZIP of ``entries``, pairs of (name in the archive, SubmissionFile),
    chunk by chunk as they are written."""
    outbox = _Outbox()
    with zipfile.ZipFile(outbox, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for arcname, submission_file in entries:
            info = zipfile.ZipInfo(arcname, date_time=_zip_time(submission_file.uploaded_at))
            info.file_size = submission_file.size
            info.external_attr = 0o644 << 16
            storage = submission_file.file.storage
            with (
                storage.open(submission_file.file.name, "rb") as source,
                archive.open(info, mode="w") as target,
            ):
                while chunk := source.read(CHUNK_BYTES):
                    target.write(chunk)
                    yield outbox.take()
            yield outbox.take()
    yield outbox.take()


def _zip_time(moment):
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return max(local.timetuple()[:6], (1980, 1, 1, 0, 0, 0))


def zip_name(text, fallback="cluster"):
    """A name for a folder or file in a ZIP, from a cluster's (or any) name: no separators,
    no controls or direction marks, no characters Windows refuses, not only dots, not long."""
    text = unicodedata.normalize("NFC", str(text))
    cleaned = "".join(
        "-" if char in NOT_IN_NAMES else " " if char.isspace() else char
        for char in text
        if char.isspace() or (char not in BIDI_CONTROLS and unicodedata.category(char)[0] != "C")
    )
    cleaned = " ".join(cleaned.split()).strip(". ")
    cleaned = cleaned[:LONGEST_FOLDER].rstrip(". ")
    return cleaned or fallback
