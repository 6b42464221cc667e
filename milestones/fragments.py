"""Pieces of pages rendered once per version and reused through Django's cache.

A fragment's cache key is a hash of everything its text depends on: the values it shows (the
caller passes them), the active language, the URL prefix, the fragment's template and the code
and translations that shape it. A changed value is therefore a different key: nothing has to
be invalidated, a change shows at once, and a page can only ever receive a fragment that it
would have rendered itself from its own rows, never one made from another cluster's data.
"""

import functools
import hashlib
import pickle
from pathlib import Path

import django
from django.core.cache import cache
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import mark_safe

# Fragments are looked up by their content, so an old one is never wrong, only unused: the
# timeout merely lets a shared cache (Redis, Memcached) forget what nobody asks for any more.
FRAGMENT_TIMEOUT = 24 * 60 * 60


@functools.cache
def code_version():
    """A hash of the app's code, the compiled catalogues and Django's version.

    They decide how dates, kinds and statuses read, here and in calendar feeds; a deployment
    that changes any of them renders every fragment and feed event again, even with a cache
    that outlives the processes.
    """
    digest = hashlib.blake2b(django.__version__.encode(), digest_size=16)
    app = Path(__file__).resolve().parent
    sources = sorted(path for path in app.rglob("*.py") if "migrations" not in path.parts)
    sources += sorted((app.parent / "locale").glob("*/LC_MESSAGES/django.mo"))
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _template_version(template):
    # The template's own source, hashed each time: the development server reloads an edited
    # template without restarting. A fragment template includes nothing, so this is all of it.
    return hashlib.blake2b(template.template.source.encode(), digest_size=16).hexdigest()


def _key_base(template_name, template):
    """A hash of what every fragment of the template depends on besides its own inputs."""
    state = (
        code_version(),
        template_name,
        _template_version(template),
        translation.get_language(),
        get_script_prefix(),
    )
    return hashlib.blake2b(repr(state).encode(), digest_size=20)


# The inputs are hashed as pickled: unpickled, the bytes give back the very values (types
# included), so equal bytes mean equal inputs, and pickling a dashboard's hundred rows takes
# a third of the time their repr took. A pinned protocol keeps keys stable across processes.
PICKLE_PROTOCOL = 5


def fragment_keys(template_name, template, inputs):
    """The cache key of each fragment, given their inputs (one tuple of plain values each)."""
    base = _key_base(template_name, template)
    keys = []
    for values in inputs:
        digest = base.copy()
        digest.update(pickle.dumps(values, protocol=PICKLE_PROTOCOL))
        keys.append("fragment:" + digest.hexdigest())
    return keys


def render_each(template_name, items):
    """The template rendered for each item, reusing earlier renders of the same inputs.

    ``items`` are pairs ``(inputs, make_context)``: ``inputs`` a tuple of every value the
    fragment shows or depends on (the language and URL prefix are added here),
    ``make_context`` a function that returns the template's context, called only for a
    fragment that is not in the cache. The template is rendered without a request, so it
    cannot depend on the person asking except through its inputs. One cache read for all
    items, one write for those rendered.
    """
    template = get_template(template_name)
    keys = fragment_keys(template_name, template, [inputs for inputs, _ in items])
    found = cache.get_many(keys)
    rendered = {}
    fragments = []
    for key, (_, make_context) in zip(keys, items, strict=True):
        html = found.get(key) or rendered.get(key)
        if html is None:
            html = rendered[key] = template.render(make_context())
        # The cache holds only what this function rendered with autoescaping.
        fragments.append(mark_safe(html))  # noqa: S308
    if rendered:
        cache.set_many(rendered, timeout=FRAGMENT_TIMEOUT)
    return fragments


def render_joined(template_name, items):
    """The fragments of ``render_each`` joined into one, which is kept as a whole as well.

    A list shown again unchanged (the same items, in the same order) then costs one cache
    read and one hash of its inputs instead of one of each per item; a list with one item
    changed renders that item only.
    """
    template = get_template(template_name)
    (key,) = fragment_keys(
        template_name + " joined", template, [tuple(inputs for inputs, _ in items)]
    )
    html = cache.get(key)
    if html is None:
        html = "".join(render_each(template_name, items))
        cache.set(key, html, timeout=FRAGMENT_TIMEOUT)
    # The cache holds only what render_each rendered with autoescaping.
    return mark_safe(html)  # noqa: S308
