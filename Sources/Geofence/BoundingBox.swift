/// A longitude/latitude box in degrees, never crossing the antimeridian: a shape that does cross
/// it is described by two boxes (see `PreparedShape.boxes`).
public struct BoundingBox: Hashable, Sendable {
    public var minLongitude: Double
    public var minLatitude: Double
    public var maxLongitude: Double
    public var maxLatitude: Double

    public init(minLongitude: Double, minLatitude: Double, maxLongitude: Double, maxLatitude: Double) {
        self.minLongitude = minLongitude
        self.minLatitude = minLatitude
        self.maxLongitude = maxLongitude
        self.maxLatitude = maxLatitude
    }

    @inline(__always)
    func contains(_ lon: Double, _ lat: Double) -> Bool {
        lon >= minLongitude && lon <= maxLongitude && lat >= minLatitude && lat <= maxLatitude
    }

    /// Splits a box whose longitudes may run past ±180 into boxes within [-180, 180].
    static func split(minLon: Double, minLat: Double, maxLon: Double, maxLat: Double) -> [BoundingBox] {
        if maxLon - minLon >= 360 {
            return [BoundingBox(minLongitude: -180, minLatitude: minLat, maxLongitude: 180, maxLatitude: maxLat)]
        }
        var boxes: [BoundingBox] = []
        var lo = minLon, hi = maxLon
        while lo < -180 { lo += 360; hi += 360 }
        while lo >= 180 { lo -= 360; hi -= 360 }
        boxes.append(BoundingBox(minLongitude: lo, minLatitude: minLat, maxLongitude: min(hi, 180), maxLatitude: maxLat))
        if hi > 180 {
            boxes.append(BoundingBox(minLongitude: -180, minLatitude: minLat, maxLongitude: hi - 360, maxLatitude: maxLat))
        }
        return boxes
    }
}
