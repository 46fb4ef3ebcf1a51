/// The authenticated caller of a request.
public struct Principal: Sendable {
    public var userID: Int64
    public var role: Role
    public var organisationID: Int64?
    public var email: String
    public var name: String

    /// The organisation an applicant acts for; other roles act for no organisation.
    public var applicantOrganisation: Int64? { role == .applicant ? organisationID : nil }
}
