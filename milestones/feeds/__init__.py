"""Calendar feeds: tokens (``tokens``), what a feed shows and whether it changed
(``revalidation``), and its body rendered from events rendered before (``render``)."""

from milestones.feeds.render import (
    EVENT_FIELDS,
    build_feed,
    event_version,
    render_feed,
    store_rendered,
)
from milestones.feeds.revalidation import (
    feed_milestones,
    feed_name,
    fingerprint,
    record_unchanged_fetch,
    renderer_version,
)
from milestones.feeds.tokens import (
    NoFeedAccess,
    feed_url,
    find_feed_token,
    hash_token,
    issue_feed_token,
    may_subscribe,
    revoke_feed_token,
    webcal_url,
)

__all__ = [
    "EVENT_FIELDS",
    "NoFeedAccess",
    "build_feed",
    "event_version",
    "feed_milestones",
    "feed_name",
    "feed_url",
    "find_feed_token",
    "fingerprint",
    "hash_token",
    "issue_feed_token",
    "may_subscribe",
    "record_unchanged_fetch",
    "render_feed",
    "renderer_version",
    "revoke_feed_token",
    "store_rendered",
    "webcal_url",
]
