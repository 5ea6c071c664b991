"""Bolt listeners, one module per kind of request; each exposes register(app, deps).

Every listener runs in the thread serving the request: it parses the payload into a typed
input, acks (no LLM or Slack call before that, except views.open, whose trigger_id expires
in 3 seconds) and hands the slow half to `deps.later`, which runs it on the executor.
"""
