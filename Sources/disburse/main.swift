// Replaced by the command tree in the next commit.
