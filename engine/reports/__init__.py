"""Output formats, one module each. Every renderer takes plain results and returns a string."""
