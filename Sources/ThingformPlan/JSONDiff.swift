import ThingformModel

/// Field-level differences between two canonical JSON values. Lists of objects with an `id`
/// (thing-model features, parameters) are matched by id, so a reordered or inserted feature shows
/// as that feature, not as every index after it.
public enum JSONDiff {
    public static func diff(_ before: JSON?, _ after: JSON?, path: String = "") -> [FieldChange] {
        var out: [FieldChange] = []
        walk(before, after, path, &out)
        return out
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// `numericText`: the field holds a number written as a string (a thing-model bound), compared by value.
    static func walk(_ a: JSON?, _ b: JSON?, _ path: String, _ out: inout [FieldChange], numericText: Bool = false) {
        if a == b { return }
        if let a, let b, NumberEquality.same(a, b, numericText: numericText) { return }
        switch (a, b) {
        case let (.object(fa)?, .object(fb)?):
            // A definition's bounds are numbers when both sides define the same type.
            let sameType = fa.first { $0.name == "type" }?.value == fb.first { $0.name == "type" }?.value
            let numeric = sameType ? NumberEquality.numericKeys(fa) : []
            for f in fa {
                walk(f.value, fb.first { $0.name == f.name }?.value, join(path, f.name), &out,
                     numericText: numeric.contains(f.name))
            }
            for f in fb where !fa.contains(where: { $0.name == f.name }) {
                walk(nil, f.value, join(path, f.name), &out)
            }
        case let (.array(xa)?, .array(xb)?):
            if let ia = ids(xa), let ib = ids(xb) {
                for (i, x) in xa.enumerated() {
                    let match = ib.firstIndex(of: ia[i]).map { xb[$0] }
                    walk(x, match, "\(path)[\(ia[i])]", &out)
                }
                for (j, y) in xb.enumerated() where !ia.contains(ib[j]) {
                    walk(nil, y, "\(path)[\(ib[j])]", &out)
                }
                if ia.filter(ib.contains) != ib.filter(ia.contains) {
                    out.append(FieldChange(path: "\(path) (order)", before: .array(ia.filter(ib.contains).map(JSON.string)),
                                           after: .array(ib.filter(ia.contains).map(JSON.string))))
                }
            } else if xa.count == xb.count, xa.allSatisfy(isContainer) {
                for i in xa.indices { walk(xa[i], xb[i], "\(path)[\(i)]", &out) }
            } else {
                emit(path, a, b, &out)
            }
        default:
            emit(path, a, b, &out)
        }
    }

    /// A leaf change. Canonical forms write an unset field as JSON null, so null counts as absent:
    /// `null -> "x"` is an added field (`before` nil, as `FieldChange` documents), and a plan file
    /// (which writes nil as null) reads back the very same change. Absent vs null is no change.
    static func emit(_ path: String, _ a: JSON?, _ b: JSON?, _ out: inout [FieldChange]) {
        let before = a.flatMap { $0.isNull ? nil : $0 }
        let after = b.flatMap { $0.isNull ? nil : $0 }
        if before == nil && after == nil { return }
        out.append(FieldChange(path: path, before: before, after: after))
    }

    static func isContainer(_ j: JSON) -> Bool {
        switch j {
        case .object, .array: return true
        default: return false
        }
    }

    /// The `id` of every element, when all are objects with distinct string ids.
    static func ids(_ items: [JSON]) -> [String]? {
        var out: [String] = []
        for item in items {
            guard let id = item["id"]?.stringValue, !out.contains(id) else { return nil }
            out.append(id)
        }
        return out
    }
}
