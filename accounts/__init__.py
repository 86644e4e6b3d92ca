"""Facilitator accounts: sign up, sign in, sign out, change password, and the `users` command."""
