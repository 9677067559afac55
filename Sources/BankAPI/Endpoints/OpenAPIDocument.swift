import Foundation
import OAuthCore

/// The OpenAPI 3.1 description of the bank API, served at `GET /api/openapi.json`. One document, written out in full
/// so partners (and their code generators) see every path, header, schema and error.
enum OpenAPIDocument {
    static func json(baseURL: String) -> JSONValue {
        guard let document = JSONValue.parseObject(Data(text.replacingOccurrences(of: "{{BASE_URL}}", with: baseURL).utf8)) else {
            preconditionFailure("OpenAPIDocument.text is not valid JSON")
        }
        return .object(document)
    }

    static let text = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Kura Bank API",
        "version": "1.0.0",
        "description": "Accounts, balances, transaction history, verified identity and transfers for partners of the bank. Every request carries a sender-constrained access token (DPoP or mutual TLS, FAPI 2.0 Security Profile); clients registered for it sign each request with RFC 9421 HTTP Message Signatures (tag fapi-2-request), and every response is signed by the bank (tag fapi-2-response, key in the authorization server's JWKS) with an RFC 9530 Content-Digest. Every response carries x-fapi-interaction-id."
      },
      "servers": [{"url": "{{BASE_URL}}"}],
      "security": [{"DPoP": []}, {"mutualTLS": []}],
      "paths": {
        "/accounts": {
          "get": {
            "operationId": "listAccounts", "summary": "The customer's accounts covered by the grant",
            "parameters": [{"$ref": "#/components/parameters/InteractionId"}],
            "responses": {
              "200": {"description": "Accounts", "headers": {"$ref": "#/components/headers/Signed"}, "content": {"application/json": {"schema": {"type": "object", "required": ["accounts"], "properties": {"accounts": {"type": "array", "items": {"$ref": "#/components/schemas/Account"}}}}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}
            }
          }
        },
        "/accounts/{accountId}": {
          "get": {
            "operationId": "getAccount", "summary": "One account",
            "parameters": [{"$ref": "#/components/parameters/AccountId"}, {"$ref": "#/components/parameters/InteractionId"}],
            "responses": {
              "200": {"description": "The account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}
            }
          }
        },
        "/accounts/{accountId}/balances": {
          "get": {
            "operationId": "getBalances", "summary": "Current and available balance (datatype balances)",
            "parameters": [{"$ref": "#/components/parameters/AccountId"}, {"$ref": "#/components/parameters/InteractionId"}],
            "responses": {
              "200": {"description": "Balances", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Balances"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}
            }
          }
        },
        "/accounts/{accountId}/transactions": {
          "get": {
            "operationId": "listTransactions", "summary": "Booked transactions, newest first, cursor-paged (datatype transactions); the window is limited to the dates the customer granted",
            "parameters": [
              {"$ref": "#/components/parameters/AccountId"}, {"$ref": "#/components/parameters/InteractionId"},
              {"name": "from", "in": "query", "schema": {"type": "string"}, "description": "YYYY-MM-DD (JST, inclusive) or RFC 3339 date-time"},
              {"name": "to", "in": "query", "schema": {"type": "string"}, "description": "YYYY-MM-DD (JST, inclusive) or RFC 3339 date-time (exclusive)"},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}},
              {"name": "cursor", "in": "query", "schema": {"type": "string"}, "description": "nextCursor of the previous page"}
            ],
            "responses": {
              "200": {"description": "A page of transactions", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TransactionPage"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}
            }
          }
        },
        "/identity": {
          "get": {
            "operationId": "getVerifiedIdentity", "summary": "The customer's verified identity (OpenID Connect for Identity Assurance verified_claims; scope identity)",
            "parameters": [{"$ref": "#/components/parameters/InteractionId"}],
            "responses": {
              "200": {"description": "Verified claims", "content": {"application/json": {"schema": {"type": "object", "required": ["sub", "verified_claims"], "properties": {"sub": {"type": "string"}, "verified_claims": {"type": "object", "required": ["verification", "claims"], "properties": {"verification": {"type": "object"}, "claims": {"type": "object"}}}}}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/NotFound"}
            }
          }
        },
        "/transfers": {
          "post": {
            "operationId": "createTransfer", "summary": "Book a transfer: exactly the consented payment_initiation (single use), or to a saved payee with scope transfers",
            "parameters": [
              {"$ref": "#/components/parameters/InteractionId"},
              {"name": "Idempotency-Key", "in": "header", "required": true, "schema": {"type": "string", "minLength": 1, "maxLength": 255}, "description": "Same key and same body returns the original transfer; a different body is refused with 422"}
            ],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TransferRequest"}}}},
            "responses": {
              "201": {"description": "Booked (or, with Idempotent-Replayed: true, the original)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Transfer"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "422": {"description": "insufficient_funds, idempotency_key_reused, currency_mismatch, creditor_account_not_found, same_account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/transfers/{transferId}": {
          "get": {
            "operationId": "getTransfer", "summary": "A transfer this client booked for this customer",
            "parameters": [{"name": "transferId", "in": "path", "required": true, "schema": {"type": "string"}}, {"$ref": "#/components/parameters/InteractionId"}],
            "responses": {
              "200": {"description": "The transfer", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Transfer"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}, "404": {"$ref": "#/components/responses/NotFound"}
            }
          }
        }
      },
      "components": {
        "securitySchemes": {
          "DPoP": {"type": "http", "scheme": "DPoP", "description": "RFC 9449: Authorization: DPoP <token> with a DPoP proof (htm, htu, ath)"},
          "mutualTLS": {"type": "mutualTLS", "description": "RFC 8705 certificate-bound token: Authorization: Bearer <token> over mutual TLS with the bound certificate"}
        },
        "parameters": {
          "AccountId": {"name": "accountId", "in": "path", "required": true, "schema": {"type": "string"}},
          "InteractionId": {"name": "x-fapi-interaction-id", "in": "header", "required": false, "schema": {"type": "string"}, "description": "Echoed on the response; generated (RFC 4122 UUID) when absent"}
        },
        "headers": {
          "Signed": {"description": "Every response carries Signature, Signature-Input (RFC 9421, tag fapi-2-response), Content-Digest (RFC 9530) and x-fapi-interaction-id", "schema": {"type": "string"}}
        },
        "responses": {
          "BadRequest": {"description": "Malformed request", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Unauthorized": {"description": "Missing, invalid, expired, revoked or wrongly bound token (WWW-Authenticate), or a missing/invalid request signature", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Forbidden": {"description": "The grant does not cover this account, data or payment", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "NotFound": {"description": "Not found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        },
        "schemas": {
          "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}}},
          "Amount": {"type": "object", "required": ["amount", "currency"], "properties": {"amount": {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"}, "currency": {"type": "string", "enum": ["JPY", "USD", "EUR"]}}},
          "Account": {"type": "object", "required": ["accountId", "accountType", "currency", "bankCode", "branchCode", "accountNumber", "name", "holderName"], "properties": {"accountId": {"type": "string"}, "accountType": {"type": "string", "enum": ["ordinary", "savings"]}, "currency": {"type": "string"}, "bankCode": {"type": "string"}, "branchCode": {"type": "string"}, "accountNumber": {"type": "string"}, "name": {"type": "string"}, "holderName": {"type": "string"}, "openedAt": {"type": "string", "format": "date-time"}}},
          "Balances": {"type": "object", "required": ["accountId", "balances"], "properties": {"accountId": {"type": "string"}, "balances": {"type": "array", "items": {"type": "object", "properties": {"type": {"type": "string", "enum": ["current", "available"]}, "amount": {"$ref": "#/components/schemas/Amount"}, "asOf": {"type": "string", "format": "date-time"}}}}}},
          "Transaction": {"type": "object", "required": ["transactionId", "bookingDateTime", "creditDebitIndicator", "amount", "balanceAfter", "description"], "properties": {"transactionId": {"type": "string"}, "bookingDateTime": {"type": "string", "format": "date-time"}, "creditDebitIndicator": {"type": "string", "enum": ["credit", "debit"]}, "amount": {"$ref": "#/components/schemas/Amount"}, "balanceAfter": {"$ref": "#/components/schemas/Amount"}, "description": {"type": "string"}, "counterpartyName": {"type": "string"}}},
          "TransactionPage": {"type": "object", "required": ["accountId", "transactions"], "properties": {"accountId": {"type": "string"}, "transactions": {"type": "array", "items": {"$ref": "#/components/schemas/Transaction"}}, "nextCursor": {"type": "string"}, "links": {"type": "object", "properties": {"next": {"type": "string", "format": "uri"}}}}},
          "CreditorAccount": {"type": "object", "required": ["bankCode", "branchCode", "accountNumber"], "properties": {"bankCode": {"type": "string", "pattern": "^[0-9]{4}$"}, "branchCode": {"type": "string", "pattern": "^[0-9]{3}$"}, "accountNumber": {"type": "string", "pattern": "^[0-9]{7}$"}}},
          "TransferRequest": {"type": "object", "required": ["debtorAccount", "instructedAmount", "creditorName", "creditorAccount"], "properties": {"type": {"const": "payment_initiation"}, "debtorAccount": {"type": "object", "required": ["accountId"], "properties": {"accountId": {"type": "string"}}}, "instructedAmount": {"$ref": "#/components/schemas/Amount"}, "creditorName": {"type": "string", "maxLength": 140}, "creditorAccount": {"$ref": "#/components/schemas/CreditorAccount"}, "remittanceInformationUnstructured": {"type": "string", "maxLength": 140}}},
          "Transfer": {"type": "object", "required": ["transferId", "status", "debtorAccount", "instructedAmount", "creditorName", "creditorAccount", "createdAt"], "properties": {"transferId": {"type": "string"}, "status": {"type": "string", "enum": ["booked"]}, "debtorAccount": {"type": "object", "required": ["accountId"], "properties": {"accountId": {"type": "string"}}}, "instructedAmount": {"$ref": "#/components/schemas/Amount"}, "creditorName": {"type": "string"}, "creditorAccount": {"$ref": "#/components/schemas/CreditorAccount"}, "remittanceInformationUnstructured": {"type": "string"}, "consentId": {"type": "string"}, "createdAt": {"type": "string", "format": "date-time"}}}
        }
      }
    }
    """#
}
