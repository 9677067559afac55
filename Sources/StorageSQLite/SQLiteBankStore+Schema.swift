extension SQLiteSchema {
    /// The bank ledger (`BankStore`): accounts with their balances, the append-only double-entry `ledger_entries`,
    /// booked transfers, saved payees and verified identities. The PostgreSQL backend has the same tables.
    ///
    /// Unlike the authorization tables, these use foreign keys: an entry without its account, or an account of an
    /// unknown customer, would break the ledger's invariants. Money is `INTEGER` minor units, never `REAL`. The
    /// `CHECK`s restate invariants the store already keeps, so that no code path (or manual SQL) can break them:
    /// a customer account never goes below zero, an entry is never zero, a transfer moves a positive amount.
    /// Bank tables are never purged.
    static let v3Bank: [String] = [
        """
        CREATE TABLE accounts (
            id TEXT NOT NULL PRIMARY KEY,
            user_id TEXT REFERENCES users (id),
            kind TEXT NOT NULL CHECK (kind IN ('ordinary', 'savings', 'system')),
            currency TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
            branch_code TEXT NOT NULL CHECK (branch_code GLOB '[0-9][0-9][0-9]'),
            account_number TEXT NOT NULL CHECK (account_number GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
            name TEXT NOT NULL,
            holder_name TEXT NOT NULL,
            opened_at INTEGER NOT NULL,
            balance_minor INTEGER NOT NULL DEFAULT 0,
            updated_at INTEGER NOT NULL,
            UNIQUE (branch_code, account_number),
            CHECK (balance_minor >= 0 OR kind = 'system')
        ) STRICT
        """,
        "CREATE INDEX accounts_user_id ON accounts (user_id, account_number)",
        """
        CREATE TABLE ledger_entries (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            booking_id TEXT NOT NULL,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            amount_minor INTEGER NOT NULL CHECK (amount_minor <> 0),
            currency TEXT NOT NULL,
            balance_after_minor INTEGER NOT NULL,
            booked_at INTEGER NOT NULL,
            description TEXT NOT NULL,
            counterparty_name TEXT
        ) STRICT
        """,
        "CREATE INDEX ledger_entries_history ON ledger_entries (account_id, booked_at DESC, sequence DESC)",
        "CREATE INDEX ledger_entries_booking_id ON ledger_entries (booking_id)",
        """
        CREATE TABLE transfers (
            id TEXT NOT NULL PRIMARY KEY,
            client_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            consent_id TEXT UNIQUE,
            debtor_account_id TEXT NOT NULL REFERENCES accounts (id),
            credited_account_id TEXT NOT NULL REFERENCES accounts (id),
            creditor_bank_code TEXT NOT NULL,
            creditor_branch_code TEXT NOT NULL,
            creditor_account_number TEXT NOT NULL,
            creditor_name TEXT NOT NULL,
            amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
            currency TEXT NOT NULL,
            remittance_information TEXT,
            created_at INTEGER NOT NULL,
            UNIQUE (client_id, idempotency_key)
        ) STRICT
        """,
        "CREATE INDEX transfers_debtor_account_id ON transfers (debtor_account_id, created_at)",
        """
        CREATE TABLE payees (
            id TEXT NOT NULL PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id),
            bank_code TEXT NOT NULL,
            branch_code TEXT NOT NULL,
            account_number TEXT NOT NULL,
            name TEXT NOT NULL,
            created_at INTEGER NOT NULL
        ) STRICT
        """,
        "CREATE INDEX payees_user_id ON payees (user_id, created_at)",
        """
        CREATE TABLE identities (
            user_id TEXT NOT NULL PRIMARY KEY REFERENCES users (id),
            verified_claims TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        ) STRICT
        """,
    ]
}
