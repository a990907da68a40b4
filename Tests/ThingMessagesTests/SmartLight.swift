import ThingformModel
import XCTest
@testable import ThingMessages

/// The smart light of spec/01 §6.10.2 (the repaired public copy, seed L1251–1479) plus the §6.9
/// snippets for the remaining types (voltage, work_mode, last_on, GPS_Info, hsl, Wifi_Info),
/// imported through the console JSON reader as the runtime will.
enum SmartLight {
    static let productId = "2300UMK31M"
    static let device = "dev001"
    static let up = "$thing/up/property/2300UMK31M/dev001"
    static let down = "$thing/down/property/2300UMK31M/dev001"
    static let upEvent = "$thing/up/event/2300UMK31M/dev001"
    static let upAction = "$thing/up/action/2300UMK31M/dev001"

    static let json = #"""
    {
      "version": "1.0",
      "profile": { "ProductId": "2300UMK31M", "CategoryId": "3" },
      "properties": [
        { "id": "power_switch", "name": "light switch", "desc": "Control the on and off of the light", "required": true, "mode": "rw",
          "define": { "type": "bool", "mapping": { "0": "Off", "1": "On" } } },
        { "id": "color", "name": "color", "desc": "Light color", "mode": "rw",
          "define": { "type": "enum", "mapping": { "0": "Red", "1": "Green", "2": "Blue" } } },
        { "id": "brightness", "name": "brightness", "desc": "Light brightness", "mode": "rw",
          "define": { "type": "int", "unit": "%", "step": "1", "min": "0", "max": "100", "start": "1" } },
        { "id": "name", "name": "light position name", "desc": "Light position name", "mode": "rw", "required": false,
          "define": { "type": "string", "min": "0", "max": "64" } },
        {"id":"voltage","name":"电压","desc":"","required":false,"mode":"r","define":{"type":"float","unit":"V","step":"0.1","min":"0.0","max":"24.0","start":"0.0"}},
        {"id":"work_mode","name":"工作模式","desc":"","required":false,"mode":"rw","define":{"type":"stringenum","mapping":{"auto":"自动","manual":"手动"}}},
        {"id":"last_on","name":"开灯时间","desc":"","required":false,"mode":"r","define":{"type":"timestamp"}},
        {"id":"GPS_Info","name":"GPS定位","desc":"","required":false,"mode":"r","define":{"type":"struct","specs":[{"id":"longitude","name":"GPS经度","required":true,"dataType":{"type":"float","unit":"度","step":"0.000001","min":"-180","max":"180","start":"0"}},{"id":"latitude","name":"GPS纬度","required":true,"dataType":{"type":"float","unit":"度","step":"0.000001","min":"-90","max":"90","start":"0"}}]}},
        {"id":"hsl","name":"颜色HSL","desc":"","required":false,"mode":"rw","define":{"type":"array","arrayInfo":{"type":"int","unit":"","step":"1","min":"0","max":"360","start":"0"}}},
        {"id":"Wifi_Info","name":"WiFi定位","desc":"","required":false,"mode":"r","define":{"type":"array","arrayInfo":{"type":"struct","specs":[{"id":"Mac","name":"MAC","required":true,"dataType":{"type":"string","min":"0","max":"64"}},{"id":"Rssi","name":"信号强度","required":true,"dataType":{"type":"int","unit":"","step":"1","min":"-200","max":"0","start":"0"}}]}}}
      ],
      "events": [
        { "id": "status_report", "name": "DeviceStatus", "desc": "Report the device status", "type": "info", "required": false,
          "params": [
            { "id": "status", "name": "running_state", "desc": "state", "define": { "type": "bool", "mapping": { "0": "normal", "1": "fault" } } },
            { "id": "message", "name": "Message", "desc": "Some extra message", "define": { "type": "string", "min": "0", "max": "64" } } ] },
        { "id": "low_voltage", "name": "LowVoltage", "desc": "Alert for device voltage is low", "type": "alert", "required": false,
          "params": [
            { "id": "voltage", "name": "Voltage", "desc": "Current voltage",
              "define": { "type": "float", "unit": "V", "step": "1", "min": "0.0", "max": "24.0", "start": "1" } } ] },
        { "id": "hardware_fault", "name": "Hardware_fault", "desc": "Report hardware fault", "type": "fault", "required": false,
          "params": [
            { "id": "name", "name": "Name", "desc": "Name", "define": { "type": "string", "min": "0", "max": "64" } },
            { "id": "error_code", "name": "Error_Code", "desc": "Error code", "define": { "type": "int", "unit": "", "step": "1", "min": "0", "max": "2000", "start": "1" } } ] },
        { "id": "heartbeat", "name": "Heartbeat", "desc": "", "type": "info", "required": false, "params": [] }
      ],
      "actions": [
        { "id": "unlock", "name": "Behavior detection", "desc": "Action for description of turning on the light",
          "input": [
            { "id": "open", "name": "Switch", "define": { "type": "bool", "mapping": { "0": "Off", "1": "On" } } },
            { "id": "user", "name": "User", "define": { "type": "string", "min": "0", "max": "2048" } } ],
          "output": [
            { "id": "user", "name": "user", "define": { "type": "string", "min": "0", "max": "2048" } },
            { "id": "time", "name": "Light on time", "define": { "type": "timestamp" } },
            { "id": "state", "name": "light status", "define": { "type": "bool", "mapping": { "0": "Off", "1": "On" } } } ],
          "required": false },
        { "id": "reboot", "name": "Reboot", "desc": "", "input": [], "output": [], "required": false }
      ]
    }
    """#

    static let model: ThingModelDefinition = {
        let r = ConsoleThingModel.importJSON(json, file: "smart-light.json", compat: .lenient)
        precondition(!r.diagnostics.hasErrors, "fixture: \(r.diagnostics.errors)")
        return r.definition!
    }()

    static func validator(strictStep: Bool = false, style: MessageValidator.ReplyStyle = .platform) -> MessageValidator {
        MessageValidator(model: model, productId: productId, options: .init(strictStep: strictStep, replyStyle: style))
    }
}

/// Shorthands for the tests.
extension MessageValidator {
    func check(_ topic: String, _ payload: String, state: DeviceShadow? = nil) -> MessageCheck {
        check(topic: topic, payload: Array(payload.utf8), deviceName: SmartLight.device, state: state)
    }

    func report(_ params: String) -> MessageCheck {
        check(SmartLight.up, #"{"method":"report","clientToken":"t1","params":{"# + params + "}}")
    }
}

extension MessageCheck {
    var replyText: String? { reply?.text }
    var codes: [MessageCode] { errors.map(\.code) }
}

func json(_ text: String) -> JSON { PayloadParser.parse(Array(text.utf8))! }
