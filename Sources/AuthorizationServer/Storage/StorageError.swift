/// Failures a store reports. Anything else a backend throws is a server error.
public enum StorageError: Error, Sendable, Equatable {
    /// An insert collided with an existing key (client_id, username, kid, …).
    case duplicate(String)
    /// The record to update does not exist.
    case notFound(String)
    /// Stored data could not be decoded (corruption or an incompatible migration).
    case corrupt(String)
}

/// The outcome of consuming a single-use credential (authorization code, request_uri).
///
/// `consume` is atomic in every backend (one conditional UPDATE … RETURNING, or one transaction), so of two
/// concurrent attempts exactly one gets `.consumed`.
public enum ConsumeResult<Record: Sendable>: Sendable {
    /// This call consumed it; the record as stored.
    case consumed(Record)
    /// It was consumed before: a replay. The record is returned so the caller can revoke what it produced
    /// (RFC 6749 §4.1.2).
    case alreadyConsumed(Record)
    /// It exists but its lifetime is over.
    case expired
    /// Unknown.
    case notFound
}
