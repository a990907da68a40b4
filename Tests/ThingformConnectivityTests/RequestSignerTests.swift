import XCTest
@testable import ThingformConnectivity

/// spec/06 §8.7 and Appendix A: SIG-1 (seed L10495-10503), SIG-2 (part D, proves the case-sensitive
/// byte sort), SIG-3/SIG-4 (derived from the seed's two spellings of one nonce).
final class RequestSignerTests: XCTestCase {
    func testTheSeedAndDerivedSignatureVectors() {
        XCTAssertEqual(RequestSigner.signature(token: "example", nonce: "pWttcBmqRpOfdlph", timestamp: "1714285922"),
                       "5d5a0ac2dd41f5b5e553f95e0f657247281aea0b")
        XCTAssertEqual(RequestSigner.signature(token: "aaa", nonce: "IkOaKMDalrAzUTxC", timestamp: "1604458421"),
                       "c259ed29ec13ba7c649fe0893007401a36e70453")
        XCTAssertEqual(RequestSigner.signature(token: "example", nonce: "vLeD3GvsUx5O1kLP", timestamp: "1712744577"),
                       "3433c43f9155f65253204d83151962f963ad0129")
        XCTAssertEqual(RequestSigner.signature(token: "example", nonce: "vLeD3GvsUx501kLP", timestamp: "1712744577"),
                       "e372822c2bd0dce09c76937538aa732c984354fb")
    }

    func testTheSeedsUnreproducibleExampleIsNotWhatWeProduce() {
        // spec/06 §14.1: 2194e42c… matches neither spelling of its nonce.
        for nonce in ["vLeD3GvsUx5O1kLP", "vLeD3GvsUx501kLP"] {
            XCTAssertNotEqual(RequestSigner.signature(token: "example", nonce: nonce, timestamp: "1712744577"),
                              "2194e42c5e15e34ef9463de4c3f27619edf748d7")
        }
    }

    func testRandomTokensAreSixteenAlphanumerics() {
        var g = SystemRandomNumberGenerator()
        let tokens = (0..<50).map { _ in RequestSigner.randomToken(using: &g) }
        for t in tokens {
            XCTAssertEqual(t.count, 16)
            XCTAssertTrue(t.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) }, t)
        }
        XCTAssertEqual(Set(tokens).count, tokens.count)
    }
}
