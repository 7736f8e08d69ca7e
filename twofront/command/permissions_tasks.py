"""Role grants and menu entries for the command centre's tasks area."""
