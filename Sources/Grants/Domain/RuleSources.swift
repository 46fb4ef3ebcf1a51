/// Where each programme rule comes from (DESIGN.md §2, ../shared/SOURCES.md): a sourced rule
/// names its public text; the rest are labelled product defaults. Shown with the programme so
/// a coordinator changing a setting sees what it departs from.
public enum RuleSources {
    public static let rules: [String: String] = [
        "per_visit_cap_cents": "sourced: ClusterXchange partnership texts, at most EUR 1,100 per visiting organisation",
        "per_third_party_cap_cents":
            "sourced: EU Financial Regulation, ceiling of EUR 60,000 of financial support per third party "
            + "(save where the support is the primary aim of the action)",
        "halving_distance_km": "sourced: ECCP About ClusterXchange, lump sum halved under 200 km",
        "halving_working_days": "sourced: ECCP About ClusterXchange, lump sum halved under 5 working days",
        "minimum_working_days": "sourced: ECCP About ClusterXchange, at least 3 working days, travel days excluded",
        "maximum_calendar_days": "sourced: ECCP About ClusterXchange, at most one month (product reading: 31 calendar days)",
        "max_funded_exchanges_per_visitor": "sourced: ECCP About ClusterXchange, an organisation visits only once in the scheme",
        "payment_due_days": "sourced: ClusterXchange partnership FAQ, one payment within 10 days",
        "payment_due_from": "exchange_end is the sourced reading; report_acceptance is the product default",
        "prefinancing_percent": "product default (0: one payment after the exchange)",
        "four_eyes_payments": "product default",
        "appeal_days": "product default (common FSTP redress practice: 7 to 30 days)",
    ]

    /// The closing report's proofs: which the sources require and which the product adds.
    public struct Proof: Sendable, Hashable, Codable {
        public var kind: DocumentKind
        public var sourced: Bool
        public var source: String
    }

    public static let closingReportProofs: [Proof] = [
        Proof(kind: .boardingPass, sourced: true, source: "ClusterXchange partnership FAQ: boarding passes"),
        Proof(kind: .invoice, sourced: true, source: "ClusterXchange partnership FAQ: travel and accommodation invoices"),
        Proof(kind: .hostConfirmation, sourced: false, source: "product default: the host confirms the exchange took place"),
    ]
}
