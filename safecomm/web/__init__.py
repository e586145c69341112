"""The workbench (`safecomm serve`): a Django app over the same library the CLI calls.

Nothing here is imported by the CLI until `serve` or `worker` runs, and nothing below this
package knows it exists.
"""
