"""The weekly digest in Slack: `/coach digest` arguments, access rules, blocks, posting and
the scheduler's Slack publisher."""
