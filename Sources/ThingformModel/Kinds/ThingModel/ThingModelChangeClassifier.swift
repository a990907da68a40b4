/// Tags each difference between two thing models with a change class (spec/01 §6.13), for
/// plan output and W-TM-03. Works on the canonical console JSON (`ConsoleThingModel.model` or an
/// export), so the planner can compare the stored state with a new manifest directly.
public enum ThingModelChangeClassifier {
    public enum ChangeClass: String, Sendable, Comparable, CaseIterable {
        case cosmetic, additive, narrowing, breaking
        public static func < (a: ChangeClass, b: ChangeClass) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// One classified difference; `path` names the element, e.g. `properties[brightness].define.max`.
    public struct Change: Hashable, Sendable {
        public var path: String
        public var kind: ChangeClass
        public init(_ path: String, _ kind: ChangeClass) {
            self.path = path
            self.kind = kind
        }
    }

    public static func classify(before: JSON, after: JSON) -> [Change] {
        var out: [Change] = []
        for section in ["properties", "events", "actions"] {
            list(before[section], after[section], path: section, added: .additive, into: &out) { path, a, b, out in
                feature(section, a, b, path: path, into: &out)
            }
        }
        return out
    }

    /// The worst class of a set of changes (nil when there are none).
    public static func worst(_ changes: [Change]) -> ChangeClass? { changes.map(\.kind).max() }

    /// Items matched by `id`: removed ones are breaking (an id change is remove + add), added ones
    /// take `added`'s class.
    private static func list(_ a: JSON?, _ b: JSON?, path: String, added: ChangeClass, addedRequired: ChangeClass? = nil,
                             into out: inout [Change], _ compare: (String, JSON, JSON, inout [Change]) -> Void) {
        let before = a?.arrayValue ?? [], after = b?.arrayValue ?? []
        func id(_ j: JSON) -> String { j["id"]?.stringValue ?? "" }
        for x in before where !after.contains(where: { id($0) == id(x) }) { out.append(Change("\(path)[\(id(x))]", .breaking)) }
        for y in after {
            let p = "\(path)[\(id(y))]"
            if let x = before.first(where: { id($0) == id(y) }) {
                compare(p, x, y, &out)
            } else {
                out.append(Change(p, y["required"]?.boolValue == true ? (addedRequired ?? added) : added))
            }
        }
    }

    private static func cosmetic(_ keys: [String], _ a: JSON, _ b: JSON, path: String, into out: inout [Change]) {
        for k in keys where a[k] != b[k] { out.append(Change("\(path).\(k)", .cosmetic)) }
    }

    private static func feature(_ section: String, _ a: JSON, _ b: JSON, path: String, into out: inout [Change]) {
        cosmetic(["name", "desc", "required"], a, b, path: path, into: &out)
        switch section {
        case "properties":
            if a["mode"] != b["mode"] {
                out.append(Change("\(path).mode", b["mode"]?.stringValue == "r" ? .breaking : .additive))
            }
            define(a["define"] ?? .null, b["define"] ?? .null, path: "\(path).define", into: &out)
        case "events":
            if a["type"] != b["type"] { out.append(Change("\(path).type", .breaking)) }
            parameters(a["params"], b["params"], path: "\(path).params", added: .additive, into: &out)
        default:
            parameters(a["input"], b["input"], path: "\(path).input", added: .narrowing, into: &out)
            parameters(a["output"], b["output"], path: "\(path).output", added: .additive, into: &out)
        }
    }

    private static func parameters(_ a: JSON?, _ b: JSON?, path: String, added: ChangeClass, into out: inout [Change]) {
        list(a, b, path: path, added: added, into: &out) { p, x, y, out in
            cosmetic(["name", "desc"], x, y, path: p, into: &out)
            define(x["define"] ?? .null, y["define"] ?? .null, path: "\(p).define", into: &out)
        }
    }

    private static func define(_ a: JSON, _ b: JSON, path: String, into out: inout [Change]) {
        guard a != b else { return }
        let type = a["type"]?.stringValue
        guard type == b["type"]?.stringValue, let type else { out.append(Change("\(path).type", .breaking)); return }
        switch type {
        case "bool", "enum", "stringenum":
            let x = a["mapping"]?.fields ?? [], y = b["mapping"]?.fields ?? []
            for f in x {
                if let g = y.first(where: { $0.name == f.name }) {
                    if g.value != f.value { out.append(Change("\(path).mapping.\(f.name)", .cosmetic)) }
                } else {
                    out.append(Change("\(path).mapping.\(f.name)", .narrowing))
                }
            }
            for g in y where !x.contains(where: { $0.name == g.name }) { out.append(Change("\(path).mapping.\(g.name)", .additive)) }
        case "int", "float", "string":
            cosmetic(["unit", "unitDesc", "start", "step"], a, b, path: path, into: &out)
            bound(a["min"], b["min"], path: "\(path).min", lowerIsWider: true, into: &out)
            bound(a["max"], b["max"], path: "\(path).max", lowerIsWider: false, into: &out)
        case "struct":
            list(a["specs"], b["specs"], path: "\(path).specs", added: .additive, addedRequired: .narrowing, into: &out) { p, x, y, out in
                cosmetic(["name"], x, y, path: p, into: &out)
                if x["required"] != y["required"] {
                    out.append(Change("\(p).required", y["required"]?.boolValue == true ? .narrowing : .additive))
                }
                define(x["dataType"] ?? .null, y["dataType"] ?? .null, path: "\(p).dataType", into: &out)
            }
        case "array":
            define(a["arrayInfo"] ?? .null, b["arrayInfo"] ?? .null, path: "\(path).arrayInfo", into: &out)
        default:
            break
        }
    }

    /// A bound moving outwards widens the range (additive), inwards narrows it; the same value
    /// spelled differently (`0` vs `0.0`) is cosmetic.
    private static func bound(_ a: JSON?, _ b: JSON?, path: String, lowerIsWider: Bool, into out: inout [Change]) {
        guard a != b else { return }
        guard let x = a?.stringValue.flatMap(Double.init), let y = b?.stringValue.flatMap(Double.init) else {
            out.append(Change(path, .narrowing))
            return
        }
        if x == y { out.append(Change(path, .cosmetic)) } else {
            out.append(Change(path, (y < x) == lowerIsWider ? .additive : .narrowing))
        }
    }
}
