import ThingformModel

/// One broken manifest reports its own errors, not their echoes: a resource that failed to decode
/// is missing from the desired state, so every reference to it would also be "refers to
/// Product/x, which no manifest declares" (E-MAN-06, E-TM-19, ...). Those follow-on errors are dropped; a
/// reference to a resource no document declares at all is still reported.
enum FollowOnErrors {
    static func dropped(_ validation: Diagnostics, decoded: [Resource], decodeDiagnostics: Diagnostics) -> Diagnostics {
        let present = Set(decoded.map(\.address.description))
        // Addresses whose document had errors while decoding and gave no resource.
        let failed = Set(decodeDiagnostics.items.compactMap { d in
            d.severity == .error ? d.address.flatMap { present.contains($0) ? nil : $0 } : nil
        })
        guard !failed.isEmpty else { return validation }
        var out = Diagnostics()
        for d in validation.items {
            // Every kind words a missing reference alike, whatever its code (E-MAN-06, E-TM-19, ...).
            if d.severity == .error, failed.contains(where: { d.message.contains("\($0), which no manifest declares") }) { continue }
            out.append(d)
        }
        return out
    }
}
