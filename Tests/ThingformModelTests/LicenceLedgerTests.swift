import ThingformModel
import XCTest

/// The pure licence ledger (spec/02 §4): pool order, expiry, release policies, limits, counters.
final class LicenceLedgerTests: XCTestCase {
    typealias H = LicenceLedger.Holding
    static let now = CivilTime.parse("2026-06-01")!.unixSeconds
    static let wifi = LicenceProduct(name: "light", devicePool: .nonBluetooth)
    static let ble = LicenceProduct(name: "tag", devicePool: .bluetooth)

    func ledger(_ lots: [LicencePool: [LicenceLot]], uses: [H] = [], policy: ReleasePolicy = .ifInactive) -> LicenceLedger {
        LicenceLedger(pools: LicencePools(lots: lots), policy: policy, uses: uses, now: Self.now)
    }

    func create(_ l: inout LicenceLedger, _ p: LicenceProduct, _ q: Int) -> Result<LicenceLedger.Allocation, LicenceLedger.Shortage> {
        l.create(.init(product: p, quantity: q))
    }

    // Case 35: nonBluetooth 10 used 8, freeTest 0.
    func testExhaustionReportsNeedAndPendingInTheSeedsWords() throws {
        var l = ledger([.nonBluetooth: [LicenceLot(count: 10)], .freeTest: [LicenceLot(count: 0)]], uses: [H(pool: .nonBluetooth, lot: 0, count: 8)])
        guard case let .failure(s) = create(&l, Self.wifi, 3) else { return XCTFail("3 devices fit into 2 codes") }
        XCTAssertEqual(s.code, LicenceCode.deviceLimit)
        XCTAssertEqual(s.message, "normal device license limit (need 3, pending 2 in device.nonBluetooth + device.freeTest)")
        XCTAssertEqual(l.pending(.nonBluetooth), 2, "a failed creation takes nothing")
        XCTAssertEqual(try create(&l, Self.wifi, 2).get().slots, [[H(pool: .nonBluetooth, lot: 0, count: 2)]])
        guard case .failure = create(&l, Self.wifi, 1) else { return XCTFail("the pools are empty") }
        XCTAssertEqual(l.registrable, 10)
        XCTAssertEqual(l.remaining, 0)
    }

    // Case 36: the kind's pool first, then free-test codes.
    func testTheKindsPoolIsDrawnBeforeFreeTestCodes() throws {
        var l = ledger([.nonBluetooth: [LicenceLot(count: 1)], .freeTest: [LicenceLot(count: 5)], .bluetooth: [LicenceLot(count: 0)]])
        XCTAssertEqual(try create(&l, Self.wifi, 3).get().slots, [[H(pool: .nonBluetooth, lot: 0, count: 1), H(pool: .freeTest, lot: 0, count: 2)]])
        XCTAssertEqual(try create(&l, Self.ble, 3).get().slots, [[H(pool: .freeTest, lot: 0, count: 3)]])
        guard case let .failure(s) = create(&l, Self.ble, 1) else { return XCTFail("no code left") }
        XCTAssertEqual(s.message, "normal device license limit (need 1, pending 0 in device.bluetooth + device.freeTest)")
    }

    func testWithinAPoolTheLotExpiringFirstIsDrawnFirstAndExpiredLotsDoNotCount() throws {
        let lots = [LicenceLot(count: 5), LicenceLot(count: 2, expiresAt: "2027-01-01"), LicenceLot(count: 4, expiresAt: "2026-05-31"),
                    LicenceLot(count: 3, expiresAt: "2026-12-01T00:00:00+08:00")]
        var l = ledger([.nonBluetooth: lots])
        XCTAssertEqual(l.totalValid(.nonBluetooth), 10, "the lot that expired on 2026-05-31 drops out")
        XCTAssertEqual(l.pending(.nonBluetooth, lot: 2), 0)
        XCTAssertEqual(try create(&l, Self.wifi, 6).get().slots,
                       [[H(pool: .nonBluetooth, lot: 3, count: 3), H(pool: .nonBluetooth, lot: 1, count: 2), H(pool: .nonBluetooth, lot: 0, count: 1)]])
        guard case let .failure(s) = create(&l, Self.wifi, 5) else { return XCTFail("4 codes are left") }
        XCTAssertEqual(s.pending, 4)
        // The same lots one day after the first lot's expiry instant: it no longer counts either.
        let later = LicenceLedger(pools: LicencePools(lots: [.nonBluetooth: lots]), uses: [], now: CivilTime.parse("2026-12-02")!.unixSeconds)
        XCTAssertEqual(later.totalValid(.nonBluetooth), 7)
    }

    // Case 37: an AV product takes a device code and an AV code of its bitrate.
    func testAVProductsTakeACodeOfTheirBitrateFromTheLotExpiringFirst() throws {
        let one = AVBitrate(text: "1")!
        let cam = LicenceProduct(name: "cam", devicePool: .nonBluetooth, avBitrate: one)
        var l = ledger([.nonBluetooth: [LicenceLot(count: 100)],
                        .av: [LicenceLot(count: 10, bitrate: one, years: 5, purchasedAt: "2024-01-01"),
                              LicenceLot(count: 50, bitrate: AVBitrate(text: "2")!)]],
                       uses: [H(pool: .av, lot: 0, count: 2)])
        XCTAssertEqual("\(l.pending(.av, bitrate: one)) / \(l.totalValid(.av, bitrate: one))", "8 / 10")
        guard case let .failure(s) = create(&l, cam, 9) else { return XCTFail("9 AV codes from 8") }
        XCTAssertEqual(s.code, LicenceCode.videoLimit)
        XCTAssertEqual(s.message, "video device license limit (need 9, pending 8 in av 1 Mbps)")
        XCTAssertEqual(l.pending(.nonBluetooth), 100, "all codes of a device together or none")
        XCTAssertEqual(try create(&l, cam, 8).get().slots, [[H(pool: .nonBluetooth, lot: 0, count: 8)], [H(pool: .av, lot: 0, count: 8)]])
        XCTAssertEqual("\(l.pending(.av, bitrate: one)) / \(l.totalValid(.av, bitrate: one))", "0 / 10")
        XCTAssertEqual([l.pools[.av][0].count, l.used(.av, lot: 0), l.pending(.av, lot: 0)], [10, 10, 0])
        // The 5-year term ends on 2029-01-01: after it the lot is no longer valid.
        let after = LicenceLedger(pools: l.pools, uses: [], now: CivilTime.parse("2029-01-02")!.unixSeconds)
        XCTAssertEqual(after.totalValid(.av, bitrate: one), 0)
    }

    func testPoolsAreCheckedDeviceThenAVThenValueAddedAndTheFirstShortOneIsReported() {
        let p = LicenceProduct(name: "speaker", devicePool: .nonBluetooth, avBitrate: .default, valueAdded: ["qqMusic"])
        var l = ledger([.nonBluetooth: [LicenceLot(count: 1)], .av: [], .valueAdded("qqMusic"): []])
        guard case let .failure(a) = create(&l, p, 2) else { return XCTFail() }
        XCTAssertEqual(a.code, LicenceCode.deviceLimit)
        guard case let .failure(b) = create(&l, p, 1) else { return XCTFail() }
        XCTAssertEqual(b.code, LicenceCode.videoLimit)
        var m = ledger([.nonBluetooth: [LicenceLot(count: 5)], .av: [LicenceLot(count: 5, bitrate: .default)], .valueAdded("qqMusic"): [LicenceLot(count: 1)]])
        guard case let .failure(c) = create(&m, p, 2) else { return XCTFail() }
        XCTAssertEqual(c.code, LicenceCode.valueAddedLimit)
        XCTAssertEqual(c.message, "LicenceExhausted: value-added license limit (need 2, pending 1 in valueAdded.qqMusic)")
    }

    // Case 38: release policies; value-added codes never come back.
    func testDeletionReleasesPerPolicyAndNeverReleasesValueAddedCodes() {
        let held = [H(pool: .nonBluetooth, lot: 0, count: 2), H(pool: .av, lot: 0, count: 2), H(pool: .valueAdded("qqMusic"), lot: 0, count: 2)]
        let lots: [LicencePool: [LicenceLot]] = [.nonBluetooth: [LicenceLot(count: 10)], .av: [LicenceLot(count: 10, bitrate: .default)],
                                                 .valueAdded("qqMusic"): [LicenceLot(count: 10)]]
        for (policy, activated, back) in [(ReleasePolicy.ifInactive, false, true), (.ifInactive, true, false), (.never, false, false), (.always, true, true)] {
            var l = ledger(lots, uses: held, policy: policy)
            let r = l.delete(.init(holdings: held, devices: 2, activated: activated))
            XCTAssertEqual(r.consumed.contains(held[2]), true, "\(policy): value-added codes are consumed")
            XCTAssertEqual(l.pending(.nonBluetooth), back ? 10 : 8, "\(policy), activated \(activated)")
            XCTAssertEqual(l.pending(.av), back ? 10 : 8)
            XCTAssertEqual(l.pending(.valueAdded("qqMusic")), 8)
            XCTAssertEqual(r.released.count, back ? 2 : 0)
        }
    }

    // Case 39: E-LIC-04 and E-LIC-07.
    func testLotsBelowTheirUseAndTheEnterpriseLimit() {
        let l = ledger([.nonBluetooth: [LicenceLot(count: 5)]], uses: [H(pool: .nonBluetooth, lot: 0, count: 8), H(pool: .freeTest, lot: 1, count: 1)])
        let below = l.lotsBelowUse().map { "\($0.pool)[\($0.lot)] \($0.declared.map(String.init) ?? "removed") < \($0.used)" }
        XCTAssertEqual(below, ["device.freeTest[1] removed < 1", "device.nonBluetooth[0] 5 < 8"])

        var e = LicenceLedger(registeredLimit: 5000, registered: 5000)
        guard case let .failure(s) = e.create(.init(product: Self.wifi, quantity: 1)) else { return XCTFail("5001 of 5000") }
        XCTAssertEqual(s.code, LicenceCode.registeredLimit)
        XCTAssertEqual(s.message, "instance registered device limit (need 1, remaining 0 of the registered-device limit of 5000)")
        e.delete(.init(holdings: [], devices: 1, activated: false))
        XCTAssertNoThrow(try e.create(.init(product: Self.wifi, quantity: 1)).get())
        XCTAssertEqual(e.registered, 5000)
    }

    // Case 40: 1% of the valid device codes, at least 1; AV and value-added codes do not count.
    func testTheMessageBudgetIsOnePercentOfTheValidDeviceCodes() {
        let l = ledger([.nonBluetooth: [LicenceLot(count: 7185)], .bluetooth: [LicenceLot(count: 25)], .av: [LicenceLot(count: 1000, bitrate: .default)]])
        XCTAssertEqual(l.registrable, 7210)
        XCTAssertEqual(l.messageBudget, 72)
        XCTAssertEqual(ledger([.freeTest: [LicenceLot(count: 10)]]).messageBudget, 1)
        XCTAssertEqual(ledger([:]).messageBudget, 1)
        XCTAssertEqual(ledger([.nonBluetooth: [LicenceLot(count: 7210, expiresAt: "2026-01-01")]]).messageBudget, 1, "expired codes do not count")
    }

    func testAProductsCodesFollowItsCommunicationAndFeatures() {
        let spec = JSON.object([.init("communication", .string("ble")), .init("avBitrateMbps", .number("1.5")),
                                .init("advancedFeatures", .array(["iotVideo", "qqMusic", "trtc", "aiVideoAnalysis"].map(JSON.string)))])
        let p = LicenceProduct(name: "x", spec: spec)
        XCTAssertEqual(p.pools.map(\.key), ["device.bluetooth", "av", "valueAdded.qqMusic", "valueAdded.trtc"])
        XCTAssertEqual(p.avBitrate?.text, "1.5")
        XCTAssertNil(LicenceProduct(name: "y", spec: .object([.init("communication", .string("wifi"))])).avBitrate)
        XCTAssertEqual(AVBitrate(text: "1.0"), AVBitrate(text: "1"))
        XCTAssertNil(AVBitrate(text: "3"))
        XCTAssertNil(AVBitrate(text: "0.75"))
    }

    func testDatesAreReadAsUnixSeconds() {
        XCTAssertEqual(CivilTime.parse("1970-01-01T00:00:00Z")?.unixSeconds, 0)
        XCTAssertEqual(CivilTime.parse("1970-01-02")?.unixSeconds, 86_400 - 8 * 3600, "a date is midnight in UTC+08:00")
        XCTAssertEqual(CivilTime.parse("2024-02-29T12:00:00-01:30")?.unixSeconds, 1_709_208_000 + 5400)
        XCTAssertEqual(CivilTime.parse("2024-02-29")?.adding(years: 1), CivilTime.parse("2025-02-28"))
        XCTAssertNil(CivilTime.parse("2025-02-29"))
        XCTAssertNil(CivilTime.parse("31/12/2026"))
    }
}
