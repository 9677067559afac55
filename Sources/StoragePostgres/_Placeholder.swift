enum _PlaceholderStoragePostgres {}
