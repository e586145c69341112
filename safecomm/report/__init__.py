"""Renderers: each turns an Assessment into one output format. Only these know about layout."""
