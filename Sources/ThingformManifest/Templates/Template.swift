import ThingformModel

/// A `kind: Template` document: typed parameters and the resources it stamps out for each
/// `TemplateInstance` (README, "Template and TemplateInstance").
struct Template: Sendable {
    var name: String
    var file: String
    var location: SourceLocation
    var parameters: [TemplateParameter]
    /// The resources to stamp, as written (any kind; `apiVersion` may be left out).
    var resources: [Node]
    /// The `metadata.name`s of `resources`: what `${stamped.NAME}` may name.
    var localNames: Set<String>
    /// How the stamped resources reach the files they name: relative to the template's file.
    var access: SideFileAccess
    /// Declaration errors were reported: instances of it are skipped without follow-on errors.
    var broken: Bool
    /// Every parameter name written, a malformed one's too (a reference to it is no new error).
    var declaredNames: Set<String> = []

    static let kind = "Template"
    static let specFields = ["description", "parameters", "resources"]

    func parameter(_ name: String) -> TemplateParameter? { parameters.first { $0.name == name } }

    /// Decodes the document; nil when it has no usable name. Every problem is reported once here,
    /// not again for each instance.
    static func decode(_ doc: Document, access: SideFileAccess, _ d: inout Diagnostics) -> Template? {
        var ctx = DecodeContext(file: doc.file)
        defer { d.append(contentsOf: ctx.diagnostics) }
        guard let (name, specNode) = TemplateEnvelope.read(doc, kind: kind, &ctx) else { return nil }
        ctx.address = "Template/\(name)"
        let errorsBefore = ctx.diagnostics.errors.count
        var parameters: [TemplateParameter] = []
        var resources: [Node] = []
        if var spec = MappingReader(specNode, path: "spec", what: "spec", &ctx) {
            _ = spec.string("description", &ctx)
            if let p = spec.node("parameters", &ctx) {
                if let pairs = p.pairs {
                    var seen = Set<String>()
                    for pair in pairs {
                        guard let pname = pair.key.scalar?.text else { continue }
                        guard seen.insert(pname).inserted else {
                            ctx.error(ManifestCode.duplicateKey, pair.key, "duplicate key '\(pname)' in spec.parameters", hint: "Each key may appear once")
                            continue
                        }
                        guard isParameterName(pname) else {
                            ctx.error(TemplateCode.declaration, pair.key, "parameter name '\(Echo.cut(pname))' is not valid",
                                      hint: "Use letters, digits and '_', starting with a letter")
                            continue
                        }
                        if let param = TemplateParameter(name: pname, node: pair.value, path: "spec.parameters.\(pname)", &ctx) {
                            parameters.append(param)
                        }
                    }
                } else {
                    ctx.error(ManifestCode.wrongType, p, "spec.parameters must be a mapping of parameter names to their declarations, found \(p.typeName)")
                }
            }
            if let r = spec.required("resources", code: TemplateCode.declaration, &ctx) {
                if let items = r.items, !items.isEmpty { resources = items } else {
                    ctx.error(TemplateCode.declaration, r, "spec.resources must be a non-empty list of manifest documents, found \(r.typeName)")
                }
            }
            spec.finish(&ctx)
        }
        var template = Template(name: name, file: doc.file, location: doc.root.location(in: doc.file), parameters: parameters,
                                resources: resources, localNames: [], access: access, broken: false)
        template.declaredNames = Set(specNode["parameters"]?.pairs?.compactMap { $0.key.scalar?.text } ?? [])
        template.localNames = template.checkResources(&ctx)
        template.checkReferences(&ctx)
        template.broken = ctx.diagnostics.errors.count > errorsBefore
        return template
    }

    static func isParameterName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }

    /// Each resource is a mapping with a plannable `kind` and a literal `metadata.name` (the
    /// instance's name is put in front of it); returns those names.
    func checkResources(_ ctx: inout DecodeContext) -> Set<String> {
        var names = Set<String>()
        for (i, r) in resources.enumerated() {
            let path = "spec.resources[\(i)]"
            guard r.pairs != nil else {
                ctx.error(TemplateCode.declaration, r, "\(path) must be a manifest document (a mapping), found \(r.typeName)")
                continue
            }
            if let k = r["kind"]?.scalar?.text, Kind(rawValue: k) == nil {
                ctx.error(TemplateCode.declaration, r["kind"]!, "\(path).kind '\(Echo.cut(k))' cannot be stamped by a template",
                          hint: "A template stamps the kinds of the README's \"Kinds and fields\": \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let nameNode = r["metadata"]?["name"], let n = nameNode.scalar?.text, !nameNode.isNull else {
                ctx.error(TemplateCode.declaration, r["metadata"] ?? r, "\(path).metadata.name is required")
                continue
            }
            if n.contains("${") {
                ctx.error(TemplateCode.reference, nameNode, "\(path).metadata.name is written without references",
                          hint: "The stamped name is the instance's name, '-', then this name (acme-light for 'light'); refer to it as ${stamped.\(n.contains("}") ? "NAME" : n)}")
                continue
            }
            names.insert(n)
        }
        return names
    }

    /// Every `${...}` in the resources names a declared parameter or stamped resource, and a list
    /// parameter is only ever a whole value. Reported once per template, at the reference.
    func checkReferences(_ ctx: inout DecodeContext) {
        func walk(_ n: Node) {
            switch n.content {
            case let .mapping(pairs): for p in pairs { walk(p.value) }
            case let .sequence(items): for i in items { walk(i) }
            case let .scalar(s):
                let segments: [TemplateReference.Segment]?
                do { segments = try TemplateReference.segments(s.text) } catch {
                    ctx.error(TemplateCode.reference, n, error.message)
                    return
                }
                guard let segments else { return }
                let whole = segments.count == 1
                for case let .reference(ref, written) in segments {
                    switch ref {
                    case let .param(p):
                        guard let param = parameter(p) else {
                            if declaredNames.contains(p) { continue } // its declaration's error says enough
                            let known = parameters.map(\.name)
                            let hint = Suggest.closest(to: p, in: known).map { "Did you mean '\($0)'? " } ?? ""
                            ctx.error(TemplateCode.reference, n, "\(written) names no parameter of Template/\(name)",
                                      hint: hint + (known.isEmpty ? "The template declares no parameters" : "Declared: \(known.joined(separator: ", "))"))
                            continue
                        }
                        if param.type == .list && !whole {
                            ctx.error(TemplateCode.reference, n, "\(written) is a list and cannot be part of a longer string",
                                      hint: "Write it as the whole value (field: \(written))")
                        }
                    case let .stamped(local):
                        if !localNames.contains(local) {
                            let hint = Suggest.closest(to: local, in: Array(localNames)).map { "Did you mean '\($0)'? " } ?? ""
                            ctx.error(TemplateCode.reference, n, "\(written) names no resource of Template/\(name)",
                                      hint: hint + "Its resources are named \(localNames.sorted().joined(separator: ", "))")
                        }
                    case .instanceName, .templateName:
                        break
                    }
                }
            }
        }
        for r in resources { walk(r) }
    }
}

/// The envelope of a Template or TemplateInstance: `apiVersion`, `kind`, `metadata` (name,
/// labels and annotations for people) and `spec`.
enum TemplateEnvelope {
    static func read(_ doc: Document, kind: String, _ ctx: inout DecodeContext) -> (name: String, spec: Node)? {
        guard var top = MappingReader(doc.root, path: "", what: "a manifest document", &ctx) else { return nil }
        if let v = top.string("apiVersion", required: true, code: ManifestCode.envelope, &ctx), v != ResourceDecoder.apiVersion {
            ctx.error(ManifestCode.envelope, top.node["apiVersion"]!, "apiVersion must be \(ResourceDecoder.apiVersion), found '\(v)'")
        }
        _ = top.node("kind", &ctx)
        var name: String?
        if let metaNode = top.required("metadata", code: ManifestCode.envelope, &ctx),
           var meta = MappingReader(metaNode, path: "metadata", what: "metadata", &ctx) {
            name = meta.string("name", required: true, code: ManifestCode.envelope, &ctx)
            if let n = name, !ResourceDecoder.isValidName(n) {
                ctx.error(ManifestCode.envelope, meta.node["name"]!, "metadata.name '\(n)' is not a valid name",
                          hint: "Use 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit")
                name = nil
            }
            _ = meta.stringMap("labels", &ctx)
            _ = meta.node("annotations", &ctx)
            meta.finish(&ctx)
        }
        let spec = top.required("spec", code: ManifestCode.envelope, &ctx)
        top.finish(&ctx)
        guard let name, let spec else { return nil }
        return (name, spec)
    }
}
