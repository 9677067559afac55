import PostgresNIO

extension PostgresSchema {
    /// The bank ledger (`BankStore`): the tables of `SQLiteSchema.v3Bank`, with `bigint` minor units and instants and a
    /// `bigint` identity as the entries' sequence. Foreign keys and `CHECK`s as there: a customer account never goes
    /// below zero, an entry is never zero, a transfer moves a positive amount. The unique constraints on transfers are
    /// named, so a concurrent twin's violation can be told apart from a duplicate id (`PostgresBankStore+Transfer`).
    /// `verified_claims` is `text`, not `jsonb`, for the reason `StorageCoding` gives (exact round trips).
    static let v3Bank: [PostgresQuery] = [
        """
        CREATE TABLE accounts (
            id text PRIMARY KEY,
            user_id text REFERENCES users (id),
            kind text NOT NULL CHECK (kind IN ('ordinary', 'savings', 'system')),
            currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
            branch_code text NOT NULL CHECK (branch_code ~ '^[0-9]{3}$'),
            account_number text NOT NULL CHECK (account_number ~ '^[0-9]{7}$'),
            name text NOT NULL,
            holder_name text NOT NULL,
            opened_at bigint NOT NULL,
            balance_minor bigint NOT NULL DEFAULT 0,
            updated_at bigint NOT NULL,
            CONSTRAINT accounts_number UNIQUE (branch_code, account_number),
            CONSTRAINT accounts_no_customer_overdraft CHECK (balance_minor >= 0 OR kind = 'system')
        )
        """,
        "CREATE INDEX accounts_user_id ON accounts (user_id, account_number)",
        """
        CREATE TABLE ledger_entries (
            sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text NOT NULL UNIQUE,
            booking_id text NOT NULL,
            account_id text NOT NULL REFERENCES accounts (id),
            amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
            currency text NOT NULL,
            balance_after_minor bigint NOT NULL,
            booked_at bigint NOT NULL,
            description text NOT NULL,
            counterparty_name text
        )
        """,
        "CREATE INDEX ledger_entries_history ON ledger_entries (account_id, booked_at DESC, sequence DESC)",
        "CREATE INDEX ledger_entries_booking_id ON ledger_entries (booking_id)",
        """
        CREATE TABLE transfers (
            id text PRIMARY KEY,
            client_id text NOT NULL,
            user_id text NOT NULL,
            idempotency_key text NOT NULL,
            request_hash text NOT NULL,
            consent_id text CONSTRAINT transfers_consent UNIQUE,
            debtor_account_id text NOT NULL REFERENCES accounts (id),
            credited_account_id text NOT NULL REFERENCES accounts (id),
            creditor_bank_code text NOT NULL,
            creditor_branch_code text NOT NULL,
            creditor_account_number text NOT NULL,
            creditor_name text NOT NULL,
            amount_minor bigint NOT NULL CHECK (amount_minor > 0),
            currency text NOT NULL,
            remittance_information text,
            created_at bigint NOT NULL,
            CONSTRAINT transfers_idempotency UNIQUE (client_id, idempotency_key)
        )
        """,
        "CREATE INDEX transfers_debtor_account_id ON transfers (debtor_account_id, created_at)",
        """
        CREATE TABLE payees (
            id text PRIMARY KEY,
            user_id text NOT NULL REFERENCES users (id),
            bank_code text NOT NULL,
            branch_code text NOT NULL,
            account_number text NOT NULL,
            name text NOT NULL,
            created_at bigint NOT NULL
        )
        """,
        "CREATE INDEX payees_user_id ON payees (user_id, created_at)",
        """
        CREATE TABLE identities (
            user_id text PRIMARY KEY REFERENCES users (id),
            verified_claims text NOT NULL,
            updated_at bigint NOT NULL
        )
        """,
    ]
}
