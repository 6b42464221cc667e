"""Logging filters. Loaded while logging is configured, so nothing here may import models."""

import logging
import re

# A feed's URL is its password: /feeds/<token>.ics must never reach a log.
FEED_TOKEN_IN_PATH = re.compile(r"(/feeds/)[^/\s\"'?.]+")


class MaskFeedTokens(logging.Filter):
    """Replace the token in any feed path of a record's message with "***".

    Attach to the loggers that write request paths (django.request, django.server): a
    logger's filter changes the record itself, so every handler after it sees the mask.
    """

    def filter(self, record):
        message = record.getMessage()
        masked = FEED_TOKEN_IN_PATH.sub(r"\1***", message)
        if masked != message:
            record.msg = masked
            record.args = ()
        return True
