/// Everything the manifests declare, validated as a whole: the planner's input.
public struct DesiredState: Sendable {
    /// In reference order (kind rank), then by name.
    public var resources: [Resource]
    public var byAddress: [Address: Resource]

    public init(resources: [Resource]) {
        self.resources = resources.sorted { $0.address < $1.address }
        var map: [Address: Resource] = [:]
        map.reserveCapacity(resources.count)
        for r in resources { map[r.address] = r }
        byAddress = map
    }

    public subscript(address: Address) -> Resource? { byAddress[address] }
}
