/// Who may visit and who may host (S, DESIGN.md §2). Clusters, support and research
/// organisations visit; an SME visits only as a cluster member; large companies and public
/// authorities only host; an SME outside any cluster hosts only with the agency's pre-approval.
public enum SchemeParticipation {
    /// The facts about one organisation that the matrix needs.
    public struct Organisation: Sendable, Hashable {
        public var kind: OrganisationKind
        /// A cluster membership is recorded (cluster name and ECCP profile URL).
        public var clusterMember: Bool
        public init(kind: OrganisationKind, clusterMember: Bool) {
            self.kind = kind
            self.clusterMember = clusterMember
        }
    }

    /// The visitor's side of the matrix: nil when it may visit, else the broken rule (its
    /// `rule` is the problem code the refusal answers).
    public static func visitorViolation(_ o: Organisation) -> RuleViolation? {
        switch o.kind {
        case .cluster, .supportOrganisation, .research: return nil
        case .sme:
            if o.clusterMember { return nil }
            return RuleViolation(
                field: "organisation.cluster_name", rule: ProblemCode.clusterMembershipRequired.rawValue,
                message: "an SME visits only as a member of a cluster: record the cluster's name and ECCP profile URL "
                    + "on the organisation (PATCH /v1/organisations/{id}); a coordinator validates it")
        case .largeCompany, .publicAuthority:
            return RuleViolation(
                field: "organisation.kind", rule: ProblemCode.visitorKindNotEligible.rawValue,
                message: "a \(o.kind == .largeCompany ? "large company" : "public authority") may only host an exchange, "
                    + "not visit")
        }
    }

    /// The host's side: every kind hosts, but an SME outside any cluster needs a recorded
    /// agency pre-approval for this exchange.
    public static func hostViolation(_ o: Organisation, preapproved: Bool) -> RuleViolation? {
        if o.kind == .sme && !o.clusterMember && !preapproved {
            return RuleViolation(
                field: "host_organisation_id", rule: ProblemCode.hostPreapprovalRequired.rawValue,
                message: "the host is an SME outside any cluster: a coordinator must record the agency's pre-approval "
                    + "(POST /v1/applications/{id}/host-preapproval) before submission")
        }
        return nil
    }
}
