enum _PlaceholderKuraClient {}
