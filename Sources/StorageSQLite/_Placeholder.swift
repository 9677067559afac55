enum _PlaceholderStorageSQLite {}
