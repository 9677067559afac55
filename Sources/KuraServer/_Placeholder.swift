enum _PlaceholderKuraServer {}
