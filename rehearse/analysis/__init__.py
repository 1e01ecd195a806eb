"""What an answer says about the candidate: analyzers over a transcript, tips, and their presentation."""
