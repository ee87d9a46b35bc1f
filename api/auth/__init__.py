"""Who is calling: passwords, signed tokens, the server secret, login throttling, scopes."""
