import ArgumentParser

/// The command-line interface: argument parsing and printing only; every decision lives in the
/// libraries.
@main
struct Thingform: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thingform",
        abstract: "Declarative config-as-code for an IoT device platform: validate, plan and apply YAML manifests.",
        discussion: """
        Manifests (apiVersion: thingform/v1) declare instances, projects, products, thing models, custom topics, devices and device batches, forwarders, rules, spaces, fences, CAM policies, groups and users, and firmware and upgrade tasks. `plan` diffs them against the state store (SQLite, .thingform/state.db by default) and `apply` reconciles it, refusing what the platform forbids; `batch download` writes a device batch's output file; `review approve|reject` decides an application for release. `test`, `rule test`, `fence test`, `authz check` and `thingmodel check` try the engines before anything is applied.
        """,
        version: "0.1.0",
        subcommands: [Validate.self, PlanCommand.self, DiffCommand.self, Apply.self, StateCommand.self, ForceUnlock.self, ThingModelCommand.self,
                      TopicsCommand.self, BatchCommand.self, ReviewCommand.self, FenceCommand.self, AuthzCommand.self, RuleCommand.self, TestCommand.self,
                      SchemasCommand.self, LicencesCommand.self, ReplayCommand.self, DeviceCommand.self, RunCommand.self,
                      DeadLettersCommand.self, StatsCommand.self, FirmwareCommand.self, RenderCommand.self]
    )
}
