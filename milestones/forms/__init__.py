"""The web UI's forms, one module per part: ``dates`` (date fields), ``editing`` (milestones,
status, the plan), ``accounts`` (log-in, invitations, the account page, subscriptions),
``filters`` (narrowing a list)."""
