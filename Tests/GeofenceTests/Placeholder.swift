import XCTest
@testable import Geofence
final class GeofencePlaceholderTests: XCTestCase { func testNothingYet() {} }
