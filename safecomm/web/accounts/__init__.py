"""Users, their role and unit, logging in and out (with throttling)."""
