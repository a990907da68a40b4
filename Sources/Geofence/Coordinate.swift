/// A position on the WGS-84 sphere in decimal degrees, longitude first as in GeoJSON (spec/05 §1.2).
///
/// No datum transformation is ever applied: manifest fences and device fixes share one datum.
/// A coordinate is *valid* when both values are finite, `longitude` ∈ [-180, 180] and
/// `latitude` ∈ [-90, 90]; invalid coordinates are never inside any shape.
public struct Coordinate: Hashable, Sendable, CustomStringConvertible {
    public var longitude: Double
    public var latitude: Double

    public init(longitude: Double, latitude: Double) {
        self.longitude = longitude
        self.latitude = latitude
    }

    /// Finite and within the ranges of spec/05 §1.2.
    public var isValid: Bool {
        longitude.isFinite && latitude.isFinite
            && longitude >= -180 && longitude <= 180 && latitude >= -90 && latitude <= 90
    }

    public var description: String { "(\(longitude), \(latitude))" }
}
