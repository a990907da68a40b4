/// A device batch as the platform keeps it (spec/02 §3.2, §3.6, §3.10 `status`): its number in the
/// instance, the devices it created and when. Records are never deleted; the manifest that made
/// one may go (W-BAT-01), the record and its devices stay.
public struct BatchRecord: Sendable, Equatable {
    /// The `DeviceBatch` metadata name.
    public var name: String
    /// 1, 2, … per instance, in creation order.
    public var id: Int
    public var instance: String
    /// The product's metadata name and its ProductId when the batch was made.
    public var product: String
    public var productId: String
    public var burnMethod: String
    /// `succeeded`: a batch is created in the apply's one transaction, all its devices or none
    /// (`processing` and `failed` belong to an asynchronous runtime processor).
    public var state: String
    /// Devices the batch created.
    public var devices: Int
    /// Of those, the devices still in the product (others were deleted one by one at runtime).
    public var retained: Int
    /// RFC 3339 UTC.
    public var createdAt: String

    public init(name: String, id: Int, instance: String, product: String, productId: String, burnMethod: String,
                state: String = "succeeded", devices: Int, retained: Int, createdAt: String) {
        self.name = name
        self.id = id
        self.instance = instance
        self.product = product
        self.productId = productId
        self.burnMethod = burnMethod
        self.state = state
        self.devices = devices
        self.retained = retained
        self.createdAt = createdAt
    }

    /// `batch:<id>`: how the devices table says who manages a batch's device (spec/02 §3.10).
    public var managedBy: String { "batch:\(id)" }
}

/// One device a batch creates: a row of the state's devices table.
public struct BatchDevice: Sendable, Equatable {
    public var name: String
    /// The DeviceSecret (DevicePsk), base64. Never printed.
    public var secret: String

    public init(name: String, secret: String) {
        self.name = name
        self.secret = secret
    }
}

/// What an apply writes for a new batch, in the same transaction as everything else: the record,
/// its devices, the output file the manufacturer downloads (it holds the secrets: kept in the
/// store only), and where the product's auto-name counter stands afterwards.
public struct NewBatch: Sendable, Equatable {
    public var record: BatchRecord
    public var devices: [BatchDevice]
    public var output: [UInt8]
    /// The product's next auto-name number (spec/02 §3.4 `autoNameNext`); nil when unchanged.
    public var autoNameNext: Int?

    public init(record: BatchRecord, devices: [BatchDevice], output: [UInt8], autoNameNext: Int?) {
        self.record = record
        self.devices = devices
        self.output = output
        self.autoNameNext = autoNameNext
    }
}
