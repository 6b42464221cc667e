"""What clusters deliver for a milestone: drafts, numbered submissions, their files and reviews."""
