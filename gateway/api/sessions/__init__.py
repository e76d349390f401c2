"""Portal sessions: the current session, and creating/redeeming/ending them."""
