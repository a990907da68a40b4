"""A device driven by Tencent's unmodified Python SDK (tencent-iot-device 1.0.0, explorer API).

The SDK builds its broker host as ProductId + domain and has no port option (spec/07 §1.1-1.2):
after construction the connection's host and port attributes are pointed at the local runtime.
Prints one JSON object per line on stdout for every step, so a test can follow it:
  {"event": "connected"}, {"event": "subscribed"}, {"event": "reported", "params": ...},
  {"event": "report_reply" | "get_status_reply" | "control" | "action" | ..., "payload": ...}
It answers a control with code --control-code and an action with code 0, then keeps running
until --seconds have passed or stdin closes.

Usage: python sdk_device.py --device-file F --host 127.0.0.1 --port 1883 --report '{"power_switch": 1}'
"""
import argparse
import json
import sys
import threading
import time

from explorer import explorer


def emit(event, **fields):
    fields["event"] = event
    sys.stdout.write(json.dumps(fields, sort_keys=True) + "\n")
    sys.stdout.flush()


def point_at(qcloud, host, port):
    """spec/07 §1.2: the SDK accepts neither an IP address nor a port; set them after construction."""
    hub = qcloud._QcloudExplorer__hub
    protocol = hub._QcloudHubProvider__protocol
    protocol._AsyncConnClient__host = host
    protocol._AsyncConnClient__mqtt_tcp_port = port


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device-file", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    parser.add_argument("--report", default=None, help="params of one report, as JSON")
    parser.add_argument("--get-status", action="store_true")
    parser.add_argument("--control-code", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()

    qcloud = explorer.QcloudExplorer(device_file=args.device_file, tls=False)
    point_at(qcloud, args.host, args.port)
    product_id = qcloud.getProductID()
    device_name = qcloud.getDeviceName()
    connected = threading.Event()

    def on_connect(flags, rc, userdata):
        emit("connected", rc=rc)
        connected.set()

    def on_disconnect(rc, userdata):
        emit("disconnected", rc=rc)

    def ignore(*_):
        pass

    qcloud.registerMqttCallback(on_connect, on_disconnect, ignore, ignore, ignore, ignore)

    def on_property(topic, qos, payload, userdata):
        method = payload.get("method")
        emit(method or "property", payload=payload)
        if method == "control":
            reply = explorer.QcloudExplorer.ReplyPara()
            reply.code = args.control_code
            reply.status_msg = "" if args.control_code == 0 else "refused by the device"
            qcloud.templateControlReply(product_id, device_name, reply)
            emit("control_replied", code=args.control_code)

    def on_action(topic, qos, payload, userdata):
        emit("action", payload=payload)
        if payload.get("method") == "action":
            reply = explorer.QcloudExplorer.ReplyPara()
            reply.code = 0
            reply.status_msg = "done"
            qcloud.templateActionReply(product_id, device_name, payload.get("clientToken"), {}, reply)

    def on_event(topic, qos, payload, userdata):
        emit(payload.get("method") or "event", payload=payload)

    def on_service(topic, qos, payload, userdata):
        emit("service", topic=topic, payload=payload)

    qcloud.connect()
    if not connected.wait(15):
        emit("connect_timeout")
        return 2
    qcloud.templateInit(product_id, device_name, on_property, on_action, on_event, on_service)
    time.sleep(0.5)  # the SDK subscribes at QoS 0 without waiting for the SUBACKs
    emit("subscribed")
    if args.report:
        params = json.loads(args.report)
        qcloud.templateReport(product_id, device_name, {"method": "report", "clientToken": "report-1", "params": params})
        emit("reported", params=params)
    if args.get_status:
        qcloud.templateGetStatus(product_id, device_name)
        emit("get_status_sent")

    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    stop.wait(args.seconds)
    try:
        qcloud.disconnect()
    except Exception:
        pass
    emit("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
