"""OurChatService session calls: lifecycle, invitations, join requests and moderation."""
