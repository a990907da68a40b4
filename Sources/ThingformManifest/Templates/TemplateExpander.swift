import ThingformModel

/// One resource a template stamped for one instance: the document after substitution (its
/// positions are the template's), and where it came from.
public struct StampedDocument: Sendable {
    public var document: Document
    public var provenance: Provenance
    /// Where the instance is written.
    public var instanceLocation: SourceLocation
    public var templateLocation: SourceLocation
}

/// Stamps each instance's resources from its template: checks the values against the
/// parameters, substitutes them into the template's parsed resources (never into text), prefixes
/// the stamped names with the instance's name and decodes the result like any other document.
enum TemplateExpander {
    struct Output {
        var resources: [Resource] = []
        var stamped: [StampedDocument] = []
        /// What to add to a message about a stamped resource, by address.
        var notes: [String: String] = [:]
    }

    static func expand(templates: [Template], instances: [TemplateInstance], _ d: inout Diagnostics) -> Output {
        var out = Output()
        var byName: [String: Template] = [:]
        for t in templates {
            if let first = byName[t.name] {
                d.error(TemplateCode.duplicate, at: t.location, address: "Template/\(t.name)",
                        "Template/\(t.name) is declared twice", hint: "The first is at \(first.location); rename one")
                continue
            }
            byName[t.name] = t
        }
        var seen: [String: SourceLocation] = [:]
        for inst in instances {
            if let first = seen[inst.name] {
                d.error(TemplateCode.duplicate, at: inst.location, address: "TemplateInstance/\(inst.name)",
                        "TemplateInstance/\(inst.name) is declared twice", hint: "The first is at \(first); rename one")
                continue
            }
            seen[inst.name] = inst.location
            guard let template = byName[inst.template] else {
                let known = byName.keys.sorted()
                let hint = Suggest.closest(to: inst.template, in: known).map { "Did you mean '\($0)'? " } ?? ""
                d.error(TemplateCode.unknownTemplate, at: inst.templateNode.location(in: inst.file), address: "TemplateInstance/\(inst.name)",
                        "spec.template '\(inst.template)' names no Template",
                        hint: hint + (known.isEmpty ? "No manifest declares a Template" : "Declared: \(known.joined(separator: ", "))"))
                continue
            }
            guard !template.broken, let values = values(of: inst, for: template, &d) else { continue }
            stamp(inst, template, values, into: &out, &d)
        }
        return out
    }

    /// Every parameter's value, typed and checked; nil (with every problem reported) when any is wrong.
    static func values(of inst: TemplateInstance, for template: Template, _ d: inout Diagnostics) -> [String: TemplateValue]? {
        let address = "TemplateInstance/\(inst.name)"
        var values: [String: TemplateValue] = [:]
        var ok = true
        let declared = "Template/\(template.name) is at \(template.location)"
        let given = inst.valuesNode?.pairs ?? []
        var seen = Set<String>()
        for pair in given {
            let key = pair.key.scalar?.text ?? ""
            guard seen.insert(key).inserted else {
                d.error(ManifestCode.duplicateKey, at: pair.key.location(in: inst.file), address: address,
                        "duplicate key '\(key)' in spec.values", hint: "Each key may appear once")
                ok = false
                continue
            }
            guard let param = template.parameter(key) else {
                let known = template.parameters.map(\.name)
                let hint = Suggest.closest(to: key, in: known).map { "Did you mean '\($0)'? " } ?? ""
                d.error(TemplateCode.unknownParameter, at: pair.key.location(in: inst.file), address: address,
                        "spec.values.\(key): Template/\(template.name) has no parameter '\(key)'",
                        hint: hint + (known.isEmpty ? "It declares no parameters" : "Allowed: \(known.joined(separator: ", "))") + " (\(declared))")
                ok = false
                continue
            }
            switch param.check(pair.value) {
            case let .success(v): values[key] = v
            case let .failure(p):
                d.error(p.code, at: p.node.location(in: inst.file), address: address, "spec.values.\(key): \(p.message)",
                        hint: p.allowed + " (\(declared))")
                ok = false
            }
        }
        for param in template.parameters where !seen.contains(param.name) {
            if let v = param.defaultValue { values[param.name] = v; continue }
            d.error(TemplateCode.missingValue, at: (inst.valuesNode ?? inst.specNode).location(in: inst.file), address: address,
                    "spec.values.\(param.name) is required: Template/\(template.name)'s parameter '\(param.name)' has no default",
                    hint: "Give \(TemplateParameter.article(param.type, param.values)) (\(declared))")
            ok = false
        }
        return ok ? values : nil
    }

    static func stamp(_ inst: TemplateInstance, _ template: Template, _ values: [String: TemplateValue],
                      into out: inout Output, _ d: inout Diagnostics) {
        let provenance = Provenance(template: template.name, instance: inst.name)
        let note = "(stamped from Template/\(template.name) by TemplateInstance/\(inst.name) at \(inst.location))"
        let substitution = Substitution(values: values, instance: inst.name, template: template.name)
        for resource in template.resources {
            guard var root = Optional(substitution.apply(resource)), case var .mapping(pairs) = root.content else { continue }
            // The stamped name: the instance's, then the template's own ('acme-light').
            if let mi = pairs.firstIndex(where: { $0.key.scalar?.text == "metadata" }), case var .mapping(meta) = pairs[mi].value.content,
               let ni = meta.firstIndex(where: { $0.key.scalar?.text == "name" }), let local = meta[ni].value.scalar?.text {
                let n = meta[ni].value
                meta[ni].value = Node(.scalar(.init(text: substitution.stampedName(local), plain: false)), line: Int(n.line), column: Int(n.column))
                pairs[mi].value.content = .mapping(meta)
            }
            if !pairs.contains(where: { $0.key.scalar?.text == "apiVersion" }) {
                let at = Node(.scalar(.init(text: "apiVersion", plain: true)), line: Int(root.line), column: Int(root.column))
                pairs.insert(Node.Pair(key: at, value: Node(.scalar(.init(text: ResourceDecoder.apiVersion, plain: true)),
                                                            line: Int(root.line), column: Int(root.column))), at: 0)
            }
            root.content = .mapping(pairs)
            let doc = Document(file: template.file, root: root)
            out.stamped.append(StampedDocument(document: doc, provenance: provenance, instanceLocation: inst.location,
                                               templateLocation: template.location))
            var local = Diagnostics()
            let decoded = ResourceDecoder.decode(doc, readFile: template.access.read, fileDigest: template.access.digest,
                                                 pathProblem: template.access.problem, into: &local)
            for item in local.items { d.append(noted(item, note)) }
            guard var r = decoded else { continue }
            r = r.stamped(provenance)
            let file = template.file
            r.locator = { path in DocumentPath.find(path, in: root).map { $0.location(in: file) } }
            out.notes[r.address.description] = note
            out.resources.append(r)
        }
    }

    /// The diagnostic with where its resource was stamped added to its message.
    static func noted(_ item: Diagnostic, _ note: String) -> Diagnostic {
        Diagnostic(item.severity, item.code, at: item.location, address: item.address, item.message + " " + note, hint: item.hint)
    }
}

/// Replaces references in parsed YAML values (never keys) with an instance's values.
struct Substitution {
    var values: [String: TemplateValue]
    var instance: String
    var template: String

    func stampedName(_ local: String) -> String { "\(instance)-\(local)" }

    func apply(_ n: Node) -> Node {
        switch n.content {
        case let .mapping(pairs):
            var copy = n
            copy.content = .mapping(pairs.map { Node.Pair(key: $0.key, value: apply($0.value)) })
            return copy
        case let .sequence(items):
            var copy = n
            copy.content = .sequence(items.map(apply))
            return copy
        case let .scalar(s):
            // The template was checked: a reference that fails here was reported already.
            guard let segments = try? TemplateReference.segments(s.text) else { return n }
            if segments.count == 1, case let .reference(ref, _) = segments[0], let v = value(ref) {
                return v.node(line: n.line, column: n.column)
            }
            var text = ""
            for seg in segments {
                switch seg {
                case let .text(t): text += t
                case let .reference(ref, written): text += value(ref)?.text ?? written
                }
            }
            // Text built from values is a string: quoted, so `true` or `5` stay text.
            return Node(.scalar(.init(text: text, plain: false)), line: Int(n.line), column: Int(n.column))
        }
    }

    func value(_ ref: TemplateReference) -> TemplateValue? {
        switch ref {
        case let .param(p): return values[p]
        case .instanceName: return .string(instance)
        case .templateName: return .string(template)
        case let .stamped(local): return .string(stampedName(local))
        }
    }
}
