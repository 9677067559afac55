import Foundation

extension URL {
    /// The ASCII serialization of this URL's origin (RFC 6454 §6.2): `scheme://host`, plus `:port` when it is not
    /// the scheme's default. Used for the `Origin` header of form submissions.
    var serializedOrigin: String {
        let scheme = (self.scheme ?? "").lowercased()
        let host = (self.host ?? "").lowercased()
        let isDefaultPort = port == nil || (scheme == "https" && port == 443) || (scheme == "http" && port == 80)
        return "\(scheme)://\(host)" + (isDefaultPort ? "" : ":\(port!)")
    }
}
