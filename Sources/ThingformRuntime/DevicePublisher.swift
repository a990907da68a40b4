/// How the CLI (and the runtime) put a message on a device's topic. The runtime row of the state
/// names the broker and the admin credentials; the libmosquitto implementation is
/// ThingformBroker's. Tests use a fake that hands the message to a simulated device.
public protocol DevicePublisher: AnyObject {
    func publish(_ message: OutboundMessage) throws
}
