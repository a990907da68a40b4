import CAM

/// 1,000 policies attached to one user. Each policy is a per-customer grant shaped like seed
/// example B (allow everything on one product in its four resource forms, deny its deletions); a
/// few more grant read APIs on `*` and one restricts by source IP. `requests` covers allow,
/// explicit deny, implicit deny and an operation-level conditional allow.
public struct CAMFixture: Sendable {
    public let rootUin = "100000000001"
    public let policies: [CAMPolicy]
    public let requests: [CAMRequest]
    /// What `requests` must decide, in order.
    public static let expected: [CAMDecision.Effect] = [.allow, .denyExplicit, .denyImplicit, .allow, .allow, .allow]

    public init() {
        let rootUin = self.rootUin
        func R(_ x: String) -> String { "qcs::iotexplorer:ap-guangzhou:uin/\(rootUin):" + x }
        func product(_ i: Int) -> String { "P\(String(100_000 + i))" }
        var texts = (0..<995).map { (name: "customer-\($0)", text: Self.customerPolicy($0, rootUin: rootUin)) }
        for k in 0..<4 {
            texts.append((name: "read-\(k)", text: #"{"version":"2.0","statement":[{"effect":"allow","action":["iotexplorer:Describe*","iotexplorer:Get*"],"resource":"*"}]}"#))
        }
        texts.append((name: "office-only", text: #"{"version":"2.0","statement":[{"effect":"allow","action":"iotexplorer:*TopicRule","resource":"*","condition":{"ip_equal":{"qcs:ip":["10.0.0.0/8"]}}}]}"#))
        policies = texts.map { t in
            let (p, errors) = CAMPolicy.parse(t.text, name: t.name)
            precondition(errors.isEmpty, "fixture invalid: \(errors)")
            return p!
        }
        let user = CAMPrincipal.user("leosp_sub01")
        let ctx = ["qcs:ip": "10.1.2.3"]
        requests = [
            CAMRequest(principal: user, action: "iotexplorer:ModifyStudioProduct", resource: R("project/prj-7/product/\(product(517))"), context: ctx), // allow
            CAMRequest(principal: user, action: "iotexplorer:DeleteDevice", resource: R("project/prj-3/product/\(product(903))/device/dev1"), context: ctx), // explicit deny
            CAMRequest(principal: user, action: "iotexplorer:ModifyStudioProduct", resource: R("project/prj-7/product/ZZZZZ99999"), context: ctx), // implicit deny
            CAMRequest(principal: user, action: "iotexplorer:DescribeDevice", resource: R("project/prj-1/product/\(product(21))/device/d"), context: ctx), // allow via read-* and customer
            CAMRequest(principal: user, action: "iotexplorer:CreateTopicRule", resource: "*", context: ctx), // operation-level, conditional allow
            CAMRequest(principal: user, action: "iotexplorer:DeleteProject", resource: R("project/prj-4"), context: ctx), // allow (100 customers share prj-4)
        ]
    }

    public static func customerPolicy(_ i: Int, rootUin: String) -> String {
        let base = "qcs::iotexplorer:gz:uin/\(rootUin):project/prj-\(i % 10)"
        let product = "P\(String(100_000 + i))"
        let resources = ["\(base)", "\(base)/", "\(base)/product/\(product)", "\(base)/product/\(product)/*"]
            .map { "\"\($0)\"" }.joined(separator: ",")
        return """
            {"version":"2.0","statement":[
              {"effect":"allow","action":["*"],"resource":[\(resources)]},
              {"effect":"deny","action":["iotexplorer:DeleteStudioProduct","iotexplorer:DeleteDevice"],"resource":[\(resources)]}]}
            """
    }
}
