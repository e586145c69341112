"""Evidence versions: every upload kept as it came, each valid one a new immutable version with
its stored assessment."""
