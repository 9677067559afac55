enum _PlaceholderOAuthJOSE {}
