/// Everything the manifests declare, validated as a whole: the planner's input.
public struct DesiredState: Sendable {
    /// In reference order (kind rank), then by name.
    public var resources: [Resource]
    public var byAddress: [Address: Resource]

    public init(resources: [Resource]) {
        // Sort indices, not the (large) resources themselves.
        let order = resources.indices.sorted { resources[$0].address < resources[$1].address }
        self.resources = order.map { resources[$0] }
        var map: [Address: Resource] = [:]
        map.reserveCapacity(resources.count)
        for r in resources { map[r.address] = r }
        byAddress = map
    }

    public subscript(address: Address) -> Resource? { byAddress[address] }
}
