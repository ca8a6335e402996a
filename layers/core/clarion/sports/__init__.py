"""Sports updates: a subscriber follows a competition by being a member of its topic (`sports:<competition>`), so
campaigns and triggers reach a competition's followers as any topic's."""
