import CMosquittoPlugin

// The functions plugin.c calls (prototypes in CMosquittoPlugin.h). They only convert C strings
// and hand over to BrokerPlugin; mosquitto calls them on its single main thread.

private func string(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }

@_cdecl("tf_plugin_start")
public func tfPluginStart(_ directoryPath: UnsafePointer<CChar>?, _ adminClientPrefix: UnsafePointer<CChar>?,
                          _ journalPath: UnsafePointer<CChar>?) -> Int32 {
    guard let path = string(directoryPath) else { return 1 }
    let plugin = BrokerPlugin(directoryPath: path, adminClientIdPrefix: string(adminClientPrefix) ?? "")
    if let journal = string(journalPath) {
        do {
            plugin.journal = try JournalWriter(folder: journal)
        } catch {
            plugin.log(.error, "cannot open the journal: \(error)")
            return 1
        }
    }
    BrokerPlugin.shared = plugin
    return 0
}

@_cdecl("tf_plugin_stop")
public func tfPluginStop() {
    BrokerPlugin.shared = nil
}

@_cdecl("tf_basic_auth")
public func tfBasicAuth(_ client: UInt, _ clientId: UnsafePointer<CChar>?, _ username: UnsafePointer<CChar>?,
                        _ password: UnsafePointer<CChar>?, _ address: UnsafePointer<CChar>?) -> Int32 {
    guard let plugin = BrokerPlugin.shared else { return 1 }
    return plugin.authenticate(client: client, clientId: string(clientId) ?? "", username: string(username),
                               password: string(password), address: string(address) ?? "") ? 0 : 1
}

@_cdecl("tf_acl_check")
public func tfACLCheck(_ client: UInt, _ clientId: UnsafePointer<CChar>?, _ username: UnsafePointer<CChar>?, _ address: UnsafePointer<CChar>?,
                       _ topic: UnsafePointer<CChar>?, _ access: Int32, _ qos: Int32) -> Int32 {
    guard let plugin = BrokerPlugin.shared, let topic = string(topic) else { return 1 }
    let kind: TopicAccessCode = access == 2 ? .publish : access == 4 ? .subscribe : .read
    return plugin.authorize(client: client, clientId: string(clientId) ?? "", username: string(username), address: string(address) ?? "",
                            topic: topic, access: kind.access, qos: Int(qos)) ? 0 : 1
}

@_cdecl("tf_psk_key")
public func tfPSKKey(_ client: UInt, _ identity: UnsafePointer<CChar>?, _ keyHex: UnsafeMutablePointer<CChar>?, _ maxLength: Int32) -> Int32 {
    guard let plugin = BrokerPlugin.shared, let identity = string(identity), let keyHex,
          let hex = plugin.pskKeyHex(client: client, identity: identity) else { return 1 }
    let bytes = Array(hex.utf8)
    guard bytes.count < Int(maxLength) else { return 1 }
    for (i, b) in bytes.enumerated() { keyHex[i] = CChar(bitPattern: b) }
    keyHex[bytes.count] = 0
    return 0
}

@_cdecl("tf_message")
public func tfMessage(_ client: UInt, _ clientId: UnsafePointer<CChar>?, _ topic: UnsafePointer<CChar>?,
                      _ payload: UnsafeRawPointer?, _ length: Int32, _ qos: Int32) -> Int32 {
    guard let plugin = BrokerPlugin.shared, let topic = string(topic) else { return 0 }
    let bytes = payload.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(length))) } ?? []
    return plugin.accepted(client: client, topic: topic, payload: bytes, qos: Int(qos)) ? 0 : 1
}

@_cdecl("tf_disconnect")
public func tfDisconnect(_ client: UInt, _ clientId: UnsafePointer<CChar>?, _ reason: Int32) {
    BrokerPlugin.shared?.disconnected(client: client, reason: Int(reason))
}

@_cdecl("tf_tick")
public func tfTick() {
    BrokerPlugin.shared?.tick()
}
