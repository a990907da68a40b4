import Geofence
import ThingformModel
import XCTest
@testable import ThingformRuntime

/// Which position an accepted report carries (spec/05 §3.3, Appendix A).
final class LocationExtractorTests: XCTestCase {
    func extract(_ params: String, resolver: LocationResolver = NoLocationService()) -> ExtractedPosition? {
        LocationExtractor.extract(JSON.parse(params)?.fields ?? [], resolver: resolver)
    }

    /// A1: one gps point at (112.59014, 22.28014).
    func testGPSInfoIsOneGPSPoint() {
        let p = extract(#"{"GPS_Info":{"longitude":112.59014,"latitude":22.28014}}"#)
        XCTAssertEqual(p?.kind, .gps)
        XCTAssertEqual(p?.position, Coordinate(longitude: 112.59014, latitude: 22.28014))
        XCTAssertNil(p?.accuracyMeters)
        XCTAssertEqual(p?.usable, true)
    }

    /// A2 and the order of §3.3: GPS_ExtInfo before GPS_Info, its members kept as detail.
    func testExtendedInfoComesFirstWithItsMembersAsDetail() {
        let p = extract(#"{"GPS_Info":{"longitude":1,"latitude":1},"GPS_ExtInfo":{"longitude":112.59014,"latitude":22.28014,"altitude":200,"gps_speed":80,"direction":30}}"#)
        XCTAssertEqual(p?.kind, .gpsExt)
        XCTAssertEqual(p?.position, Coordinate(longitude: 112.59014, latitude: 22.28014))
        XCTAssertEqual(p?.detail, #"{"longitude":112.59014,"latitude":22.28014,"altitude":200,"gps_speed":80,"direction":30}"#)
    }

    /// §2.7: location_state 0 yields to GPS_Info; alone it is an unusable position.
    func testAnInvalidExtendedFixYieldsToGPSInfoOrIsKeptUnusable() {
        let both = extract(#"{"GPS_ExtInfo":{"longitude":5,"latitude":5,"location_state":0},"GPS_Info":{"longitude":1,"latitude":2}}"#)
        XCTAssertEqual(both?.kind, .gps)
        XCTAssertEqual(both?.position, Coordinate(longitude: 1, latitude: 2))
        let alone = extract(#"{"GPS_ExtInfo":{"longitude":5,"latitude":5,"location_state":0}}"#)
        XCTAssertEqual(alone?.kind, .gpsExt)
        XCTAssertEqual(alone?.usable, false)
        XCTAssertEqual(extract(#"{"GPS_ExtInfo":{"longitude":5,"latitude":5,"location_state":1}}"#)?.usable, true)
    }

    func testReportsWithoutPositioningPropertiesOrCoordinatesCarryNone() {
        XCTAssertNil(extract(#"{"brightness":50}"#))
        XCTAssertNil(extract(#"{"GPS_Info":{"longitude":112.59014}}"#))
        XCTAssertNil(extract(#"{"GPS_Info":{"longitude":181,"latitude":0}}"#))
    }

    /// A6: Cell_Info with the seed's `networkType` spelling: without a resolver no point.
    func testCellInfoWithoutAResolverIsUnresolved() {
        let p = extract(#"{"Cell_Info":{"rss":-85,"networkType":1,"mcc":460,"mnc":13824,"lac":3,"cid":33}}"#)
        XCTAssertEqual(p?.kind, .cell)
        XCTAssertNil(p?.position)
        XCTAssertEqual(p?.usable, false)
    }

    /// A8: with a table mapping 78a106a5b166, one wifi point with that accuracy; the legacy
    /// LBS_BS string reads as a cell.
    func testWifiAndLegacyCellReportsResolveThroughATable() {
        let table = LocationTable(
            accessPoints: ["608F5C66B3F7": ResolvedPosition(position: Coordinate(longitude: 3, latitude: 4), accuracyMeters: 40),
                           "78-a1-06-a5-b1-66": ResolvedPosition(position: Coordinate(longitude: 1, latitude: 2), accuracyMeters: 30)],
            cells: [CellKey(mcc: 460, mnc: 13824, lac: 3, cid: 33): ResolvedPosition(position: Coordinate(longitude: 5, latitude: 6), accuracyMeters: 500)])
        let wifi = extract(#"{"Wifi_Info":[{"Mac":"78a106a5b166","Rssi":-81},{"Mac":"608f5c66b3f7","Rssi":-82},{"Mac":"282cb293a5d6","Rssi":-83}]}"#, resolver: table)
        XCTAssertEqual(wifi?.kind, .wifi)
        XCTAssertEqual(wifi?.position, Coordinate(longitude: 1, latitude: 2), "the first reported access point the table knows")
        XCTAssertEqual(wifi?.accuracyMeters, 30)
        let legacy = extract(#"{"LBS_BS":"mcc:460;mnc:13824;lac:3;cid:33;rss:-85;networktype:1"}"#, resolver: table)
        XCTAssertEqual(legacy?.kind, .cell)
        XCTAssertEqual(legacy?.position, Coordinate(longitude: 5, latitude: 6))
        XCTAssertEqual(legacy?.accuracyMeters, 500)
        // Wi-Fi before cell; GPS before both.
        XCTAssertEqual(extract(#"{"Cell_Info":{"mcc":460,"mnc":13824,"lac":3,"cid":33},"Wifi_Info":[{"Mac":"608f5c66b3f7","Rssi":-1}]}"#, resolver: table)?.kind, .wifi)
        XCTAssertEqual(extract(#"{"GPS_Info":{"longitude":9,"latitude":9},"Wifi_Info":[{"Mac":"608f5c66b3f7","Rssi":-1}]}"#, resolver: table)?.kind, .gps)
    }

    func testMACAddressesNormaliseToTwelveLowerCaseDigits() {
        XCTAssertEqual(LocationExtractor.normalisedMAC("78:A1:06:A5:B1:66"), "78a106a5b166")
        XCTAssertEqual(LocationExtractor.normalisedMAC("78-a1-06-a5-b1-66"), "78a106a5b166")
        XCTAssertNil(LocationExtractor.normalisedMAC("78a106a5b16"))
        XCTAssertNil(LocationExtractor.normalisedMAC("78a106a5b16g"))
    }
}
