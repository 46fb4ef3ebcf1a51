import Foundation
import Testing

@testable import Grants

@Suite("Legal identity normalisation")
struct LegalIdentityTests {
    @Test(
        "Spellings of one company compare equal",
        arguments: [
            ("Genomica S.R.L.", "GENOMICA SRL"), ("Genómica srl.", "Genomica S.R.L."), ("BioTech Lab S.L.", "Biotech-Lab SL"),
            ("Łódź Bio Sp. z o.o.", "LODZ BIO SP. Z O.O."), ("Müller Diagnostik GmbH", "Muller Diagnostik"),
            ("Müller Diagnostik GmbH & Co. KG", "MÜLLER DIAGNOSTIK"), ("Ελληνική Βιο Α.Ε.", "ελληνικη βιο"),
            ("Hellenic Bio-Cluster HBIO", "HELLENIC BIO CLUSTER HBIO"), ("Naturgy, S.A.", "NATURGY SA"),
            ("Øresund Health ApS", "Oresund Health"), ("Biotecyl S.L.U.", "BIOTECYL"), ("  Zeta   Omics  Ltd ", "Zeta Omics Limited"),
        ])
    func equal(a: String, b: String) {
        #expect(LegalIdentity.normalisedName(a) == LegalIdentity.normalisedName(b), "\(a) / \(b)")
    }

    @Test(
        "Different companies stay different",
        arguments: [
            ("Genomica SRL", "Genomix SRL"), ("Bio Lab", "Bio Labs Romania"), ("SRL", "SA"), ("Alpha", "Beta"),
        ])
    func different(a: String, b: String) {
        #expect(LegalIdentity.normalisedName(a) != LegalIdentity.normalisedName(b), "\(a) / \(b)")
    }

    @Test func aNameThatIsOnlyALegalFormIsKept() {
        #expect(LegalIdentity.normalisedName("GmbH") == "gmbh")
        #expect(!LegalIdentity.normalisedName("...").isEmpty)
    }

    @Test func vatNumbers() {
        #expect(LegalIdentity.normalisedVAT("RO 1234 5678", country: "RO") == "RO12345678")
        #expect(LegalIdentity.normalisedVAT("ro12345678", country: "RO") == "RO12345678")
        #expect(LegalIdentity.normalisedVAT("12.345.678", country: "RO") == "RO12345678")
        #expect(LegalIdentity.normalisedVAT("EL094259216", country: "GR") == LegalIdentity.normalisedVAT("094259216", country: "GR"))
        #expect(LegalIdentity.normalisedVAT("DE123", country: "AT") == "ATDE123")
        #expect(LegalIdentity.normalisedVAT(" - ", country: "RO") == nil)
        #expect(LegalIdentity.normalisedVAT(nil, country: "RO") == nil)
    }
}

@Suite("CSV reader")
struct CSVReaderTests {
    func read(_ s: String) -> Result<[[String]], CSVReader.Failure> { CSVReader().read(Array(s.utf8)) }

    @Test func rfc4180AndSpreadsheetHabits() throws {
        #expect(try read("a,b\r\n1,2\r\n").get() == [["a", "b"], ["1", "2"]])
        #expect(try read("a,b\n1,2").get() == [["a", "b"], ["1", "2"]])
        #expect(try read("\u{FEFF}a\n\"x, \"\"y\"\"\nz\"\n").get() == [["a"], ["x, \"y\"\nz"]])
        #expect(try read("a,b\n\n1,\n").get() == [["a", "b"], ["1", ""]])
        #expect(try read("León,Iași\n").get() == [["León", "Iași"]])
        #expect(try read("").get() == [])
    }

    @Test func framingProblemsNameTheLine() {
        #expect(read("a\nb\"c\n") == .failure(.init(line: 2, message: "a quote inside an unquoted field; quote the whole field")))
        #expect(read("a\n\"open\n") == .failure(.init(line: 3, message: "a quoted field is not closed")))
        #expect(read("\"a\"b\n") == .failure(.init(line: 1, message: "text after a closing quote; quote the whole field")))
        #expect(read("a\rb") == .failure(.init(line: 1, message: "a carriage return without a line feed")))
        guard case .failure(let f) = CSVReader().read([0x61, 0x0A, 0xC3, 0x28, 0x0A]) else {
            Issue.record("invalid UTF-8 accepted")
            return
        }
        #expect(f.line == 2)
    }

    @Test func bounded() {
        var few = CSVReader()
        few.maxRows = 2
        if case .success = few.read(Array("a\nb\nc\n".utf8)) { Issue.record("row limit not applied") }
        var short = CSVReader()
        short.maxFieldBytes = 4
        if case .success = short.read(Array("abcdefgh\n".utf8)) { Issue.record("field limit not applied") }
    }

    @Test func whatTheWriterWritesReadsBack() throws {
        var w = CSVWriter(header: ["legal_name", "note"])
        w.row([.text("=cmd|' /C calc'!A0"), .text("a,\"b\"\r\nc")])
        let rows = try CSVReader().read(Array(w.string.utf8)).get()
        #expect(rows == [["legal_name", "note"], ["'=cmd|' /C calc'!A0", "a,\"b\"\r\nc"]])
        #expect(PreviousVisitorImport.unneutralised(rows[1][0]) == "=cmd|' /C calc'!A0")
    }
}

@Suite("Previous-visitor import rows")
struct PreviousVisitorImportTests {
    @Test func everyBadRowIsListedAndNothingIsTaken() {
        let outcome = PreviousVisitorImport.parse([
            ["Year", "Partnership", "Legal_Name", "Country", "VAT_Number"],
            ["2023", "BOOST-MED", "Genomica SRL", "RO", "RO123"],
            ["20x3", "BOOST-MED", "", "Romania", ""],
            ["2023", "", "Ok Name", "ES", String(repeating: "9", count: 40)],
        ])
        #expect(outcome.errors.map(\.row) == [2, 2, 2, 3, 3])
        #expect(Set(outcome.errors.map(\.column)) == ["year", "legal_name", "country", "partnership", "vat_number"])
        let good = PreviousVisitorImport.parse([
            ["legal_name", "country", "partnership", "year"], ["Genomica SRL", "ro", "BOOST-MED", "2023"],
        ])
        #expect(good.errors.isEmpty)
        #expect(good.records.first?.country == "RO")
        #expect(good.records.first?.vatNumber == nil)
    }

    @Test func headerProblems() {
        #expect(PreviousVisitorImport.parse([]).errors.count == 1)
        #expect(PreviousVisitorImport.parse([["legal_name", "country"]]).errors.map(\.column) == ["partnership", "year"])
        #expect(PreviousVisitorImport.parse([["legal_name", "country", "partnership", "year"]]).errors.count == 1)
    }
}

@Suite("Scheme participation and signatures")
struct SchemeParticipationTests {
    typealias O = SchemeParticipation.Organisation

    @Test func whoMayVisit() {
        #expect(SchemeParticipation.visitorViolation(O(kind: .cluster, clusterMember: false)) == nil)
        #expect(SchemeParticipation.visitorViolation(O(kind: .research, clusterMember: false)) == nil)
        #expect(SchemeParticipation.visitorViolation(O(kind: .supportOrganisation, clusterMember: false)) == nil)
        #expect(SchemeParticipation.visitorViolation(O(kind: .sme, clusterMember: true)) == nil)
        #expect(SchemeParticipation.visitorViolation(O(kind: .sme, clusterMember: false))?.rule == "cluster_membership_required")
        #expect(SchemeParticipation.visitorViolation(O(kind: .largeCompany, clusterMember: true))?.rule == "visitor_kind_not_eligible")
        #expect(SchemeParticipation.visitorViolation(O(kind: .publicAuthority, clusterMember: false))?.rule == "visitor_kind_not_eligible")
    }

    @Test func whoMayHost() {
        for kind in OrganisationKind.allCases where kind != .sme {
            #expect(SchemeParticipation.hostViolation(O(kind: kind, clusterMember: false), preapproved: false) == nil)
        }
        #expect(SchemeParticipation.hostViolation(O(kind: .sme, clusterMember: true), preapproved: false) == nil)
        #expect(SchemeParticipation.hostViolation(O(kind: .sme, clusterMember: false), preapproved: true) == nil)
        #expect(
            SchemeParticipation.hostViolation(O(kind: .sme, clusterMember: false), preapproved: false)?.rule == "host_preapproval_required")
    }

    @Test func signaturesCountOnTheCurrentDocumentOnly() {
        typealias S = AgreementSignatures.Signature
        let a = String(repeating: "a", count: 64)
        let b = String(repeating: "b", count: 64)
        let all = AgreementSignatures.Party.allCases.map { S(party: $0, documentSHA256: a, recordedByMigration: false) }
        #expect(AgreementSignatures.missing(all, currentSHA256: a).isEmpty)
        #expect(AgreementSignatures.missing(all, currentSHA256: b) == AgreementSignatures.Party.allCases)
        let migrated = AgreementSignatures.Party.allCases.map { S(party: $0, documentSHA256: nil, recordedByMigration: true) }
        #expect(AgreementSignatures.missing(migrated, currentSHA256: b).isEmpty)
    }

    @Test func whoMaySignForWhom() {
        typealias Signer = AgreementSignatures.Signer
        func auth(_ p: AgreementSignatures.Party, _ r: Signer.Relation, behalf: Bool = false, copy: Bool = false)
            -> AgreementSignatures.Authority
        {
            AgreementSignatures.authority(for: p, signer: Signer(relation: r, onBehalf: behalf, hasSignedCopy: copy))
        }
        #expect(auth(.visitorOrganisation, .visitorUser) == .allowed)
        #expect(auth(.hostOrganisation, .hostUser) == .allowed)
        #expect(auth(.hostOrganisation, .visitorUser) != .allowed)
        #expect(auth(.visitorPartnership, .visitorUser) != .allowed)
        #expect(auth(.visitorOrganisation, .coordinator) == .signedCopyRequired)
        #expect(auth(.visitorOrganisation, .coordinator, behalf: true) == .signedCopyRequired)
        #expect(auth(.visitorOrganisation, .coordinator, behalf: true, copy: true) == .allowed)
        #expect(auth(.visitorPartnership, .coordinator) == .allowed)
        #expect(auth(.hostPartnership, .coordinator) == .allowed)
        #expect(auth(.hostPartnership, .coordinator, behalf: true) == .signedCopyRequired)
    }

    @Test func declarationsAndTravel() {
        let ok = ParticipantDeclarations(employedByVisitor: true, thirdCountryNational: false, noPreviousVisit: true)
        #expect(SchemeRules.declarationViolations(ok, hasResidencePermit: false).isEmpty)
        var tcn = ok
        tcn.thirdCountryNational = true
        tcn.residenceDaysInCosme = 182
        #expect(SchemeRules.declarationViolations(tcn, hasResidencePermit: true).map(\.field) == ["declarations.residence_days_in_cosme"])
        tcn.residenceDaysInCosme = 183
        #expect(SchemeRules.declarationViolations(tcn, hasResidencePermit: false).map(\.field) == ["documents"])
        #expect(SchemeRules.declarationViolations(tcn, hasResidencePermit: true).isEmpty)
        #expect(SchemeRules.declarationViolations(ParticipantDeclarations(), hasResidencePermit: false).count == 3)
        let d = { (s: String) in CalendarDate(iso: s)! }
        #expect(
            SchemeRules.travelViolations(
                start: d("2027-03-01"), end: d("2027-03-05"), travelStart: d("2027-02-26"), travelEnd: d("2027-03-08")
            ).isEmpty)
        #expect(
            SchemeRules.travelViolations(
                start: d("2027-03-01"), end: d("2027-03-05"), travelStart: d("2027-02-25"), travelEnd: d("2027-03-04")
            ).count == 2)
    }

    @Test func appealWindow() {
        let outcome = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(AppealRules.windowOpen(outcomeAt: outcome, appealDays: 14, now: outcome.addingTimeInterval(14 * 86_400)))
        #expect(!AppealRules.windowOpen(outcomeAt: outcome, appealDays: 14, now: outcome.addingTimeInterval(14 * 86_400 + 1)))
        #expect(AppealRules.event(granted: true, appealed: .ineligible) == .grantEligibilityAppeal)
        #expect(AppealRules.event(granted: false, appealed: .rejected) == .upholdRejection)
        #expect(AppealRules.event(granted: true, appealed: .approved) == nil)
    }
}
