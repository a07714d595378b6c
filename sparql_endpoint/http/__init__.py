"""HTTP mechanics every view shares: content negotiation, conditional requests (ETag, 304) and the
protections on every request and response (rate limit, security headers). Nothing here knows the release:
callers pass what a response needs."""
