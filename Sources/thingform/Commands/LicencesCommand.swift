import ArgumentParser
import ThingformPlan
import ThingformState

/// `thingform licences`: the activation-code overview of the state (spec/02 §4.6).
struct LicencesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "licences",
        abstract: "Show activation codes: per pool pending / total valid, AV lots, registrable / registered / remaining devices, the message budget.",
        discussion: "Reads the state only. An enterprise instance shows its registered devices against its limit."
    )
    @Flag(name: .long, help: "Print JSON.") var json = false
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        let overview = LicenceOverview(snapshot: try StateCommand.snapshot(stateOptions), now: Planner.currentTime())
        print(json ? overview.json.pretty : overview.text, terminator: json ? "\n" : "")
    }
}
