import ArgumentParser
import Foundation
import KuraClient
import KuraServer
import OAuthCore
import OAuthJOSE

extension Demo {
    /// `kura demo flow`: what a partner's integration does, end to end, with KuraClient.
    struct Flow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "flow", abstract: "Run PAR → login → consent → token against the running demo, print the tokens, then read accounts and make a payment.")

        @Option(help: "The demo's data folder (as given to `kura demo`).")
        var dataDir: String = ProcessInfo.processInfo.environment["KURA_DEMO_DIR"] ?? "./.kura"

        @Option(help: "Scopes to request.")
        var scope: String = "openid accounts"

        @Flag(help: "Play the mutual-TLS partner instead: tls_client_auth and certificate-bound tokens (RFC 8705).")
        var mtls = false

        @Flag(help: "Stop after the tokens: no account inquiry and no payment.")
        var skipBank = false

        func run() async throws {
            let demo = DemoEnvironment(directory: URL(fileURLWithPath: dataDir).standardizedFileURL)
            guard let customer = try? JSONDecoder().decode(DemoCredentials.self, from: Data(contentsOf: demo.customerFile)),
                  let secret = Base32.decode(customer.totpSecretBase32)
            else { throw ValidationError("no demo data in \(demo.directory.path): start `kura demo` first") }
            let configuration = try mtls ? mutualTLSConfiguration(demo) : privateKeyJWTConfiguration(demo)
            let client = try KuraClient(configuration: configuration)
            defer { Task { try? await client.shutdown() } }

            let metadata = try await client.discover()
            print("1. Discovery: issuer \(metadata.issuer)")
            let (pushed, response) = try await authorize(client, customer: customer, totp: TOTP(secret: secret))
            print("   Authorization response: code received, iss = \(response.iss ?? "-")")
            let tokens = try await client.exchangeCode(response, for: pushed)
            let how = mtls ? "tls_client_auth, certificate-bound" : "private_key_jwt + DPoP proof"
            print("4. Token endpoint (\(how)): token_type \(tokens.tokenType), expires_in \(tokens.expiresIn ?? 0) s")
            print("\nAccess token claims (RFC 9068, verified against jwks_uri):")
            print(Self.pretty(.object(try await client.decodeAccessToken(tokens.accessToken))))
            if let idToken = tokens.idToken {
                print("\nID token claims (OIDC Core 3.1.3.7 checks passed):")
                print(Self.pretty(.object(try await client.verifyIDToken(idToken, nonce: pushed.nonce))))
            }
            guard !skipBank else { return }
            try await bankSteps(client, tokens: tokens, customer: customer, totp: TOTP(secret: secret))
        }

        /// The private_key_jwt + DPoP partner (`demo-client.json`).
        func privateKeyJWTConfiguration(_ demo: DemoEnvironment) throws -> ClientConfiguration {
            guard let partner = JSONValue.parseObject(try Data(contentsOf: demo.clientFile)),
                  let issuer = partner["issuer"]?.stringValue.flatMap(URL.init(string:)),
                  let clientID = partner["client_id"]?.stringValue, let redirect = partner["redirect_uri"]?.stringValue.flatMap(URL.init(string:)),
                  let keyJSON = partner["signing_key"]?.objectValue, let caFile = partner["ca_file"]?.stringValue
            else { throw ValidationError("\(demo.clientFile.path) is incomplete: start `kura demo` first") }
            var configuration = ClientConfiguration(
                issuer: issuer, clientID: clientID, signingKey: try JWSSigningKey(privateJWK: keyJSON, alg: .es256),
                redirectURI: redirect, scopes: Scope.parse(scope) ?? ["openid"],
                dpopKey: try JWSSigningKey.generate(.es256, kid: "dpop"), tls: ClientTLSConfiguration(trustRoots: .pemFile(caFile)))
            // FAPI 2.0 HTTP Signatures: sign each bank API request with the registered key, verify each response.
            configuration.signsResourceRequests = true
            return configuration
        }

        /// The mutual-TLS partner (`demo-client-mtls.json`): its client certificate authenticates and binds the tokens.
        func mutualTLSConfiguration(_ demo: DemoEnvironment) throws -> ClientConfiguration {
            guard let partner = JSONValue.parseObject(try Data(contentsOf: demo.mutualTLSClientFile)),
                  let issuer = partner["issuer"]?.stringValue.flatMap(URL.init(string:)),
                  let clientID = partner["client_id"]?.stringValue, let redirect = partner["redirect_uri"]?.stringValue.flatMap(URL.init(string:)),
                  let caFile = partner["ca_file"]?.stringValue, let certificate = partner["certificate_file"]?.stringValue,
                  let key = partner["private_key_file"]?.stringValue
            else { throw ValidationError("\(demo.mutualTLSClientFile.path) is incomplete: start `kura demo` first") }
            return ClientConfiguration(
                issuer: issuer, clientID: clientID, authentication: .mutualTLS, redirectURI: redirect,
                scopes: Scope.parse(scope) ?? ["openid"], dpopKey: nil,
                tls: ClientTLSConfiguration(trustRoots: .pemFile(caFile),
                                            clientCertificate: try .pemFiles(certificateChain: certificate, privateKey: key)))
        }

        /// PAR and the browser part. A TOTP code is accepted once per 30-second step, so a second run within the
        /// same step waits for the next code, as a customer would.
        /// - Parameters:
        ///   - details: RFC 9396 `authorization_details` to push, with `choosing` ticked on the consent page.
        ///   - step: the step number printed first.
        func authorize(_ client: KuraClient, customer: DemoCredentials, totp: TOTP, scope: [String]? = nil, details: JSONValue? = nil,
                       choosing: Set<String> = [], step: Int = 2) async throws -> (PushedAuthorization, AuthorizationResponse) {
            for attempt in 1...2 {
                let pushed = try await client.pushAuthorizationRequest(scope: scope, authorizationDetails: details)
                print("\(step). PAR: request_uri \(pushed.requestURI.prefix(48))…, expires_in \(pushed.expiresIn) s")
                print("\(step + 1). Browser: login as \(customer.username) with password + TOTP, then approve consent")
                do {
                    let otp = totp.code(at: Date())
                    let response = choosing.isEmpty
                        ? try await client.authorize(pushed, username: customer.username, password: customer.password, otp: otp)
                        : try await client.authorize(pushed, username: customer.username, password: customer.password, otp: otp,
                                                     choosing: choosing)
                    return (pushed, response)
                } catch KuraClientError.loginRejected(let message) where attempt == 1 {
                    let wait = 30 - Date().epochSeconds % 30 + 1
                    print("   Login rejected (\(message)); waiting \(wait) s for the next one-time code")
                    try await Task.sleep(for: .seconds(wait))
                }
            }
            throw ValidationError("login failed twice")
        }

        static func pretty(_ value: JSONValue) -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
    }
}
