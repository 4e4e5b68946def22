"""Study sessions: the queue and undo logic (:mod:`.session`, pure) and what the study screen
reads from the store (:mod:`.cards`)."""
