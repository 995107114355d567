"""Publishing: the episode store → public/ (podcast feeds, the site's pages, the global player).

catalogue.py reads the store and knows where each file goes; feeds.py (feedgen) and
podcast20.py make the RSS; pages.py (jinja2) renders the pages; build.py writes what changed;
serve.py previews public/ over HTTP with Range requests. Import from those modules: this one
re-exports nothing, so that `audiocast.publish.build` stays the module, not its function.
"""
