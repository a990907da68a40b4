import Foundation

/// Great-circle distances on a sphere of radius `GreatCircle.earthRadiusMeters` (spec/05 §6.5).
public enum GreatCircle {
    /// The mean Earth radius the spec fixes for every distance: 6,371,008.8 m.
    public static let earthRadiusMeters = 6_371_008.8

    static let radiansPerDegree = Double.pi / 180
    /// Metres per degree of latitude (and of longitude at the equator).
    static let metersPerDegree = earthRadiusMeters * radiansPerDegree

    /// Haversine distance in metres between two coordinates.
    public static func distance(_ a: Coordinate, _ b: Coordinate) -> Double {
        let phi1 = a.latitude * radiansPerDegree
        let phi2 = b.latitude * radiansPerDegree
        let dPhi = phi2 - phi1
        let dLambda = (b.longitude - a.longitude) * radiansPerDegree
        let s1 = sin(dPhi / 2)
        let s2 = sin(dLambda / 2)
        let h = s1 * s1 + cos(phi1) * cos(phi2) * s2 * s2
        return 2 * earthRadiusMeters * asin(min(1, h.squareRoot()))
    }
}
