/// A spatial index over many fences, so a fix costs work in proportion to the fences near it,
/// not to all fences.
///
/// Each fence is prepared once (unwrapped ring, bounding box or two for the antimeridian) and its
/// boxes are entered into a uniform longitude/latitude grid over the area the fences cover. The
/// cell size follows the fences' mean size, so a typical fence sits in one to four cells; fences
/// spanning more than `largeFenceCells` cells are kept on a short list checked by box for every
/// fix. A query visits one cell, rejects by box, then runs the exact test of spec/05 §6.5.
/// Immutable after construction and safe to share between threads.
public struct FenceIndex: Sendable {
    // Per fence slot (slots are in ascending id order).
    let ids: [FenceID]
    let kinds: [UInt8]            // 0 polygon, 1 circle, 2 unusable
    let vertexStart: [Int]
    let xs: [Double], ys: [Double] // all polygon vertices, unwrapped, concatenated
    let extent: [Extent]
    /// Flat copies for the query loop (no array inside an element, so no reference counting).
    let ranges: [Range4]
    let firstBox: [BoundingBox]
    let secondBox: [BoundingBox?]
    let circles: [Circle]
    // Grid (compressed rows: entries of cell c are cellEntries[cellStart[c]..<cellStart[c+1]]).
    let gridX0: Double, gridY0: Double, inverseCell: Double
    let nx: Int, ny: Int
    let cellStart: [Int32]
    let cellEntries: [Int32]
    let largeFences: [Int32]
    /// Fences covering more cells than this are checked by box on every query instead.
    public static let largeFenceCells = 256

    struct Extent: Sendable { var minX, maxX, minY, maxY: Double; var boxes: [BoundingBox] }
    struct Range4: Sendable { var minX, maxX: Double }
    struct Circle: Sendable { var center: Coordinate; var radius: Double }

    public var count: Int { ids.count }

    public init(fences: [FenceID: Shape]) {
        self.init(fences: fences.map { (id: $0.key, shape: $0.value) })
    }

    /// Ids should be unique; a repeated id is reported once per fence carrying it.
    public init(fences: [(id: FenceID, shape: Shape)]) {
        let sorted = fences.sorted { $0.id < $1.id }
        var ids: [FenceID] = [], kinds: [UInt8] = [], vertexStart: [Int] = [0]
        var xs: [Double] = [], ys: [Double] = [], extent: [Extent] = [], circles: [Circle] = []
        for f in sorted {
            let p = PreparedShape(f.shape)
            ids.append(f.id)
            var circle = Circle(center: Coordinate(longitude: 0, latitude: 0), radius: -1)
            switch p.kind {
            case let .polygon(px, py): kinds.append(0); xs += px; ys += py
            case let .circle(center, radius): kinds.append(1); circle = Circle(center: center, radius: radius)
            case .empty: kinds.append(2)
            }
            circles.append(circle)
            vertexStart.append(xs.count)
            extent.append(Extent(minX: p.minX, maxX: p.maxX, minY: p.minY, maxY: p.maxY, boxes: p.boxes))
        }
        self.ids = ids; self.kinds = kinds; self.vertexStart = vertexStart
        self.xs = xs; self.ys = ys; self.extent = extent; self.circles = circles
        ranges = extent.map { Range4(minX: $0.minX, maxX: $0.maxX) }
        let nowhere = BoundingBox(minLongitude: .infinity, minLatitude: .infinity, maxLongitude: -.infinity, maxLatitude: -.infinity)
        firstBox = extent.map { $0.boxes.first ?? nowhere }
        secondBox = extent.map { $0.boxes.count > 1 ? $0.boxes[1] : nil }

        // Grid over the union of all boxes.
        var x0 = Double.infinity, x1 = -Double.infinity, y0 = Double.infinity, y1 = -Double.infinity
        var sizeSum = 0.0, boxCount = 0
        for e in extent { for b in e.boxes {
            x0 = min(x0, b.minLongitude); x1 = max(x1, b.maxLongitude)
            y0 = min(y0, b.minLatitude); y1 = max(y1, b.maxLatitude)
            sizeSum += max(b.maxLongitude - b.minLongitude, b.maxLatitude - b.minLatitude)
            boxCount += 1
        } }
        guard boxCount > 0, x0.isFinite, x1.isFinite, y0.isFinite, y1.isFinite else {
            gridX0 = 0; gridY0 = 0; inverseCell = 1; nx = 0; ny = 0
            cellStart = [0]; cellEntries = []; largeFences = []
            return
        }
        let width = max(x1 - x0, 1e-9), height = max(y1 - y0, 1e-9)
        let maxCells = Double(min(max(4 * boxCount, 1024), 1 << 22))
        var cell = max(sizeSum / Double(boxCount), (width * height / maxCells).squareRoot(), 1e-9)
        while (width / cell).rounded(.up) * (height / cell).rounded(.up) > maxCells * 2 { cell *= 1.5 }
        let nx = Int((width / cell).rounded(.up)) + 1, ny = Int((height / cell).rounded(.up)) + 1
        let inverse = 1 / cell
        gridX0 = x0; gridY0 = y0; inverseCell = inverse; self.nx = nx; self.ny = ny

        func cellRange(_ b: BoundingBox) -> (Int, Int, Int, Int) {
            let cx0 = max(0, min(nx - 1, Int((b.minLongitude - x0) * inverse)))
            let cx1 = max(0, min(nx - 1, Int((b.maxLongitude - x0) * inverse)))
            let cy0 = max(0, min(ny - 1, Int((b.minLatitude - y0) * inverse)))
            let cy1 = max(0, min(ny - 1, Int((b.maxLatitude - y0) * inverse)))
            return (cx0, cx1, cy0, cy1)
        }
        var large: [Int32] = []
        var isLarge = [Bool](repeating: false, count: ids.count)
        for (slot, e) in extent.enumerated() {
            var cells = 0
            for b in e.boxes { let r = cellRange(b); cells += (r.1 - r.0 + 1) * (r.3 - r.2 + 1) }
            if cells > FenceIndex.largeFenceCells { isLarge[slot] = true; large.append(Int32(slot)) }
        }
        // Two passes: count, then fill; a fence whose two boxes share a cell is entered once.
        var counts = [Int32](repeating: 0, count: nx * ny + 1)
        var last = [Int32](repeating: -1, count: nx * ny)
        func visit(_ body: (Int, Int32) -> Void) {
            for (slot, e) in extent.enumerated() where !isLarge[slot] {
                for b in e.boxes {
                    let (cx0, cx1, cy0, cy1) = cellRange(b)
                    for cy in cy0...cy1 { for cx in cx0...cx1 { body(cy * nx + cx, Int32(slot)) } }
                }
            }
        }
        visit { c, slot in if last[c] != slot { last[c] = slot; counts[c + 1] += 1 } }
        for c in 0..<(nx * ny) { counts[c + 1] += counts[c] }
        var entries = [Int32](repeating: 0, count: Int(counts[nx * ny]))
        var fill = Array(counts.dropLast())
        for c in last.indices { last[c] = -1 }
        visit { c, slot in
            if last[c] != slot { last[c] = slot; entries[Int(fill[c])] = slot; fill[c] += 1 }
        }
        cellStart = counts; cellEntries = entries; largeFences = large
    }

    /// The ids of every fence containing the point (boundary inside), ascending.
    public func fences(containing point: Coordinate) -> [FenceID] {
        var out: [FenceID] = []
        forEachFence(containing: point) { out.append($0) }
        if !largeFences.isEmpty && out.count > 1 { out.sort() }
        return out
    }

    /// Calls `body` with the id of every fence containing the point, without allocating.
    /// Ids come in ascending order within the grid and then from the large-fence list.
    @inlinable
    public func forEachFence(containing point: Coordinate, _ body: (FenceID) -> Void) {
        _forEach(point, body)
    }

    @usableFromInline
    func _forEach(_ point: Coordinate, _ body: (FenceID) -> Void) {
        guard point.isValid, nx > 0 else { return }
        let lon = point.longitude, lat = point.latitude
        let fx = (lon - gridX0) * inverseCell, fy = (lat - gridY0) * inverseCell
        if fx >= 0, fy >= 0, fx < Double(nx), fy < Double(ny) {
            let c = Int(fy) * nx + Int(fx)
            var k = Int(cellStart[c])
            let end = Int(cellStart[c + 1])
            while k < end {
                let slot = Int(cellEntries[k])
                if test(slot, point) { body(ids[slot]) }
                k += 1
            }
        }
        for slot in largeFences where test(Int(slot), point) { body(ids[Int(slot)]) }
    }

    @inline(__always)
    func test(_ slot: Int, _ p: Coordinate) -> Bool {
        guard firstBox[slot].contains(p.longitude, p.latitude)
            || secondBox[slot]?.contains(p.longitude, p.latitude) == true else { return false }
        switch kinds[slot] {
        case 0:
            let e = ranges[slot]
            let start = vertexStart[slot], n = vertexStart[slot + 1] - start
            return xs.withUnsafeBufferPointer { xb in
                ys.withUnsafeBufferPointer { yb in
                    PreparedShape.shiftedRingContains(xb.baseAddress! + start, yb.baseAddress! + start, n,
                                                      minX: e.minX, maxX: e.maxX, p.longitude, p.latitude)
                }
            }
        case 1:
            let c = circles[slot]
            return GreatCircle.distance(c.center, p) <= c.radius
        default:
            return false
        }
    }
}
