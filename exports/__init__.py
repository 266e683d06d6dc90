"""File outputs: Excel ledgers and fill-in templates, PDF briefings (no Qt imports)."""
