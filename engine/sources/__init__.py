"""Input: strict YAML, finding and reading spec files, readings files."""
