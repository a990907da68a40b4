/// The canonical console JSON of a model's parts (spec/01 §6.8 key order, §6.11 rules 1-4):
/// every key present with its default, numbers as the strings of their source text.
/// One place, so export, the resource canonical form and the manifest writer cannot drift.
enum ConsoleJSONEncoding {
    static func property(_ p: Property) -> JSON {
        .object([
            .init("id", .string(p.id)),
            .init("name", .string(p.name)),
            .init("desc", .string(p.desc)),
            .init("required", .bool(p.required)),
            .init("mode", .string(p.mode.rawValue)),
            .init("define", define(p.define)),
        ])
    }

    static func event(_ e: Event) -> JSON {
        .object([
            .init("id", .string(e.id)),
            .init("name", .string(e.name)),
            .init("desc", .string(e.desc)),
            .init("type", .string(e.type.rawValue)),
            .init("required", .bool(e.required)),
            .init("params", .array(e.params.map(parameter))),
        ])
    }

    static func action(_ a: Action) -> JSON {
        .object([
            .init("id", .string(a.id)),
            .init("name", .string(a.name)),
            .init("desc", .string(a.desc)),
            .init("input", .array(a.input.map(parameter))),
            .init("output", .array(a.output.map(parameter))),
            .init("required", .bool(a.required)),
        ])
    }

    static func parameter(_ p: Parameter) -> JSON {
        .object([
            .init("id", .string(p.id)),
            .init("name", .string(p.name)),
            .init("desc", .string(p.desc)),
            .init("define", define(p.define)),
        ])
    }

    static func define(_ t: DataType) -> JSON {
        var f: [JSON.Field] = [.init("type", .string(t.typeName))]
        switch t {
        case let .bool(m), let .enum(m), let .stringenum(m):
            f.append(.init("mapping", .object(m.map { JSON.Field($0.key, .string($0.label)) })))
        case let .int(n), let .float(n):
            f.append(.init("unit", .string(n.unit)))
            if let desc = n.unitDesc { f.append(.init("unitDesc", .string(desc))) }
            f += [.init("step", .string(n.step)), .init("min", .string(n.min)),
                  .init("max", .string(n.max)), .init("start", .string(n.start))]
        case let .string(min, max):
            f += [.init("min", .string(min)), .init("max", .string(max))]
        case .timestamp:
            break
        case let .struct(members):
            f.append(.init("specs", .array(members.map { m in
                var mf: [JSON.Field] = [.init("id", .string(m.id)), .init("name", .string(m.name))]
                if m.required { mf.append(.init("required", .bool(true))) }
                mf.append(.init("dataType", define(m.dataType)))
                return .object(mf)
            })))
        case let .array(element):
            f.append(.init("arrayInfo", define(element)))
        }
        return .object(f)
    }

    /// `{version, properties, events, actions}`: the model without `profile`.
    static func model(_ d: ThingModelDefinition) -> [JSON.Field] {
        [
            .init("version", .string("1.0")),
            .init("properties", .array(d.properties.map(property))),
            .init("events", .array(d.events.map(event))),
            .init("actions", .array(d.actions.map(action))),
        ]
    }
}
