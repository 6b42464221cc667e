"""The submitted files' storage when it is S3-compatible object storage: django-storages' S3
backend from SUBMISSIONS_STORAGE_URL. Imported by the settings; reads nothing of Django's."""

from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured


def s3_storage(url, access_key, secret_key):
    """django-storages' S3 storage for an s3://bucket?option=value URL."""
    from boto3.s3.transfer import TransferConfig

    parsed = urlsplit(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ImproperlyConfigured(
            f"SUBMISSIONS_STORAGE_URL must look like s3://bucket?endpoint_url=…, not {url!r}"
        )
    options = {"bucket_name": parsed.netloc}
    allowed = {"endpoint_url", "region_name", "location", "addressing_style", "signature_version"}
    for key, value in parse_qsl(parsed.query):
        if key not in allowed:
            raise ImproperlyConfigured(
                f"SUBMISSIONS_STORAGE_URL: unknown option {key!r}; known: {sorted(allowed)}"
            )
        options[key] = value
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": options
        | {
            "access_key": access_key,
            "secret_key": secret_key,
            # Private objects; a name is never reused (upload_to makes each one new).
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            # A file read from the bucket is copied to a temporary file on disk before it is
            # served; past 1 MiB that copy is on disk, not in memory (the default, 0, would
            # keep it all in memory). One part at a time: with threads boto3 holds up to ten
            # parts of 8 MB in memory at once.
            "max_memory_size": 1024 * 1024,
            "transfer_config": TransferConfig(use_threads=False),
        },
    }
