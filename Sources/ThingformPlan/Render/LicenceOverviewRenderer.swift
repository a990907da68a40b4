import ThingformModel

/// `thingform licences` output: a text page like the console's Activation Code Overview, or JSON.
extension LicenceOverview {
    public var text: String {
        var out = ""
        func line(_ s: String) { out += s + "\n" }
        func counts(_ rows: [Count]) {
            let w = rows.map(\.name.count).max() ?? 0
            for r in rows { line("    " + r.name.padded(w) + "  \(r.pending) / \(r.totalValid)") }
        }
        if instances.isEmpty { line("No instances in the state.") }
        for i in instances {
            line("Instance/\(i.name) (\(i.isPublic ? "public" : "enterprise"))")
            if let limit = i.limit {
                line("  registered devices \(i.registered) / \(limit), remaining \(i.remaining)")
                continue
            }
            line("  device activation codes (pending / total valid)")
            counts(i.devicePools)
            line("  audio/video activation codes (pending / total valid)")
            counts(i.avCards)
            if !i.avLots.isEmpty {
                line("  audio/video code details")
                line("    bitrate   years  total  used  pending")
                for a in i.avLots {
                    let cells = [a.bitrate.description.padded(8),
                                 (a.years.map { "\($0)" } ?? "-").padded(5),
                                 "\(a.total)".padded(5),
                                 "\(a.used)".padded(4), "\(a.pending)"]
                    line("    " + cells.joined(separator: "  ") + (a.valid ? "" : "  (expired)"))
                }
            }
            if !i.valueAdded.isEmpty {
                line("  value-added activation codes (pending / total valid)")
                counts(i.valueAdded)
            }
            line("  registrable devices \(i.registrable ?? 0), registered \(i.registered), remaining \(i.remaining)")
            line("  message budget \(i.messageBudget ?? 1) messages/s (1% of \(i.registrable ?? 0) valid device codes, at least 1)")
        }
        return out
    }

    public var json: JSON {
        func count(_ c: Count) -> JSON { .object([.init("pending", .int(c.pending)), .init("totalValid", .int(c.totalValid))]) }
        func named(_ rows: [Count], dropping prefix: String) -> JSON {
            .object(rows.map { JSON.Field(String($0.name.dropFirst(prefix.count)), count($0)) })
        }
        return .object([.init("instances", .array(instances.map { i in
            var f: [JSON.Field] = [.init("name", .string(i.name)), .init("type", .string(i.isPublic ? "public" : "enterprise"))]
            if let limit = i.limit {
                f += [.init("registered", .int(i.registered)), .init("limit", .int(limit)), .init("remaining", .int(i.remaining))]
                return .object(f)
            }
            f.append(.init("device", named(i.devicePools, dropping: "device.")))
            f.append(.init("av", .object([
                .init("cards", .array(zip(AVBitrate.all, i.avCards).map { b, c in
                    .object([.init("bitrateMbps", .number(b.text)), .init("pending", .int(c.pending)), .init("totalValid", .int(c.totalValid))])
                })),
                .init("lots", .array(i.avLots.map { a in
                    .object([.init("lot", .int(a.lot)), .init("bitrateMbps", .number(a.bitrate.text)), .init("years", a.years.map(JSON.int) ?? .null),
                             .init("purchasedAt", a.purchasedAt.map(JSON.string) ?? .null), .init("total", .int(a.total)),
                             .init("used", .int(a.used)), .init("pending", .int(a.pending)), .init("valid", .bool(a.valid))])
                })),
            ])))
            f.append(.init("valueAdded", named(i.valueAdded, dropping: "valueAdded.")))
            f += [.init("registrable", .int(i.registrable ?? 0)), .init("registered", .int(i.registered)),
                  .init("remaining", .int(i.remaining)), .init("messageBudget", .int(i.messageBudget ?? 1))]
            return .object(f)
        }))])
    }
}

extension String {
    /// Left-aligned in a column of `width` characters.
    fileprivate func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
