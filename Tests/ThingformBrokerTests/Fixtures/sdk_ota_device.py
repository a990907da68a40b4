"""A device upgrading its firmware with Tencent's unmodified Python SDK (tencent-iot-device 1.0.0).

It follows the SDK's own OTA sequence: otaInit (subscribe $ota/update), otaReportVersion with the
running version, wait for report_version_rsp, wait for update_firmware, download with
otaDownloadStart/otaFetchYield (HTTP with Range from the saved size, MD5 over the whole file),
check the MD5 with otaIoctlNumber(CHECK_FIRMWARE), then report success (done) or failure.
--drop-after BYTES saves what it fetched and exits mid-download without reporting (a power cut);
started again with the same --work-dir it resumes: the bytes on disk are hashed again and the
download restarts at their end. One JSON object per line on stdout for every step.
"""
import argparse
import json
import os
import sys
import time
from enum import Enum

from explorer import explorer

# The same output and host redirection as the thing-model device (same folder).
from sdk_device import emit, point_at


class Cmd(Enum):
    FETCHED_SIZE = 0
    FILE_SIZE = 1
    MD5SUM = 2
    VERSION = 3
    CHECK_FIRMWARE = 4


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device-file", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    parser.add_argument("--version", required=True, help="the running version to report")
    parser.add_argument("--work-dir", required=True, help="where the downloaded bytes and their size are kept")
    parser.add_argument("--drop-after", type=int, default=0, help="exit after fetching at least this many bytes")
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()

    qcloud = explorer.QcloudExplorer(device_file=args.device_file, tls=False)
    point_at(qcloud, args.host, args.port)
    pid = qcloud.getProductID()
    dn = qcloud.getDeviceName()

    def ignore(*_):
        pass

    qcloud.registerMqttCallback(ignore, ignore, ignore, ignore, ignore, ignore)
    replies = []

    def on_ota(topic, qos, payload, userdata):
        emit("ota_message", payload=payload)
        if payload.get("type") == "report_version_rsp":
            replies.append(payload)

    qcloud.connect()
    deadline = time.time() + 10
    while not qcloud.isMqttConnected() and time.time() < deadline:
        time.sleep(0.1)
    if not qcloud.isMqttConnected():
        emit("error", reason="not connected")
        return 1
    emit("connected")
    qcloud.otaInit(pid, dn, on_ota)
    time.sleep(0.5)
    qcloud.otaReportVersion(pid, dn, args.version)
    deadline = time.time() + 5
    while not replies and time.time() < deadline:
        time.sleep(0.1)
    if not replies or replies[0].get("result_code") != 0:
        emit("error", reason="no report_version_rsp 0", replies=replies)
        return 1
    emit("version_reported", version=args.version)

    end = time.time() + args.seconds
    while not qcloud.otaIsFetching(pid, dn):
        if time.time() > end:
            emit("error", reason="no update_firmware")
            return 1
        time.sleep(0.1)
    size, _ = qcloud.otaIoctlNumber(pid, dn, Cmd.FILE_SIZE)
    version, _ = qcloud.otaIoctlString(pid, dn, Cmd.VERSION, 32)
    path = os.path.join(args.work_dir, "FW_%s.bin" % version)
    info = os.path.join(args.work_dir, "FW_%s.json" % version)
    offset = 0
    if os.path.exists(info) and os.path.exists(path):
        with open(info) as f:
            saved = json.load(f)
        if saved.get("version") == version and 0 < saved.get("downloaded_size", 0) <= size:
            offset = saved["downloaded_size"]
            qcloud.otaResetMd5(pid, dn)
            with open(path, "rb") as f:
                qcloud.otaMd5Update(pid, dn, f.read(offset))
    emit("download_start", offset=offset, size=size, version=version)
    if qcloud.otaDownloadStart(pid, dn, offset, size) != 0:
        emit("error", reason="download start failed")
        return 1
    fetched = offset
    with open(path, "ab" if offset > 0 else "wb") as out:
        out.seek(offset)
        while not qcloud.otaIsFetchFinished(pid, dn):
            buf, n = qcloud.otaFetchYield(pid, dn, 4096)
            if n < 0:
                emit("error", reason="fetch failed", rc=n)
                return 1
            if n > 0:
                out.write(buf)
                out.flush()
                fetched, _ = qcloud.otaIoctlNumber(pid, dn, Cmd.FETCHED_SIZE)
                with open(info, "w") as f:
                    json.dump({"version": version, "downloaded_size": fetched}, f)
                if args.drop_after and fetched >= args.drop_after:
                    emit("dropped", fetched=fetched)
                    os._exit(3)
    valid, state = qcloud.otaIoctlNumber(pid, dn, Cmd.CHECK_FIRMWARE)
    emit("downloaded", fetched=fetched, md5_ok=(valid == 0), state=state)
    if valid == 0:
        rc, mid = qcloud.otaReportUpgradeSuccess(pid, dn, None)
    else:
        rc, mid = qcloud.otaReportUpgradeFail(pid, dn, None)
    emit("reported", success=(valid == 0), rc=rc)
    time.sleep(1)
    qcloud.disconnect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
