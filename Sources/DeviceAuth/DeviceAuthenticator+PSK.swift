extension DeviceAuthenticator {
    /// MQTT CONNECT on the TLS-PSK listener, after a handshake with `pskIdentity` (which proved the
    /// device's key, so no password is needed): the client id must be that identity, and a
    /// username, when one is sent (the C SDK sends the four fields), must name the client id and
    /// not be expired. The device must still exist and be enabled. `now` in unix seconds.
    public func authenticatePSK(clientId: String, pskIdentity: String, username: String?, now: Int64) -> AuthResult {
        guard clientId == pskIdentity else {
            return .refused(.clientIdMismatch, detail: "the TLS-PSK identity is \"\(pskIdentity)\", the client id is \"\(clientId)\"")
        }
        guard let identity = ClientIdentity(clientId: clientId) else {
            return .refused(.malformedClientId, detail: "client id \"\(clientId)\" is not {ProductId(10)}{DeviceName}")
        }
        if let username, username != clientId {
            guard case .success(let fields) = DeviceUsername.parse(username) else {
                return .refused(.malformedUsername, detail: "the username is not {ClientId};{sdkappid};{connid};{expiry}")
            }
            guard fields.clientId == clientId else {
                return .refused(.clientIdMismatch, detail: "the username names \"\(fields.clientId)\", the client id is \"\(clientId)\"")
            }
            guard fields.expiry >= now else {
                return .refused(.expired, detail: "the username expired at \(fields.expiry) (unix seconds), now is \(now)")
            }
        }
        if case .failure(let refusal) = lookUp(identity) { return .refused(refusal, detail: refusalDetail(refusal, identity)) }
        return .device(productId: identity.productId, deviceName: identity.deviceName)
    }
}
