import Foundation
import Postgres
import Synchronization

/// Bearer token → principal, per instance, so an authenticated request costs one statement
/// (its own) instead of two. Correct across instances because every change that can end or
/// alter a session (logout, a revoked or deleted session, deactivation, a role, organisation,
/// e-mail or name change, by the service or by an administrator's SQL) sends `NOTIFY cx_auth`
/// with the user id (Migrations/0013), and each instance's `PostgresListener` drops that user's
/// entries. Entries live at most `ttl` (and never past the session's expiry) as a safety net.
///
/// The cache serves only while LISTEN is in place: on `.lost` it empties and stops storing
/// until `.listening` again. A lookup takes a ticket (the epoch) before it reads the database
/// and stores its answer only if no invalidation came in between, so an answer read before a
/// logout can never be cached after the logout's notification.
final class PrincipalCache: Sendable {
    /// The NOTIFY channel (Migrations/0013).
    static let channel = "cx_auth"

    private struct Entry {
        var principal: Principal
        var validUntil: Date
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var epoch: UInt64 = 0
        var listening = false
    }

    let ttl: TimeInterval
    /// Bounds memory: a full cache is emptied (entries are cheap to re-read).
    let capacity: Int
    private let state = Mutex(State())

    init(ttl: TimeInterval, capacity: Int = 10_000) {
        self.ttl = ttl
        self.capacity = max(capacity, 1)
    }

    func principal(for token: String, now: Date = Date()) -> Principal? {
        state.withLock { s in
            guard s.listening, let e = s.entries[token] else { return nil }
            if e.validUntil <= now {
                s.entries[token] = nil
                return nil
            }
            return e.principal
        }
    }

    /// Taken before the database read; nil while the cache is not serving.
    func ticket() -> UInt64? {
        state.withLock { s in s.listening ? s.epoch : nil }
    }

    func remember(_ principal: Principal, token: String, sessionExpiresAt: Date, ticket: UInt64?, now: Date = Date()) {
        guard let ticket else { return }
        state.withLock { s in
            guard s.listening, s.epoch == ticket else { return }
            if s.entries.count >= capacity { s.entries.removeAll(keepingCapacity: true) }
            s.entries[token] = Entry(principal: principal, validUntil: min(now.addingTimeInterval(ttl), sessionExpiresAt))
        }
    }

    /// What the listener reports; a NOTIFY payload is a user id, anything else means everyone.
    func handle(_ event: PostgresListener.Event) {
        state.withLock { s in
            s.epoch &+= 1
            switch event {
            case .listening:
                s.entries.removeAll()
                s.listening = true
            case .lost:
                s.entries.removeAll()
                s.listening = false
            case .notification(let payload):
                if let userID = Int64(payload) {
                    s.entries = s.entries.filter { $0.value.principal.userID != userID }
                } else {
                    s.entries.removeAll()
                }
            }
        }
    }

    /// This instance's own change (logout): the same as the notification that will follow.
    func forget(userID: Int64) { handle(.notification(String(userID))) }

    var count: Int { state.withLock { $0.entries.count } }
}
