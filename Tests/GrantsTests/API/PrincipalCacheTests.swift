import Foundation
import Testing

@testable import Grants

@Suite("Principal cache")
struct PrincipalCacheTests {
    let alice = Principal(userID: 1, role: .coordinator, organisationID: nil, email: "a@x.eu", name: "A")
    let bob = Principal(userID: 2, role: .applicant, organisationID: 7, email: "b@x.eu", name: "B")
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    var later: Date { now.addingTimeInterval(3600) }

    func listening(ttl: TimeInterval = 10, capacity: Int = 100) -> PrincipalCache {
        let c = PrincipalCache(ttl: ttl, capacity: capacity)
        c.handle(.listening)
        return c
    }

    @Test func servesOnlyWhileListening() {
        let c = PrincipalCache(ttl: 10)
        #expect(c.ticket() == nil)
        c.remember(alice, token: "t", sessionExpiresAt: later, ticket: c.ticket(), now: now)
        #expect(c.principal(for: "t", now: now) == nil)
        c.handle(.listening)
        c.remember(alice, token: "t", sessionExpiresAt: later, ticket: c.ticket(), now: now)
        #expect(c.principal(for: "t", now: now)?.userID == 1)
        c.handle(.lost)
        #expect(c.principal(for: "t", now: now) == nil)
        #expect(c.ticket() == nil)
        c.handle(.listening)
        #expect(c.principal(for: "t", now: now) == nil, "a reconnect starts empty: notifications may have been missed")
    }

    @Test func anAnswerReadBeforeAnInvalidationIsNeverStored() {
        let c = listening()
        let ticket = c.ticket()
        c.handle(.notification("1"))  // the logout's NOTIFY arrives while the lookup reads the database
        c.remember(alice, token: "t", sessionExpiresAt: later, ticket: ticket, now: now)
        #expect(c.principal(for: "t", now: now) == nil)
        let lostTicket = c.ticket()
        c.handle(.lost)
        c.handle(.listening)
        c.remember(alice, token: "t", sessionExpiresAt: later, ticket: lostTicket, now: now)
        #expect(c.principal(for: "t", now: now) == nil)
    }

    @Test func invalidationDropsOnlyThatUser() {
        let c = listening()
        c.remember(alice, token: "a1", sessionExpiresAt: later, ticket: c.ticket(), now: now)
        c.remember(alice, token: "a2", sessionExpiresAt: later, ticket: c.ticket(), now: now)
        c.remember(bob, token: "b", sessionExpiresAt: later, ticket: c.ticket(), now: now)
        c.handle(.notification("1"))
        #expect(c.principal(for: "a1", now: now) == nil)
        #expect(c.principal(for: "a2", now: now) == nil)
        #expect(c.principal(for: "b", now: now)?.userID == 2)
        // '*' (TRUNCATE) or anything unreadable: everyone.
        c.handle(.notification("*"))
        #expect(c.count == 0)
    }

    @Test func entriesEndAtTheTTLOrTheSessionsExpiry() {
        let c = listening(ttl: 10)
        c.remember(alice, token: "t", sessionExpiresAt: later, ticket: c.ticket(), now: now)
        #expect(c.principal(for: "t", now: now.addingTimeInterval(9.9)) != nil)
        #expect(c.principal(for: "t", now: now.addingTimeInterval(10)) == nil)
        c.remember(bob, token: "s", sessionExpiresAt: now.addingTimeInterval(2), ticket: c.ticket(), now: now)
        #expect(c.principal(for: "s", now: now.addingTimeInterval(1.9)) != nil)
        #expect(c.principal(for: "s", now: now.addingTimeInterval(2)) == nil)
    }

    @Test func memoryIsBounded() {
        let c = listening(capacity: 3)
        for i in 0..<10 { c.remember(alice, token: "t\(i)", sessionExpiresAt: later, ticket: c.ticket(), now: now) }
        #expect(c.count <= 3)
        #expect(c.principal(for: "t9", now: now) != nil)
    }
}
