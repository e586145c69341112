"""Province, city, district and community: the units that decide what a user may see."""
