/// The action names the validator knows (spec 06 §12.12). A policy naming an exact API of a
/// service listed here must name one of these (ASCII case-insensitively); a glob (`Describe*`) is
/// accepted as long as it is well formed, because read-only families like `List*` are meant to
/// cover APIs we do not enumerate. `iotcloud` is a known service without a list: any
/// well-formed API name is accepted for it.
public enum CAMActionNames {
    /// iotexplorer APIs: §12.12 (a) seed names and description-only names, (b) the reconciler
    /// mapping, Appendix B.2 (public SDK), and the read APIs used by plan refresh.
    public static let iotexplorer: [String] = [
        // §12.12 (a), seed
        "GetCategoryPanelsByCategoryKey", "DeleteStudioProduct", "DeleteDevice",
        "InvokeCloudStorageAIServiceTask", "CreateCloudStorageAIServiceTask", "DescribeCloudStorageAIServiceTask",
        // §12.12 (a), by description; B.2 cloud-storage AI
        "CreateIotVideoCloudStorage", "ModifyCloudStorageAIService", "DescribeCloudStorageAIServiceTasks",
        "ModifyCloudStorageAIServiceCallback", "CreateCloudStorageAIService", "DescribeCloudStorageAIService",
        "ResetCloudStorageAIService", "GenerateCloudStorageAIServiceTaskFileURL",
        "DescribeProductCloudStorageAIService", "ModifyProductCloudStorageAIService",
        "DescribeCloudStorageAIServiceCallback",
        // B.2 TWeCall, TRTC, QQ Music
        "ActivateTWeCallLicense", "AssignTWeCallLicense", "CancelAssignTWeCallLicense", "GetTWeCallActiveStatus",
        "CreateTRTCSignaturesWithRoomId", "ActivateQQMusicService",
        // §12.12 (b) / B.2 products, devices, projects
        "CreateProject", "ModifyProject", "DeleteProject",
        "CreateStudioProduct", "ModifyStudioProduct", "ReleaseStudioProduct",
        "ModifyModelDefinition", "ModifyProductDynamicRegister",
        "CreateDevice", "DeleteDevices", "UpdateDevicesEnableState",
        // topics and rules
        "CreateTopicPolicy", "ModifyTopicPolicy", "DeleteTopicPolicy",
        "CreateTopicRule", "ModifyTopicRule", "DeleteTopicRule", "EnableTopicRule", "DisableTopicRule",
        // location
        "CreatePositionSpace", "ModifyPositionSpace", "DeletePositionSpace",
        "CreatePositionFence", "ModifyPositionFence", "DeletePositionFence",
        "CreateFenceBind", "ModifyFenceBind", "DeleteFenceBind",
        // firmware and production
        "UploadFirmware", "UpdateFirmware", "PublishFirmwareUpdateMessage", "BatchUpdateFirmware",
        "CreateBatchProduction", "BatchPushResource", "BatchDeleteStaff",
        // runtime
        "ControlDeviceData", "CallDeviceActionSync", "PublishMessage",
        // read APIs (plan refresh, §12.12 (b) "Describe*, Get*, List*, Search*"; public SDK names)
        "DescribeProject", "GetProjectList", "DescribeStudioProduct", "GetStudioProductList",
        "DescribeDevice", "GetDeviceList", "DescribeDeviceData", "DescribeModelDefinition",
        "DescribeTopicPolicy", "ListTopicPolicy", "DescribeTopicRule", "GetTopicRuleList",
        "GetPositionSpaceList", "DescribePositionFenceList", "DescribeFenceBindList",
        "DescribeFirmware", "DescribeFirmwareTask", "DescribeBatchProduction",
    ]

    /// CAM's own APIs, used for changes to CamUser, CamGroup and CamPolicy (§12.11, §12.12 (b)).
    public static let cam: [String] = [
        "CreatePolicy", "UpdatePolicy", "DeletePolicy", "AddUser", "DeleteUser",
        "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy",
        "CreateGroup", "DeleteGroup", "AddUserToGroup", "RemoveUserFromGroup",
        "GetPolicy", "ListPolicies", "GetUser", "ListUsers", "GetGroup", "ListGroups",
    ]

    /// Services a policy may name, with their known APIs lowercased. An empty set means "no
    /// list: any well-formed API name".
    public static let services: [String: Set<String>] = [
        "iotexplorer": Set(iotexplorer.map { $0.lowercased() }),
        "cam": Set(cam.map { $0.lowercased() }),
        "iotcloud": [],
    ]

    /// The known name closest to `api` (for "did you mean" hints), if reasonably close.
    static func suggestion(for api: String, service: String) -> String? {
        let names = service == "cam" ? cam : (service == "iotexplorer" ? iotexplorer : [])
        let target = Array(api.lowercased().utf8)
        var best: (String, Int)?
        for name in names {
            let candidate = Array(name.lowercased().utf8)
            // The distance is at least the length difference: a far longer word (hostile input)
            // is skipped without the quadratic comparison.
            let limit = max(2, min(target.count, candidate.count) / 4)
            guard abs(candidate.count - target.count) <= limit else { continue }
            let d = editDistance(candidate, target)
            if d <= limit, best == nil || d < best!.1 { best = (name, d) }
        }
        return best?.0
    }

    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = prev
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
