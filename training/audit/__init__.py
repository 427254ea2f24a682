"""The QA audit: which ticked boxes the notes do not support, and which supported boxes are missing."""
