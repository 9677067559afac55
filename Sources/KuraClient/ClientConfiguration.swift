import Foundation
import OAuthCore
import OAuthJOSE

/// How the client authenticates to the PAR and token endpoints (FAPI 2.0 SP §5.3.2.1-6).
public enum ClientAuthenticationMethod: Sendable {
    /// `private_key_jwt` (OIDC Core §9, RFC 7523 §2.2) with this signing key; its `kid` goes in the JWS header.
    case privateKeyJWT(JWSSigningKey)
    /// `tls_client_auth` / `self_signed_tls_client_auth` (RFC 8705 §2): the TLS client certificate authenticates;
    /// requests carry only `client_id`. Needs `ClientTLSConfiguration.clientCertificate`.
    case mutualTLS
}

/// Everything a partner configures to run the FAPI 2.0 authorization-code flow against Kura.
public struct ClientConfiguration: Sendable {
    /// The authorization server's issuer identifier (RFC 8414 §2), compared byte for byte with the discovery
    /// document, the `iss` authorization-response parameter and ID tokens.
    public var issuer: URL
    /// The registered `client_id` (RFC 6749 §2.2).
    public var clientID: String
    /// `private_key_jwt` or mutual TLS at the PAR and token endpoints.
    public var authentication: ClientAuthenticationMethod
    /// The registered redirect URI, sent in every PAR (FAPI 2.0 SP §5.3.2.2-6).
    public var redirectURI: URL
    /// The default scope of authorization requests (RFC 6749 §3.3).
    public var scopes: [String]
    /// The DPoP key (RFC 9449 §2) that sender-constrains codes and tokens. Nil only with a client certificate,
    /// whose binding (RFC 8705 §3) then constrains the tokens instead.
    public var dpopKey: JWSSigningKey?
    /// Trust roots and the optional client certificate for every connection.
    public var tls: ClientTLSConfiguration
    /// Leeway for the ID token `exp` check (OIDC Core §3.1.3.7 item 9 allows "some small leeway").
    public var clockSkew: TimeInterval
    /// JAR (RFC 9101; FAPI 2.0 Message Signing §5.3): when set, every pushed request is sent as a request object signed
    /// with this key, which the client registered (usually its `private_key_jwt` key). Nil: plain form parameters.
    public var requestObjectSigningKey: JWSSigningKey? = nil
    /// JARM (FAPI 2.0 Message Signing §5.4): `.jwt` or `.queryJWT` asks for a signed authorization response, which is
    /// then verified against the AS keys; a plain response is refused. Nil: no `response_mode` is sent (query).
    public var responseMode: ResponseMode? = nil
    /// FAPI 2.0 HTTP Signatures (RFC 9421): sign every resource request with the `private_key_jwt` key (a key of the
    /// client's registered JWKS; `keyid` = its `kid`). Off by default; needs `.privateKeyJWT` authentication.
    public var signsResourceRequests = false
    /// With `signsResourceRequests`: verify each resource response's `fapi-2-response` signature against the AS JWKS
    /// (`jwks_uri`) and refuse a response without a valid one (`KuraClientError.invalidResponseSignature`).
    public var verifiesResponseSignatures = true

    public init(
        issuer: URL, clientID: String, authentication: ClientAuthenticationMethod, redirectURI: URL,
        scopes: [String] = ["openid"], dpopKey: JWSSigningKey?, tls: ClientTLSConfiguration = ClientTLSConfiguration(),
        clockSkew: TimeInterval = 30
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.authentication = authentication
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.dpopKey = dpopKey
        self.tls = tls
        self.clockSkew = clockSkew
    }

    /// The common FAPI 2.0 set-up: `private_key_jwt` with `signingKey` and DPoP-bound tokens.
    public init(
        issuer: URL, clientID: String, signingKey: JWSSigningKey, redirectURI: URL, scopes: [String] = ["openid"],
        dpopKey: JWSSigningKey, tls: ClientTLSConfiguration = ClientTLSConfiguration()
    ) {
        self.init(
            issuer: issuer, clientID: clientID, authentication: .privateKeyJWT(signingKey), redirectURI: redirectURI,
            scopes: scopes, dpopKey: dpopKey, tls: tls)
    }

    /// The issuer exactly as configured (RFC 8414 §3.3 compares strings, not normalised URLs).
    public var issuerIdentifier: String { issuer.absoluteString }

    /// Checks that the combination can satisfy FAPI 2.0: client authentication is possible (SP §5.3.2.1-6) and
    /// tokens will be sender-constrained (SP §5.3.2.1-4).
    public func validate() throws {
        if case .mutualTLS = authentication, tls.clientCertificate == nil {
            throw KuraClientError.invalidConfiguration("mutual-TLS client authentication needs a client certificate")
        }
        if dpopKey == nil, tls.clientCertificate == nil {
            throw KuraClientError.invalidConfiguration("tokens must be sender-constrained: configure a DPoP key or a client certificate")
        }
        guard issuer.scheme != nil, issuer.host != nil, issuer.query == nil, issuer.fragment == nil else {
            throw KuraClientError.invalidConfiguration("issuer must be an absolute URL without query or fragment (RFC 8414 §2)")
        }
    }
}
