import ThingformFixtures
import XCTest
final class TmpWriteFixture: XCTestCase {
    func testWrite() throws { try DeploymentFixture.write(to: "/tmp/lic-deploy") }
}
