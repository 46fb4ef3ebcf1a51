/// The Commitment to Quality's four signatures (S, DESIGN.md §2): visitor organisation, host
/// organisation, visitor partnership (the paying coordinator) and host partnership. A signature
/// names the SHA-256 of the document it signed, so a new version of the document voids every
/// earlier signature, and the agreement is signed only when all four sign the same bytes.
public enum AgreementSignatures {
    public enum Party: String, Sendable, Codable, CaseIterable {
        case visitorOrganisation = "visitor_organisation"
        case hostOrganisation = "host_organisation"
        case visitorPartnership = "visitor_partnership"
        case hostPartnership = "host_partnership"
    }

    /// One stored signature, as the rules need it.
    public struct Signature: Sendable, Hashable {
        public var party: Party
        /// nil only for signatures recorded by the migration that introduced them.
        public var documentSHA256: String?
        public var recordedByMigration: Bool
        public init(party: Party, documentSHA256: String?, recordedByMigration: Bool) {
            self.party = party
            self.documentSHA256 = documentSHA256
            self.recordedByMigration = recordedByMigration
        }

        /// Whether it signs the current document (a migrated one without a recorded document
        /// counts until a document is uploaded).
        public func isValid(currentSHA256: String?) -> Bool {
            if recordedByMigration && documentSHA256 == nil { return true }
            return documentSHA256 != nil && documentSHA256 == currentSHA256
        }
    }

    /// The parties that have not yet signed the current document, in signing order.
    public static func missing(_ signatures: [Signature], currentSHA256: String?) -> [Party] {
        let signed = Set(signatures.filter { $0.isValid(currentSHA256: currentSHA256) }.map(\.party))
        return Party.allCases.filter { !signed.contains($0) }
    }

    /// Who is signing, relative to the application.
    public struct Signer: Sendable, Hashable {
        public enum Relation: Sendable, Hashable {
            case visitorUser, hostUser, coordinator, other
        }
        public var relation: Relation
        /// The coordinator names a party it signs for (and uploaded that party's signed copy).
        public var onBehalf: Bool
        public var hasSignedCopy: Bool
        public init(relation: Relation, onBehalf: Bool, hasSignedCopy: Bool) {
            self.relation = relation
            self.onBehalf = onBehalf
            self.hasSignedCopy = hasSignedCopy
        }
    }

    public enum Authority: Sendable, Hashable {
        case allowed
        /// This signer may not sign for this party at all (403).
        case notThisParty(String)
        /// A coordinator signing for an organisation or another partnership must upload that
        /// party's signed copy (422 signed_document_required).
        case signedCopyRequired
    }

    /// Organisations sign themselves, or a coordinator signs for them with their signed copy;
    /// the visitor partnership is this service's coordinator; the host partnership's coordinator
    /// is ours when the host is in this partnership, else ours on its behalf with its signed copy.
    public static func authority(for party: Party, signer: Signer) -> Authority {
        switch (party, signer.relation) {
        case (.visitorOrganisation, .visitorUser), (.hostOrganisation, .hostUser):
            return signer.onBehalf ? .notThisParty("an organisation's user signs for its own organisation only") : .allowed
        case (.visitorOrganisation, .coordinator), (.hostOrganisation, .coordinator):
            return signer.onBehalf && signer.hasSignedCopy ? .allowed : .signedCopyRequired
        case (.visitorPartnership, .coordinator):
            return .allowed
        case (.hostPartnership, .coordinator):
            return !signer.onBehalf || signer.hasSignedCopy ? .allowed : .signedCopyRequired
        case (.visitorPartnership, _), (.hostPartnership, _):
            return .notThisParty("a partnership signs through its coordinator")
        default:
            return .notThisParty(
                "only the \(party == .visitorOrganisation ? "visitor" : "host") organisation's users sign as \(party.rawValue)")
        }
    }
}
