"""Calendar feeds: tokens (``tokens``), what a feed shows and whether it changed
(``revalidation``), and its body rendered from events rendered before (``render``)."""
