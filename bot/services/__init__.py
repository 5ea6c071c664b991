"""Services: what the coach does, independent of the transport that asked."""
