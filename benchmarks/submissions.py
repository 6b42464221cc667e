"""`make bench`, submitted files: the memory of a web process uploading a 200 MB file, and the
speed and memory of the ZIP of 14 clusters' submissions of 200 MB each against Python's
``zipfile`` writing the same files to /dev/null, in the same run.

    python -m benchmarks.submissions        # alone; BENCH_SIZES=small: files of 20 MB

Each measurement runs in a process of its own (``--measure``), so that its peak resident
memory (VmHWM) is its own: the figure is the growth of that peak over the process's size once
Django is set up and the files are in place. The files are sparse (a PDF header, then a hole),
made in a moment; the upload is a real multipart body read from disk by Django's WSGI handler
through the app's middleware, the upload limits (uploads.py), the checks (checks.py) and the
storage, as the upload view does.
"""

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

MIB = 1024 * 1024
CLUSTERS = 14
RUNS = 3
PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n"
BOUNDARY = "----c4f-bench-boundary"


def file_mb():
    small = os.environ.get("BENCH_SIZES", "small,large").split(",") == ["small"]
    return int(os.environ.get("BENCH_SUBMISSION_MB", "20" if small else "200"))


def make_file(path, size):
    with path.open("wb") as out:
        out.write(PDF_HEAD)
        out.truncate(size)


def peak_kib():
    """VmHWM, the process's peak resident memory so far, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


# The upload view the benchmark's URLs add (benchmarks/urls.py), as the app's upload view does.


def upload_view(request):
    from django.http import JsonResponse

    from milestones.submissions.checks import check_file, max_file_bytes
    from milestones.submissions.storage import submission_storage
    from milestones.submissions.uploads import limit_uploads, upload_problems

    class Item:
        max_file_mb = int(request.GET["mb"])

    limit_uploads(request, max_bytes=max_file_bytes(Item), max_files=1)
    problems = upload_problems(request)
    saved = []
    for uploaded in request.FILES.getlist("files"):
        checked = check_file(uploaded, file_types=["pdf"], max_bytes=max_file_bytes(Item))
        saved.append(
            {
                "name": submission_storage().save(f"bench/{checked.name}", uploaded),
                "size": checked.size,
                "sha256": checked.sha256,
            }
        )
    return JsonResponse({"problems": problems, "saved": saved})


class Body(io.RawIOBase):
    """A multipart body read from a file on disk, between its part's head and tail."""

    def __init__(self, path):
        super().__init__()
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="Strategy.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.length = len(head) + path.stat().st_size + len(tail)
        self._parts = [io.BytesIO(head), path.open("rb"), io.BytesIO(tail)]

    def readable(self):
        return True

    def readinto(self, buffer):
        while self._parts:
            count = self._parts[0].readinto(buffer)
            if count:
                return count
            self._parts.pop(0).close()
        return 0


def post(handler, source, size_mb):
    """The handler's answer to the upload of ``source``, and its time in seconds."""
    body = Body(source)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/bench/upload/",
        "QUERY_STRING": f"mb={size_mb}",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BufferedReader(body, MIB),
        "wsgi.errors": sys.stderr,
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(body.length),
    }
    status = []
    started = time.perf_counter()
    response = handler(environ, lambda code, headers: status.append(code))
    answer = json.loads(b"".join(response))
    response.close()
    seconds = time.perf_counter() - started
    assert status == ["200 OK"], (status, answer)
    assert answer["saved"][0]["size"] == source.stat().st_size, answer
    (source.parent / answer["saved"][0]["name"]).unlink()
    return seconds


def measure_upload(folder, size_mb):
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    # A first, small upload: what the first request of a process loads is not the upload's.
    warm_up = folder / "warm-up.pdf"
    make_file(warm_up, MIB)
    post(handler, warm_up, size_mb)
    source = folder / "upload.pdf"
    make_file(source, size_mb * MIB)
    before = peak_kib()
    seconds = post(handler, source, size_mb)
    return {"seconds": seconds, "peak_growth_mb": (peak_kib() - before) / 1024}


def cluster_files(folder, size_mb):
    """The names of the clusters' files in ``folder``, each made if missing."""
    names = [f"cluster-{number:02d}.pdf" for number in range(1, CLUSTERS + 1)]
    for name in names:
        if not (folder / name).exists():
            make_file(folder / name, size_mb * MIB)
    return names


def entries(folder, size_mb):
    """(arcname, SubmissionFile) of each cluster's file, as the officer's ZIP has them."""
    from django.utils import timezone

    from milestones.models import SubmissionFile

    rows = []
    for number, name in enumerate(cluster_files(folder, size_mb), start=1):
        row = SubmissionFile(
            milestone_id=number, name=name, size=size_mb * MIB, uploaded_at=timezone.now()
        )
        row.file.name = name
        rows.append((f"Cluster {number:02d}/Strategy.pdf", row))
    return rows


def measure_zip(folder, size_mb):
    from django.http import StreamingHttpResponse

    from milestones.submissions.archive import stream_zip

    rows = entries(folder, size_mb)
    before = peak_kib()
    started = time.perf_counter()
    response = StreamingHttpResponse(stream_zip(rows), content_type="application/zip")
    written = 0
    with open(os.devnull, "wb") as sink:
        for chunk in response:
            written += sink.write(chunk)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "bytes": written, "peak_growth_mb": (peak_kib() - before) / 1024}


def measure_zipfile(folder, size_mb):
    rows = entries(folder, size_mb)
    before = peak_kib()
    started = time.perf_counter()
    with (
        open(os.devnull, "wb") as sink,
        zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive,
    ):
        for arcname, row in rows:
            archive.write(folder / row.file.name, arcname)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_growth_mb": (peak_kib() - before) / 1024}


MEASURES = {"upload": measure_upload, "zip": measure_zip, "zipfile": measure_zipfile}


def run_measure(what, folder, size_mb):
    """One measurement in a fresh process, its files in ``folder`` (the storage's folder)."""
    output = subprocess.run(  # noqa: S603 (our own module)
        [sys.executable, "-m", "benchmarks.submissions", "--measure", what, str(folder)],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "SUBMISSIONS_ROOT": str(folder),
            "FILE_UPLOAD_TEMP_DIR": str(folder),
            "BENCH_SUBMISSION_MB": str(size_mb),
        },
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    return json.loads(output.splitlines()[-1])


def figures():
    size_mb = file_mb()
    with tempfile.TemporaryDirectory(prefix="c4f-bench-files-") as name:
        folder = Path(name)
        # The clusters' files, made before any run (in a moment: they are sparse).
        cluster_files(folder, size_mb)
        uploads = [run_measure("upload", folder, size_mb) for _ in range(RUNS)]
        ours, peer = [], []
        for _ in range(RUNS):
            ours.append(run_measure("zip", folder, size_mb))
            peer.append(run_measure("zipfile", folder, size_mb))
    total_mb = CLUSTERS * size_mb
    zip_seconds = statistics.median(run["seconds"] for run in ours)
    peer_seconds = statistics.median(run["seconds"] for run in peer)
    return {
        "file MB": size_mb,
        "upload seconds": round(statistics.median(run["seconds"] for run in uploads), 2),
        "upload peak RSS growth MB": round(max(run["peak_growth_mb"] for run in uploads), 1),
        "zip files": CLUSTERS,
        "zip MB/s": round(total_mb / zip_seconds),
        "zipfile to /dev/null MB/s": round(total_mb / peer_seconds),
        "zip speed / zipfile": round(peer_seconds / zip_seconds, 2),
        "zip peak RSS growth MB": round(max(run["peak_growth_mb"] for run in ours), 1),
        "zipfile peak RSS growth MB": round(max(run["peak_growth_mb"] for run in peer), 1),
    }


def table(result):
    return (
        f"6. submitted files of {result['file MB']} MB: an upload through Django's WSGI handler "
        f"in {result['upload seconds']} s, peak RSS growth {result['upload peak RSS growth MB']} "
        f"MB (target < 50); the ZIP of {result['zip files']} files streamed at "
        f"{result['zip MB/s']} MB/s against zipfile to /dev/null at "
        f"{result['zipfile to /dev/null MB/s']} MB/s ({result['zip speed / zipfile']}x, target "
        f">= 0.5), peak RSS growth {result['zip peak RSS growth MB']} MB (zipfile "
        f"{result['zipfile peak RSS growth MB']} MB)"
    )


def measure_main(what, folder):
    import django

    django.setup()
    result = MEASURES[what](Path(folder), int(os.environ["BENCH_SUBMISSION_MB"]))
    print(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure_main(sys.argv[2], sys.argv[3])
    else:
        result = figures()
        print(json.dumps(result, indent=2))
        print(table(result))
