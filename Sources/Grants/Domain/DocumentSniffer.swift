/// Decides a document's media type from its first bytes. The declared `Content-Type` is
/// never trusted: a renamed executable must not be served back as a PDF to a coordinator.
public enum DocumentSniffer {
    /// Every media type `mediaType(of:)` can answer.
    public static let mediaTypes = ["application/pdf", "image/png", "image/jpeg"]

    public static func mediaType(of bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x25, 0x50, 0x44, 0x46, 0x2D]) { return "application/pdf" }  // %PDF-
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        return nil
    }
}
