"""The names of the categories and tags of a WordPress listing's posts, asked by id.

Why not `_embed=1`: WordPress embeds each post's terms by internal requests, one per post and
taxonomy. Measured on Debian's WordPress 6.1.9 (benchmarks/wordpress_plugin.py's site): a page
of 100 posts takes 0.72 s with `_embed=1`, 0.59 s with `_embed=author,wp:term`, and 0.18 s with
`_embed=author`; the page's categories and tags asked by id from /wp/v2/categories and
/wp/v2/tags (`include=`, `_fields=id,name`) take 0.04 s each. A sync with nothing changed reads
every page every time, so this is most of its cost against a real site.

A post that comes with its terms embedded (`_embedded["wp:term"]`, as some sites' plugins or
caches give) is read from them, and asks nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from audiocast.ingest.site.fragment import plain_text

# the post's field of term ids → the taxonomy's REST route
TERM_ROUTES = {"categories": "/wp-json/wp/v2/categories", "tags": "/wp-json/wp/v2/tags"}
MAX_IDS = 100  # WordPress lists at most 100 a page (per_page)

GetList = Callable[[str, dict[str, str]], list]  # (route, query) → the JSON list it answers


def term_names(posts: Sequence, get_list: GetList) -> dict[str, dict[int, str]]:
    """For each field of TERM_ROUTES, id → name (as text: WordPress sends it HTML-escaped) of
    every term the POSTS name by id and do not embed, asked in as few requests as WordPress
    allows."""
    wanted = {field: sorted(_ids_of(posts, field)) for field in TERM_ROUTES}
    names: dict[str, dict[int, str]] = {field: {} for field in TERM_ROUTES}
    for field, ids in wanted.items():
        for start in range(0, len(ids), MAX_IDS):
            chunk = ids[start : start + MAX_IDS]
            query = {"include": ",".join(map(str, chunk)), "per_page": str(len(chunk)),
                     "_fields": "id,name"}  # fmt: skip
            for term in get_list(TERM_ROUTES[field], query):
                if isinstance(term, dict) and isinstance(term.get("id"), int):
                    names[field][term["id"]] = plain_text(str(term.get("name") or ""))
    return names


def embeds_terms(post: dict) -> bool:
    """Whether POST came with its terms embedded."""
    embedded = post.get("_embedded")
    return isinstance(embedded, dict) and "wp:term" in embedded


def _ids_of(posts: Iterable, field: str) -> set[int]:
    found: set[int] = set()
    for post in posts:
        if not isinstance(post, dict) or embeds_terms(post):
            continue
        ids = post.get(field)
        if isinstance(ids, list):
            found.update(i for i in ids if isinstance(i, int))
    return found
