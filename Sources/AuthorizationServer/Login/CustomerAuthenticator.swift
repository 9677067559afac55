import Foundation
import OAuthCore

/// Two-factor customer login: password (something you know) and an RFC 6238 TOTP code (something you have),
/// i.e. LoA 3 in ISO/IEC 29115 terms. Repeated failures lock the account for a while; a TOTP code is
/// accepted once (RFC 6238 §5.2).
struct CustomerAuthenticator: Sendable {
    let users: any UserStore
    let hasher: PasswordHasher
    let policy: LoginPolicy
    let clock: any WallClock

    enum Outcome: Sendable, Equatable {
        case authenticated(UserRecord)
        /// Wrong username, password or code: one message for all, so nothing is revealed.
        case rejected
        case locked(until: Date)
    }

    func authenticate(username: String, password: String, otp: String) async throws -> Outcome {
        let now = clock.now()
        let hasher = hasher
        guard let user = try await users.find(username: username) else {
            await OffEventLoop.run { hasher.dummyVerify(password) }
            return .rejected
        }
        if let until = user.lockedUntil, until > now { return .locked(until: until) }
        let passwordOK = await OffEventLoop.run { hasher.verify(password, against: user.passwordHash) }
        let step = TOTP(secret: user.totpSecret).matchingStep(for: otp.trimmingCharacters(in: .whitespaces), at: now)
        guard passwordOK, let step, try await users.recordSuccessfulLogin(userID: user.id, totpStep: step) else {
            let updated = try await users.recordFailedLogin(userID: user.id, now: now, lockThreshold: policy.lockThreshold,
                                                            lockDuration: policy.lockDuration)
            if let until = updated?.lockedUntil, until > now { return .locked(until: until) }
            return .rejected
        }
        return .authenticated(user)
    }
}
