"""Renderers: each turns an Assessment into one output format. Only these know about layout."""

# The parts of the 申报表, in print order (`--only` picks some of them). Here rather than in
# compose.py so that the command line can name them without importing a renderer.
PARTS = ("申报表", "自评表", "差距", "图表", "证据索引")
