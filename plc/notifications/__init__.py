"""In-app notifications with an unread count, and e-mail by each person's preference: each
event, a daily digest, or none."""
