"""The Slack front end: a Bolt app over the coach's services (HTTP or Socket Mode)."""
