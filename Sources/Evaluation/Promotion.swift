/// The reserve applications that can now be funded, in rank order.
///
/// Walks only the `reserve` proposals (whatever their reason), ordered by
/// rank, with the same rules and skip-over as `select`, and returns the ids
/// that would be approved. `approved` and `rejected` proposals are ignored.
///
/// `context` must describe the world *now*: `availableCents` is the budget
/// that became free, and the funded organisations and committed cents must
/// include the approvals that still stand. They are deliberately not derived
/// from the `approved` proposals: money is usually freed because an approval
/// was withdrawn, and that organisation must then be eligible again — only
/// the caller knows which approvals still hold.
public func promotable(_ proposals: [Proposal], context: SelectionContext) -> [Int64] {
    var walk = FundingWalk(context)
    var promoted: [Int64] = []
    let reserve =
        proposals
        .filter { $0.decision == .reserve && $0.requestedCents >= 0 }
        .sorted { ($0.rank, $0.candidateID) < ($1.rank, $1.candidateID) }
    for entry in reserve
    where walk.consider(organisationID: entry.organisationID, requestedCents: entry.requestedCents) == .passesAndFits {
        promoted.append(entry.candidateID)
    }
    return promoted
}
