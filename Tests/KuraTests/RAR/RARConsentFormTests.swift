import AuthorizationServer
import Foundation
import HummingbirdTesting
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

/// The consent page as a browser submits it (WHATWG HTML §4.10.21.4, parsed by KuraClient's `HTMLForm`): every choice
/// is a labelled control inside the consent form with the CSRF token, and ticking them yields a valid decision.
@Suite("RAR consent form: a browser's submission of the ticked choices is accepted (plain form POST, CSRF kept, labels)")
struct RARConsentFormTests {
    @Test("Ticking an account and the debtor in the parsed form and pressing Allow issues a code with exactly those picks")
    func browserSubmission() async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            let (interaction, page) = try await flow.consentPage(details: [RAR.accountInformation(), RAR.payment()])
            let form = try #require(HTMLForm.forms(in: page.bodyText).first { $0.button(named: "approve") != nil })
            #expect(form.method == "POST" && form.action == OAuthServer.Path.consent)
            #expect(form.field(named: "csrf_token")?.value == interaction.csrf)
            for field in form.fields where ["checkbox", "radio"].contains(field.type) {
                #expect(page.bodyText.contains(#"<label for="detail-"#), "choice \(field.name) has a label")
            }
            let ticked = form.checking([RAR.aliceUSD, RAR.aliceJPY])
            let entries = ticked.entries(submitter: ticked.button(named: "approve"))
            let fields = Dictionary(entries, uniquingKeysWith: { first, _ in first })
            #expect(fields.count == entries.count, "no repeated names: \(entries)")
            #expect(fields["detail.1.debtorAccount"] == RAR.aliceJPY)
            let redirect = try await flow.submit(OAuthServer.Path.consent, fields, cookie: interaction.cookie)
            let code = try #require(redirect.redirectParameters?["code"], "\(redirect.status) \(redirect.bodyText)")
            let response = try await flow.token(code: code, dpopKey: try JWSSigningKey.generate(.es256, kid: "dpop"))
            let details = try #require(response.json["authorization_details"]?.arrayValue)
            #expect(details[0]["accounts"] == [.string(RAR.aliceJPY), .string(RAR.aliceUSD)])
            #expect(details[1]["debtorAccount"] == ["accountId": .string(RAR.aliceJPY)])
        }
    }

    @Test("Checking a radio button unchecks the others of its group, so the submission never repeats a name")
    func radioGroup() throws {
        let html = """
            <form method="post"><input type="radio" name="d" value="a" checked><input type="radio" name="d" value="b">
            <input type="checkbox" name="c.a" value="a"><button name="approve" value="approve">Allow</button></form>
            """
        let form = try #require(HTMLForm.forms(in: html).first).checking(["b"])
        #expect(form.entries().map { "\($0.0)=\($0.1)" } == ["d=b"])
    }
}
